import type { DeviceReadiness, EnvironmentDeclaration, RegistrationKind } from '../../domain/job-seeker/job-seeker';
import { ERASED } from '../../domain/privacy/personal-data';
import { assertNever } from '../../domain/shared/decider';
import { DocumentProjector, eventTypes, NO_TARGETS, Targets } from '../document-projector';
import { jstIso, ProjectedEvent } from '../projected-event';

/**
 * A job seeker as staff look them up. Personal values (name, contact, the A2.1 reason, the
 * refusal's reason) are kept here so lists need no decryption per read; PersonalDataErased
 * overwrites each with [erased], and a rebuild reads them [erased] from the store anyway.
 */
export interface JobSeekerDocument {
  jobSeekerId: string;
  registration: RegistrationKind;
  name: string;
  email?: string;
  phone?: string;
  inPersonDifficulty: string;
  /** The latest consent (A2.3 / A13), with its declaration (A5.1–A5.6), device readiness (A2.2) and app (A4). */
  consent?: {
    termsVersion: string;
    givenAt: string;
    environment: EnvironmentDeclaration;
    deviceReadiness: DeviceReadiness;
    designatedApp: string;
    recordingProhibitionAcknowledged: true;
  };
  /** Every terms version consented to, in order. */
  termsVersions: string[];
  noShowCount: number;
  /** A6.5: a refusal review is due (after the no-shows) until service is refused. */
  refusalReviewDue?: { since: string; noShowCount: number };
  refusal?: { article: 'A12.1' | 'A6.5'; reason: string; since: string };
  /** A13: terms notices refused for good (TermsNoticeFailed), until the job seeker consents to that version; absent when none. */
  failedTermsNotices?: Array<{ termsVersion: string; failedAt: string; reason: string }>;
  /** A7.2: devices only by their pseudonym. */
  devicePseudonyms: string[];
  erasedAt?: string;
}

const TYPES = eventTypes(
  [
    'JobSeekerRegistered',
    'JobSeekerDetailsUpdated',
    'JobSeekerRegistrationCompleted',
    'ConsentGiven',
    'NoShowCounted',
    'RefusalReviewRequested',
    'TermsNoticeFailed',
    'ServiceRefused',
    'ServiceRefusalLifted',
    'PersonalDataErased',
    'CheckedIn',
  ],
  [
    'TermsVersionPublished',
    'TermsNoticeSent',
    'InvitationSentAfterCancellation',
    'OfficeOpened',
    'OfficeProfileChanged',
    'DesignatedAppChanged',
    'OfficeClosureDayAdded',
    'OfficeClosureDayRemoved',
    'CounselorAdded',
    'CounselorRenamed',
    'CounselorRoomUrlSet',
    'WeeklyHoursSet',
    'AvailabilityExceptionAdded',
    'AvailabilityExceptionRemoved',
    'CounselorDeactivated',
    'CounselorReactivated',
    'SlotHeld',
    'SlotReleased',
    'ReservationRequested',
    'SlotConfirmed',
    'InvitationSent',
    'InvitationFailed',
    'InterpreterNotified',
    'SessionCompleted',
    'SessionStopped',
    'ReservationCancelled',
    'SessionMissed',
    'ConfirmationAbandoned',
    'StaffMemberEnrolled',
    'StaffRolesChanged',
    'StaffTokenIssued',
    'StaffTokenRevoked',
    'PersonalDataViewed',
    'LegalDisclosureMade',
    'UsageRecordsExported',
  ],
);
type Handled = Extract<ProjectedEvent['event'], { type: (typeof TYPES.handles)[number] }>;

