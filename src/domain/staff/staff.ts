import { assertNever, Decider, DomainEvent } from '../shared/decider';
import { RuleViolation } from '../shared/errors';

/**
 * A8.1: personal data only to authorised staff. A staff member (stream `staff-<staffId>`) holds
 * roles, and signs in with bearer tokens issued to them. Only a hash of each token is recorded.
 */
export const ROLES = ['counselor', 'supervisor', 'auditor', 'integration', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type StaffMemberEnrolled = DomainEvent<'StaffMemberEnrolled', { staffId: string; name: string; roles: Role[]; enrolledAt: string }>;
export type StaffRolesChanged = DomainEvent<'StaffRolesChanged', { staffId: string; roles: Role[]; changedAt: string }>;
export type StaffTokenIssued = DomainEvent<
  'StaffTokenIssued',
  { staffId: string; tokenId: string; /** SHA-256 of the token's secret, hex. */ secretHash: string; issuedAt: string; expiresAt: string }
>;
export type StaffTokenRevoked = DomainEvent<'StaffTokenRevoked', { staffId: string; tokenId: string; revokedAt: string }>;
export type StaffEvent = StaffMemberEnrolled | StaffRolesChanged | StaffTokenIssued | StaffTokenRevoked;

export type StaffState = { status: 'unknown' } | { status: 'enrolled'; staffId: string; roles: Role[]; tokens: Map<string, { revoked: boolean }> };

export type EnrollStaffMember = { type: 'EnrollStaffMember'; staffId: string; name: string; roles: Role[]; now: Date };
export type IssueStaffToken = { type: 'IssueStaffToken'; tokenId: string; secretHash: string; validDays: number; now: Date };
export type RevokeStaffToken = { type: 'RevokeStaffToken'; tokenId: string; now: Date };
export type StaffCommand = EnrollStaffMember | IssueStaffToken | RevokeStaffToken;

/** Tokens expire; staff get a new one from an administrator. */
export const MAX_TOKEN_DAYS = 400;

/** When a token issued at `now` for `validDays` stops working. */
export function tokenExpiry(now: Date, validDays: number): Date {
  return new Date(now.getTime() + validDays * 86_400_000);
}

function enrolled(state: StaffState): Extract<StaffState, { status: 'enrolled' }> {
  if (state.status !== 'enrolled') throw new RuleViolation('A8.1', 'staff.not-enrolled');
  return state;
}

const sameRoles = (a: readonly Role[], b: readonly Role[]) => a.length === b.length && a.every((r) => b.includes(r));

export const staffDecider: Decider<StaffCommand, StaffEvent, StaffState> = {
  initialState: () => ({ status: 'unknown' }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'StaffMemberEnrolled':
        return { status: 'enrolled', staffId: event.data.staffId, roles: event.data.roles, tokens: new Map() };
      case 'StaffRolesChanged':
        return { ...enrolled(state), roles: event.data.roles };
      case 'StaffTokenIssued': {
        const current = enrolled(state);
        return { ...current, tokens: new Map(current.tokens).set(event.data.tokenId, { revoked: false }) };
      }
      case 'StaffTokenRevoked': {
        const current = enrolled(state);
        return { ...current, tokens: new Map(current.tokens).set(event.data.tokenId, { revoked: true }) };
      }
      default:
        return assertNever(event, 'staff event');
    }
  },
  decide: (command, state) => {
    const at = command.now.toISOString();
    switch (command.type) {
      case 'EnrollStaffMember': {
        const roles = [...new Set(command.roles)];
        if (roles.length === 0) throw new RuleViolation('A8.1', 'staff.no-roles');
        if (state.status === 'unknown') {
          return [{ type: 'StaffMemberEnrolled', data: { staffId: command.staffId, name: command.name, roles, enrolledAt: at } }];
        }
        return sameRoles(state.roles, roles) ? [] : [{ type: 'StaffRolesChanged', data: { staffId: state.staffId, roles, changedAt: at } }];
      }
      case 'IssueStaffToken': {
        const current = enrolled(state);
        if (!Number.isInteger(command.validDays) || command.validDays < 1 || command.validDays > MAX_TOKEN_DAYS) {
          throw new RuleViolation('A8.1', 'token.validity', { maxDays: MAX_TOKEN_DAYS });
        }
        const expiresAt = tokenExpiry(command.now, command.validDays).toISOString();
        return [
          {
            type: 'StaffTokenIssued',
            data: { staffId: current.staffId, tokenId: command.tokenId, secretHash: command.secretHash, issuedAt: at, expiresAt },
          },
        ];
      }
      case 'RevokeStaffToken': {
        const current = enrolled(state);
        const token = current.tokens.get(command.tokenId);
        if (!token) throw new RuleViolation('A8.1', 'token.unknown', { staffId: current.staffId, tokenId: command.tokenId });
        return token.revoked ? [] : [{ type: 'StaffTokenRevoked', data: { staffId: current.staffId, tokenId: command.tokenId, revokedAt: at } }];
      }
      default:
        return assertNever(command, 'staff command');
    }
  },
};
