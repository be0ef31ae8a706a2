import { legalRequestDecider, RecordLegalDisclosure } from '../../src/domain/privacy/access';
import { specFor } from './given-when-then';
import { JOB_SEEKER_ID, NOW } from './fixtures';

const legalRequest = specFor(legalRequestDecider);
const disclose: RecordLegalDisclosure = {
  type: 'RecordLegalDisclosure',
  requestId: 'req-1',
  jobSeekerId: JOB_SEEKER_ID,
  authority: '岡山県警察本部',
  reference: '岡本捜第1234号',
  reason: '捜査関係事項照会',
  devicePseudonyms: ['p1', 'p2'],
  now: NOW,
};

describe('A7.2 device identifiers are disclosed only on a legal request, and the disclosure is recorded', () => {
  it('records who asked, under which reference, why, and which devices (by pseudonym)', () => {
    const { type: _t, now: _n, ...request } = disclose;
    legalRequest
      .given([])
      .when(disclose)
      .then([{ type: 'LegalDisclosureMade', data: { ...request, disclosedAt: NOW.toISOString() } }]);
  });

  it('records one request once', () => {
    const { type: _t, now: _n, ...request } = disclose;
    legalRequest
      .given([{ type: 'LegalDisclosureMade', data: { ...request, disclosedAt: NOW.toISOString() } }])
      .when(disclose)
      .then([]);
  });

  it('refuses a disclosure with no device on record', () => {
    legalRequest
      .given([])
      .when({ ...disclose, devicePseudonyms: [] })
      .thenRejected('A7.2', /nothing to disclose/);
  });
});