function evolve(current: JobSeekerDocument | undefined, projected: ProjectedEvent): JobSeekerDocument | null {
  const event = projected.event as Handled;
  if (event.type === 'JobSeekerRegistered') {
    if (current) return current;
    const { jobSeekerId, registration, name, email, phone, inPersonDifficulty } = event.data;
    return {
      jobSeekerId,
      registration,
      name,
      ...(email ? { email } : {}),
      ...(phone ? { phone } : {}),
      inPersonDifficulty,
      termsVersions: [],
      noShowCount: 0,
      devicePseudonyms: [],
    };
  }
  // A check-in of a reservation taken before this read model knew the job seeker cannot happen: registration comes first.
  if (!current) throw new Error(`${event.type} at position ${projected.position} for a job seeker never registered`);
  switch (event.type) {
    case 'JobSeekerDetailsUpdated': {
      const { jobSeekerId: _id, ...changes } = event.data;
      return { ...current, ...changes };
    }
    case 'JobSeekerRegistrationCompleted':
      return { ...current, registration: 'full' };
    case 'ConsentGiven': {
      const { termsVersion, givenAt, environment, deviceReadiness, designatedApp } = event.data;
      return {
        ...withoutFailedNotice(current, termsVersion),
        consent: {
          termsVersion,
          givenAt: jstIso(givenAt),
          environment,
          deviceReadiness,
          designatedApp: designatedApp.name,
          recordingProhibitionAcknowledged: true,
        },
        termsVersions: current.termsVersions.includes(termsVersion) ? current.termsVersions : [...current.termsVersions, termsVersion],
      };
    }
    case 'TermsNoticeFailed': {
      const { termsVersion, failedAt, reason } = event.data;
      if (current.failedTermsNotices?.some((n) => n.termsVersion === termsVersion) || current.termsVersions.includes(termsVersion)) return current;
      return { ...current, failedTermsNotices: [...(current.failedTermsNotices ?? []), { termsVersion, failedAt: jstIso(failedAt), reason }] };
    }
    case 'NoShowCounted':
      return { ...current, noShowCount: event.data.noShowCount };
    case 'RefusalReviewRequested':
      return { ...current, refusalReviewDue: { since: jstIso(projected.metadata.recordedAt), noShowCount: event.data.noShowCount } };
    case 'ServiceRefused': {
      const { refusalReviewDue: _done, ...rest } = current;
      return { ...rest, refusal: { article: event.data.article, reason: event.data.reason, since: jstIso(event.data.refusedAt) } };
    }
    case 'ServiceRefusalLifted': {
      const { refusal: _lifted, ...rest } = current;
      return rest;
    }
    case 'PersonalDataErased': {
      // Nobody is left to tell about the terms.
      const { failedTermsNotices: _gone, ...kept } = current;
      return {
        ...kept,
        name: ERASED,
        inPersonDifficulty: ERASED,
        ...(current.email !== undefined ? { email: ERASED } : {}),
        ...(current.phone !== undefined ? { phone: ERASED } : {}),
        ...(current.refusal ? { refusal: { ...current.refusal, reason: ERASED } } : {}),
        erasedAt: jstIso(event.data.erasedAt),
      };
    }
    case 'CheckedIn': {
      const pseudonym = event.data.device?.pseudonym;
      if (!pseudonym || current.devicePseudonyms.includes(pseudonym)) return current;
      return { ...current, devicePseudonyms: [...current.devicePseudonyms, pseudonym] };
    }
    default:
      return assertNever(event, 'job seeker read-model event');
  }
}

/** A13: consent to a version settles its failed notice: the job seeker has read those terms. */
function withoutFailedNotice(current: JobSeekerDocument, termsVersion: string): JobSeekerDocument {
  const { failedTermsNotices, ...rest } = current;
  const open = failedTermsNotices?.filter((n) => n.termsVersion !== termsVersion) ?? [];
  return open.length > 0 ? { ...rest, failedTermsNotices: open } : rest;
}

function targets({ event }: ProjectedEvent): Targets {
  if (!TYPES.handled(event.type)) return NO_TARGETS;
  return { ids: [(event as Handled).data.jobSeekerId] };
}

/** Job seekers (one document each): registration, consent, declaration, device readiness, no-shows, refusal. */
export const jobSeekerProjector: DocumentProjector<JobSeekerDocument> = {
  name: 'job-seekers',
  handles: TYPES.handles,
  ignores: TYPES.ignores,
  targets,
  evolve,
};
