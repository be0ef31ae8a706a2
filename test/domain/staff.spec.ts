import { staffDecider, StaffEvent } from '../../src/domain/staff/staff';
import { specFor } from './given-when-then';
import { NOW } from './fixtures';

const staff = specFor(staffDecider);
const enrolled: StaffEvent = {
  type: 'StaffMemberEnrolled',
  data: { staffId: 'sato', name: '佐藤', roles: ['counselor'], enrolledAt: NOW.toISOString() },
};
const issued: StaffEvent = {
  type: 'StaffTokenIssued',
  data: { staffId: 'sato', tokenId: 't1', secretHash: 'ab'.repeat(32), issuedAt: NOW.toISOString(), expiresAt: '2027-02-24T01:00:00.000Z' },
};

describe('A8.1 staff members, roles and tokens', () => {
  it('enrolls a staff member with their roles, once; a different set of roles is a change', () => {
    staff
      .given([])
      .when({ type: 'EnrollStaffMember', staffId: 'sato', name: '佐藤', roles: ['counselor', 'counselor'], now: NOW })
      .then([enrolled]);
    staff
      .given([enrolled])
      .when({ type: 'EnrollStaffMember', staffId: 'sato', name: '佐藤', roles: ['counselor'], now: NOW })
      .then([]);
    staff
      .given([enrolled])
      .when({ type: 'EnrollStaffMember', staffId: 'sato', name: '佐藤', roles: ['counselor', 'supervisor'], now: NOW })
      .then([{ type: 'StaffRolesChanged', data: { staffId: 'sato', roles: ['counselor', 'supervisor'], changedAt: NOW.toISOString() } }]);
  });

  it('refuses a staff member without any role', () => {
    staff
      .given([])
      .when({ type: 'EnrollStaffMember', staffId: 'sato', name: '佐藤', roles: [], now: NOW })
      .thenRejected('A8.1', /at least one role/);
  });

  it('issues a token recording only the hash of its secret, with its expiry', () => {
    staff
      .given([enrolled])
      .when({ type: 'IssueStaffToken', tokenId: 't1', secretHash: 'ab'.repeat(32), validDays: 90, now: NOW })
      .then([issued]);
  });

  it('refuses a token for someone not enrolled, or valid for no day or more than 400 days', () => {
    staff
      .given([])
      .when({ type: 'IssueStaffToken', tokenId: 't1', secretHash: 'ab', validDays: 90, now: NOW })
      .thenRejected('A8.1', /not enrolled/);
    staff
      .given([enrolled])
      .when({ type: 'IssueStaffToken', tokenId: 't1', secretHash: 'ab', validDays: 0, now: NOW })
      .thenRejected('A8.1', /1 to 400 days/);
    staff.given([enrolled]).when({ type: 'IssueStaffToken', tokenId: 't1', secretHash: 'ab', validDays: 401, now: NOW }).thenRejected('A8.1');
  });

  it('revokes a token once; an unknown token is refused', () => {
    const revoked: StaffEvent = { type: 'StaffTokenRevoked', data: { staffId: 'sato', tokenId: 't1', revokedAt: NOW.toISOString() } };
    staff.given([enrolled, issued]).when({ type: 'RevokeStaffToken', tokenId: 't1', now: NOW }).then([revoked]);
    staff.given([enrolled, issued, revoked]).when({ type: 'RevokeStaffToken', tokenId: 't1', now: NOW }).then([]);
    staff
      .given([enrolled, issued])
      .when({ type: 'RevokeStaffToken', tokenId: 't2', now: NOW })
      .thenRejected('A8.1', /no token t2/);
  });
});
