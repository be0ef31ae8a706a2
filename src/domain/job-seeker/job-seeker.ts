import { assertNever, Decider, DomainEvent } from '../shared/decider';
import { RuleViolation } from '../shared/errors';

/**
 * The job seeker (stream `jobseeker-<jobSeekerId>`). `jobSeekerNo` is the 求職番号 that Hello Work
 * gives on registration (求職登録); jobSeekerId is derived from it by a keyed hash so the number never
 * appears in a stream name.
 */
export type RegistrationKind = 'pre' | 'full'; // A2.1: online pre-registration (仮登録) or full registration

export interface PersonalDetails {
  name: string;
  email?: string;
  phone?: string;
  /** A2.1: why coming to the office in person is difficult for this job seeker. */
  inPersonDifficulty: string;
}

/** A5.1–A5.6, declared item by item by the job seeker when consenting. */
export interface EnvironmentDeclaration {
  'A5.1': boolean; // the device is not compromised (no virus, no tampering)
  'A5.2': boolean; // not on free Wi-Fi of unknown safety
  'A5.3': boolean; // the OS is in support and patched
  'A5.4': boolean; // a personal firewall is on
  'A5.5': boolean; // no file-sharing software (Winny, Share, …)
  'A5.6': boolean; // antivirus with current signatures
}
export const ENVIRONMENT_ITEMS = ['A5.1', 'A5.2', 'A5.3', 'A5.4', 'A5.5', 'A5.6'] as const;

/** A2.2: a device with a web camera, and the designated app prepared. */
export interface DeviceReadiness {
  device: 'smartphone' | 'tablet' | 'pc';
  hasWebCamera: boolean;
  appPrepared: boolean;
}

export interface Consent {
  termsVersion: string;
  environment: EnvironmentDeclaration;
  deviceReadiness: DeviceReadiness;
  /** A4: the designated app (and its own terms) the job seeker agreed to. */
  designatedApp: { name: string; termsUrl: string };
  givenAt: string;
}

export type JobSeekerRegistered = DomainEvent<
  'JobSeekerRegistered',
  {
    jobSeekerId: string;
    jobSeekerNo: string;
    registration: RegistrationKind;
    /**
     * A8.1: which record of this 求職番号 this is: 0 for the first, n after n erased ones (see `nextGeneration`).
     * Absent in events recorded before generations existed, which were all the first.
     */
    generation?: number;
  } & PersonalDetails
>;
export type JobSeekerDetailsUpdated = DomainEvent<'JobSeekerDetailsUpdated', { jobSeekerId: string } & Partial<PersonalDetails>>;
export type JobSeekerRegistrationCompleted = DomainEvent<'JobSeekerRegistrationCompleted', { jobSeekerId: string }>;
export type ConsentGiven = DomainEvent<'ConsentGiven', { jobSeekerId: string; recordingProhibitionAcknowledged: true } & Consent>;
export type NoShowCounted = DomainEvent<'NoShowCounted', { jobSeekerId: string; reservationId: string; noShowCount: number }>;
export type RefusalReviewRequested = DomainEvent<'RefusalReviewRequested', { jobSeekerId: string; noShowCount: number }>;
/** A12.1 (threats, abuse, use for other purposes) or A6.5 (cancelling without contact). */
export type RefusalArticle = 'A12.1' | 'A6.5';
export type ServiceRefused = DomainEvent<'ServiceRefused', { jobSeekerId: string; article: RefusalArticle; reason: string; refusedAt: string }>;
export type ServiceRefusalLifted = DomainEvent<'ServiceRefusalLifted', { jobSeekerId: string; reason: string; liftedAt: string }>;
/**
 * A8.1: the job seeker's personal data was erased (their key destroyed: crypto-shredding). `reason`
 * says why (e.g. the retention period ended); staff must not write personal data into it.
 */
export type PersonalDataErased = DomainEvent<'PersonalDataErased', { jobSeekerId: string; reason: string; erasedAt: string }>;

export type JobSeekerEvent =
  | JobSeekerRegistered
  | JobSeekerDetailsUpdated
  | JobSeekerRegistrationCompleted
  | ConsentGiven
  | NoShowCounted
  | RefusalReviewRequested
  | ServiceRefused
  | ServiceRefusalLifted
  | PersonalDataErased;

