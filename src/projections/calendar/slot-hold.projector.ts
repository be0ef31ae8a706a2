import { assertNever } from '../../domain/shared/decider';
import { DocumentProjector, eventTypes, NO_TARGETS, Targets } from '../document-projector';
import { jstIso, ProjectedEvent } from '../projected-event';

/**
 * A counselor's slot held by a confirmation that has not finished yet (or crashed half-way, until
 * its release): the calendar shows it as `held`. Keyed by the hold; the hold id stays inside this
 * collection and is never answered.
 */
export interface SlotHoldDocument {
  holdId: string;
  counselorId: string;
  /** JST date of the slot, YYYY-MM-DD. */
  date: string;
  /** JST instant. */
  start: string;
  reservationId: string;
  /** Ended holds stay (with their position) so that an event delivered twice cannot bring them back. */
  ended: boolean;
}

const TYPES = eventTypes(
  ['SlotHeld', 'SlotReleased', 'SlotConfirmed'],
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
    'ReservationRequested',
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
);

function targets({ event }: ProjectedEvent): Targets {
  if (!TYPES.handled(event.type)) return NO_TARGETS;
  const handled = event as Extract<ProjectedEvent['event'], { type: (typeof TYPES.handles)[number] }>;
  return { ids: [handled.data.holdId] };
}

function evolve(current: SlotHoldDocument | undefined, { event }: ProjectedEvent): SlotHoldDocument | null {
  const handled = event as Extract<ProjectedEvent['event'], { type: (typeof TYPES.handles)[number] }>;
  switch (handled.type) {
    case 'SlotHeld': {
      const { holdId, counselorId, date, start, reservationId } = handled.data;
      return current ?? { holdId, counselorId, date, start: jstIso(start), reservationId, ended: false };
    }
    case 'SlotConfirmed': // the reservation shows the slot from now on
    case 'SlotReleased':
      return current ? { ...current, ended: true } : null;
    default:
      return assertNever(handled, 'slot hold event');
  }
}

export const slotHoldProjector: DocumentProjector<SlotHoldDocument> = {
  name: 'slot-holds',
  handles: TYPES.handles,
  ignores: TYPES.ignores,
  targets,
  evolve,
};
