import { toDomainEvent } from '../application/event-sourcing/event-sourcing';
import type { EventMetadata, StoredEvent } from '../application/ports/event-store';
import type { EventType, MadoguchiEvent } from '../domain/events';
import type { RuleId } from '../domain/shared/errors';

/** What a projector sees of one stored event: the domain event (decrypted by the store), who did it, and where it is. */
export interface ProjectedEvent<E extends MadoguchiEvent = MadoguchiEvent> {
  event: E;
  metadata: EventMetadata;
  position: bigint;
  streamId: string;
}

export function projected(stored: StoredEvent): ProjectedEvent {
  return { event: toDomainEvent(stored), metadata: stored.metadata, position: stored.position, streamId: stored.streamId };
}

/**
 * The rule under which each event is recorded, as staff and auditors read it in a timeline or the
 * audit log. Madoguchi's own rules (OFFICE, COUNSELOR, SLOT, RESERVATION) where the terms say nothing.
 * Staff enrolment and tokens fall under A8.1 (who may see personal data). A `Record`: a new
 * event type without its rule does not compile.
 */
export const RULE_OF: Record<EventType, RuleId> = {
  TermsVersionPublished: 'A13',
  JobSeekerRegistered: 'A2.1',
  JobSeekerDetailsUpdated: 'A2.1',
  JobSeekerRegistrationCompleted: 'A2.1',
  ConsentGiven: 'A2.3',
  NoShowCounted: 'A6.5',
  TermsNoticeSent: 'A13',
  TermsNoticeFailed: 'A13',
  RefusalReviewRequested: 'A6.5',
  ServiceRefused: 'A12.1',
  ServiceRefusalLifted: 'A12.1',
  PersonalDataErased: 'A8.1',
  OfficeOpened: 'OFFICE',
  OfficeProfileChanged: 'OFFICE',
  DesignatedAppChanged: 'A4',
  OfficeClosureDayAdded: 'OFFICE',
  OfficeClosureDayRemoved: 'OFFICE',
  CounselorAdded: 'COUNSELOR',
  CounselorRenamed: 'COUNSELOR',
  CounselorRoomUrlSet: 'A4',
  WeeklyHoursSet: 'COUNSELOR',
  AvailabilityExceptionAdded: 'COUNSELOR',
  AvailabilityExceptionRemoved: 'COUNSELOR',
  CounselorDeactivated: 'COUNSELOR',
  CounselorReactivated: 'COUNSELOR',
  SlotHeld: 'SLOT',
  SlotReleased: 'SLOT',
  ReservationRequested: 'A6.2',
  SlotConfirmed: 'A6.1',
  InvitationSent: 'A6.3',
  InvitationSentAfterCancellation: 'A6.3',
  InvitationFailed: 'A6.3',
  InterpreterNotified: 'A12.3',
  CheckedIn: 'A7.1',
  SessionCompleted: 'RESERVATION',
  SessionStopped: 'A12.1',
  ReservationCancelled: 'A6.5',
  SessionMissed: 'A6.5',
  ConfirmationAbandoned: 'SLOT',
  StaffMemberEnrolled: 'A8.1',
  StaffRolesChanged: 'A8.1',
  StaffTokenIssued: 'A8.1',
  StaffTokenRevoked: 'A8.1',
  PersonalDataViewed: 'A8.1',
  LegalDisclosureMade: 'A7.2',
  UsageRecordsExported: 'A7.2',
};

/** Instants staff read: JST with its offset, '2026-12-01T10:00:00+09:00'. */
export function jstIso(instant: string | Date): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return new Date(ms + 9 * 3_600_000).toISOString().slice(0, 19) + '+09:00';
}