export type JobSeekerState =
  | { status: 'unknown' }
  | {
      status: 'registered';
      jobSeekerId: string;
      /** A8.1: which record of the 求職番号 this is (0 for the first). */
      generation: number;
      registration: RegistrationKind;
      details: PersonalDetails;
      consents: Consent[];
      noShows: string[];
      refusal?: { article: RefusalArticle; reason: string; since: string };
      /** A8.1: when set, nothing personal can be recorded for this job seeker any more. */
      erasedAt?: string;
    };

/** A6.5: missed sessions after which staff are asked to review a refusal. Not set by the terms; a Madoguchi policy. */
export const NO_SHOWS_BEFORE_REFUSAL_REVIEW = 3;

export type RegisterJobSeeker = {
  type: 'RegisterJobSeeker';
  jobSeekerId: string;
  jobSeekerNo: string;
  /** The generation whose record `jobSeekerId` is (the application derives the id from the number and it). */
  generation: number;
  registration: RegistrationKind;
} & PersonalDetails;
export type GiveConsent = {
  type: 'GiveConsent';
  termsVersion: string;
  /** Versions published so far (A13): consent is only to a published version. */
  publishedVersions: readonly string[];
  environment: EnvironmentDeclaration;
  deviceReadiness: DeviceReadiness;
  designatedApp: { name: string; termsUrl: string };
  recordingProhibitionAcknowledged: boolean;
  now: Date;
};
export type CountNoShow = { type: 'CountNoShow'; reservationId: string };
export type RefuseService = { type: 'RefuseService'; article: RefusalArticle; reason: string; now: Date };
export type LiftRefusal = { type: 'LiftRefusal'; reason: string; now: Date };
export type ErasePersonalData = { type: 'ErasePersonalData'; reason: string; now: Date };
export type JobSeekerCommand = RegisterJobSeeker | GiveConsent | CountNoShow | RefuseService | LiftRefusal | ErasePersonalData;

type Registered = Extract<JobSeekerState, { status: 'registered' }>;

function registered(state: JobSeekerState): Registered {
  if (state.status !== 'registered') {
    throw new RuleViolation('A2.1', 'job-seeker.not-registered');
  }
  return state;
}

/** A registered job seeker whose personal data still exists: the only kind new personal data can be recorded for. */
export function notErased<S extends JobSeekerState>(state: S): S {
  if (state.status === 'registered' && state.erasedAt) {
    throw new RuleViolation('A8.1', 'job-seeker.erased', { erasedAt: state.erasedAt });
  }
  return state;
}

/**
 * A8.1: erased means erased, not banned. An erased record stays closed for good (its history stays, its personal
 * data unreadable); the same 求職番号 registers again as a new record of the next generation, with an id and a key
 * of its own. Answers the generation that registrations and lookups of the number go on to from this record, or
 * undefined when this record is the number's current one (never registered, or not erased).
 */
export function nextGeneration(state: JobSeekerState): number | undefined {
  return state.status === 'registered' && state.erasedAt !== undefined ? state.generation + 1 : undefined;
}

const DETAIL_KEYS = ['name', 'email', 'phone', 'inPersonDifficulty'] as const;

function changedDetails(current: PersonalDetails, next: PersonalDetails): Partial<PersonalDetails> {
  const changes: Partial<PersonalDetails> = {};
  for (const key of DETAIL_KEYS) {
    if (next[key] !== undefined && next[key] !== current[key]) changes[key] = next[key];
  }
  return changes;
}

function register(command: RegisterJobSeeker, state: JobSeekerState): JobSeekerEvent[] {
  const { jobSeekerId, jobSeekerNo, generation, registration, name, email, phone, inPersonDifficulty } = command;
  const details: PersonalDetails = { name, email, phone, inPersonDifficulty };
  if (state.status === 'unknown') {
    return [{ type: 'JobSeekerRegistered', data: { jobSeekerId, jobSeekerNo, generation, registration, ...details } }];
  }
  if (state.registration === 'full' && registration === 'pre') {
    throw new RuleViolation('A2.1', 'job-seeker.no-downgrade');
  }
  const events: JobSeekerEvent[] = [];
  const changes = changedDetails(state.details, details);
  if (Object.keys(changes).length > 0) events.push({ type: 'JobSeekerDetailsUpdated', data: { jobSeekerId, ...changes } });
  if (state.registration === 'pre' && registration === 'full') {
    events.push({ type: 'JobSeekerRegistrationCompleted', data: { jobSeekerId } });
  }
  return events;
}

