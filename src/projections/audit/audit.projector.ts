import type { EventType, MadoguchiEvent } from '../../domain/events';
import type { RuleId } from '../../domain/shared/errors';
import { DocumentProjector, eventTypes } from '../document-projector';
import { jstIso, ProjectedEvent, RULE_OF } from '../projected-event';

/**
 * One line of the audit log per event: who, when, which command and correlation, under which
 * rule, about whom. Ids only — no personal value, so an erasure changes nothing here; a device
 * appears only as its pseudonym (A7.2).
 */
export interface AuditEntry {
  /** The global position, zero-padded so it sorts as text (the cursor of the log). */
  entryId: string;
  event: EventType;
  /** JST. */
  at: string;
  actor: string;
  commandId: string;
  correlationId: string;
  causationId: string;
  rule: RuleId;
  /** The job seekers it is about (PersonalDataViewed: every one whose data was shown); empty when none. */
  jobSeekerIds: string[];
  reservationId?: string;
  officeId?: string;
  counselorId?: string;
  staffId?: string;
  devicePseudonyms?: string[];
}

const TYPES = eventTypes(
  [
    'TermsVersionPublished',
    'JobSeekerRegistered',
    'JobSeekerDetailsUpdated',
    'JobSeekerRegistrationCompleted',
    'ConsentGiven',
    'NoShowCounted',
    'TermsNoticeSent',
    'TermsNoticeFailed',
    'RefusalReviewRequested',
    'ServiceRefused',
    'ServiceRefusalLifted',
    'PersonalDataErased',
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
    'InvitationSentAfterCancellation',
    'InvitationFailed',
    'InterpreterNotified',
    'CheckedIn',
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
  [],
);

export const auditEntryId = (position: bigint) => String(position).padStart(20, '0');

/** The ids an event is about, read from its data; never a personal value. */
function subjects(event: MadoguchiEvent): Partial<AuditEntry> & Pick<AuditEntry, 'jobSeekerIds'> {
  const data = event.data as Record<string, unknown>;
  const id = (key: string) => (typeof data[key] === 'string' ? { [key]: data[key] } : {});
  const jobSeekerIds = event.type === 'PersonalDataViewed' ? event.data.jobSeekerIds : typeof data.jobSeekerId === 'string' ? [data.jobSeekerId] : [];
  const subject: Partial<AuditEntry> & Pick<AuditEntry, 'jobSeekerIds'> = {
    jobSeekerIds,
    ...id('reservationId'),
    ...id('officeId'),
    ...id('counselorId'),
    ...id('staffId'),
  };
  if (event.type === 'CheckedIn' && event.data.device) subject.devicePseudonyms = [event.data.device.pseudonym];
  if (event.type === 'LegalDisclosureMade') subject.devicePseudonyms = event.data.devicePseudonyms;
  return subject;
}

export function auditEntry({ event, metadata, position }: ProjectedEvent): AuditEntry {
  return {
    entryId: auditEntryId(position),
    event: event.type,
    at: jstIso(metadata.recordedAt),
    actor: metadata.actor,
    commandId: metadata.commandId,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    rule: RULE_OF[event.type],
    ...subjects(event),
  };
}

/** The audit log: every event, one document each, written once. */
export const auditProjector: DocumentProjector<AuditEntry> = {
  name: 'audit-log',
  handles: TYPES.handles,
  ignores: TYPES.ignores,
  targets: ({ position }) => ({ ids: [auditEntryId(position)] }),
  evolve: (current, projected) => current ?? auditEntry(projected),
};
