import type { Decider, DomainEvent } from '../shared/decider';
import { RuleViolation } from '../shared/errors';

/**
 * A8.1: every read of a job seeker's personal data is recorded: who read what about whom, when.
 * Appended to one stream per JST day (`access-log-<date>`), with no personal data in it.
 */
export type PersonalDataViewed = DomainEvent<
  'PersonalDataViewed',
  {
    viewer: string;
    /** What was shown, e.g. 'job-seeker', 'reservation', 'job-seeker-list'. */ view: string;
    jobSeekerIds: string[];
    viewedAt: string;
  }
>;

/**
 * A7.2: device identifiers leave the system only on a legal request from the authorities, started
 * by a supervisor with the reason and the authority's reference; the export itself is this event.
 */
export type LegalDisclosureMade = DomainEvent<
  'LegalDisclosureMade',
  {
    requestId: string;
    jobSeekerId: string;
    authority: string;
    reference: string;
    reason: string;
    /** Pseudonyms of the devices whose identifiers were disclosed. */
    devicePseudonyms: string[];
    disclosedAt: string;
  }
>;

/**
 * A7 / A7.2: the usage records of an office's month left the system as statistics, in a form that identifies no
 * device and no person; the export itself is this event (stream `usage-exports-<officeId>`).
 */
export type UsageRecordsExported = DomainEvent<
  'UsageRecordsExported',
  { officeId: string; /** YYYY-MM (JST). */ month: string; sessions: number; exportedBy: string; exportedAt: string }
>;

export type AccessEvent = PersonalDataViewed | LegalDisclosureMade | UsageRecordsExported;

export type LegalRequestState = { status: 'none' } | { status: 'disclosed'; disclosedAt: string };
export type RecordLegalDisclosure = {
  type: 'RecordLegalDisclosure';
  requestId: string;
  jobSeekerId: string;
  authority: string;
  reference: string;
  reason: string;
  devicePseudonyms: string[];
  now: Date;
};

/** One legal request (stream `legal-request-<requestId>`), disclosed once. */
export const legalRequestDecider: Decider<RecordLegalDisclosure, LegalDisclosureMade, LegalRequestState> = {
  initialState: () => ({ status: 'none' }),
  evolve: (_state, event) => ({ status: 'disclosed', disclosedAt: event.data.disclosedAt }),
  decide: (command, state) => {
    if (state.status === 'disclosed') return [];
    const { type: _t, now, ...request } = command;
    if (request.devicePseudonyms.length === 0) {
      throw new RuleViolation('A7.2', 'disclosure.no-devices');
    }
    return [{ type: 'LegalDisclosureMade', data: { ...request, disclosedAt: now.toISOString() } }];
  },
};