function giveConsent(command: GiveConsent, state: Registered): JobSeekerEvent[] {
  if (!command.publishedVersions.includes(command.termsVersion)) {
    throw new RuleViolation('A13', 'terms.not-published', { version: command.termsVersion });
  }
  if (!command.recordingProhibitionAcknowledged) {
    throw new RuleViolation('A12.2', 'recording.not-acknowledged');
  }
  return [
    {
      type: 'ConsentGiven',
      data: {
        jobSeekerId: state.jobSeekerId,
        termsVersion: command.termsVersion,
        environment: command.environment,
        deviceReadiness: command.deviceReadiness,
        designatedApp: command.designatedApp,
        recordingProhibitionAcknowledged: true,
        givenAt: command.now.toISOString(),
      },
    },
  ];
}

function countNoShow(command: CountNoShow, state: Registered): JobSeekerEvent[] {
  if (state.noShows.includes(command.reservationId)) return []; // counted once per reservation
  const noShowCount = state.noShows.length + 1;
  const events: JobSeekerEvent[] = [
    { type: 'NoShowCounted', data: { jobSeekerId: state.jobSeekerId, reservationId: command.reservationId, noShowCount } },
  ];
  if (noShowCount === NO_SHOWS_BEFORE_REFUSAL_REVIEW && !state.refusal) {
    events.push({ type: 'RefusalReviewRequested', data: { jobSeekerId: state.jobSeekerId, noShowCount } });
  }
  return events;
}

export const jobSeekerDecider: Decider<JobSeekerCommand, JobSeekerEvent, JobSeekerState> = {
  initialState: () => ({ status: 'unknown' }),
  evolve: (state, event) => {
    if (event.type === 'JobSeekerRegistered') {
      const { jobSeekerId, generation = 0, registration, name, email, phone, inPersonDifficulty } = event.data;
      return {
        status: 'registered',
        jobSeekerId,
        generation,
        registration,
        details: { name, email, phone, inPersonDifficulty },
        consents: [],
        noShows: [],
      };
    }
    const current = registered(state);
    switch (event.type) {
      case 'JobSeekerDetailsUpdated': {
        const { jobSeekerId: _id, ...changes } = event.data;
        return { ...current, details: { ...current.details, ...changes } };
      }
      case 'JobSeekerRegistrationCompleted':
        return { ...current, registration: 'full' };
      case 'ConsentGiven': {
        const { jobSeekerId: _id, recordingProhibitionAcknowledged: _ack, ...consent } = event.data;
        return { ...current, consents: [...current.consents, consent] };
      }
      case 'NoShowCounted':
        return { ...current, noShows: [...current.noShows, event.data.reservationId] };
      case 'RefusalReviewRequested':
        return current;
      case 'ServiceRefused':
        return { ...current, refusal: { article: event.data.article, reason: event.data.reason, since: event.data.refusedAt } };
      case 'ServiceRefusalLifted':
        return { ...current, refusal: undefined };
      case 'PersonalDataErased':
        return { ...current, erasedAt: event.data.erasedAt };
      default:
        return assertNever(event, 'job seeker event');
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'RegisterJobSeeker':
        return register(command, notErased(state));
      case 'GiveConsent':
        return giveConsent(command, notErased(registered(state)));
      case 'CountNoShow':
        return countNoShow(command, registered(state));
      case 'RefuseService': {
        const current = notErased(registered(state));
        if (current.refusal) {
          throw new RuleViolation('A12.1', 'refusal.already', { since: current.refusal.since });
        }
        return [
          {
            type: 'ServiceRefused',
            data: { jobSeekerId: current.jobSeekerId, article: command.article, reason: command.reason, refusedAt: command.now.toISOString() },
          },
        ];
      }
      case 'LiftRefusal': {
        const current = notErased(registered(state));
        if (!current.refusal) throw new RuleViolation('A12.1', 'refusal.none');
        return [
          { type: 'ServiceRefusalLifted', data: { jobSeekerId: current.jobSeekerId, reason: command.reason, liftedAt: command.now.toISOString() } },
        ];
      }
      case 'ErasePersonalData': {
        const current = registered(state);
        if (current.erasedAt) return []; // erased once; a re-sent erasure changes nothing
        return [
          { type: 'PersonalDataErased', data: { jobSeekerId: current.jobSeekerId, reason: command.reason, erasedAt: command.now.toISOString() } },
        ];
      }
      default:
        return assertNever(command, 'job seeker command');
    }
  },
};

/** The latest consent the job seeker gave to a given terms version. */
export function consentTo(state: Registered, termsVersion: string): Consent | undefined {
  return state.consents.filter((c) => c.termsVersion === termsVersion).at(-1);
}
