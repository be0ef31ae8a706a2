import { CounselorEvent } from './counselor/counselor';
import { CounselorDayEvent } from './counselor-day/counselor-day';
import { JobSeekerEvent } from './job-seeker/job-seeker';
import { OfficeEvent } from './office/office';
import { ReservationEvent } from './reservation/reservation';
import { StaffEvent } from './staff/staff';
import { AccessEvent } from './privacy/access';
import { TermsEvent } from './terms/terms';

/** Every event Madoguchi records: the union of the boundaries' events. */
export type MadoguchiEvent =
  TermsEvent | JobSeekerEvent | OfficeEvent | CounselorEvent | CounselorDayEvent | ReservationEvent | StaffEvent | AccessEvent;
export type EventType = MadoguchiEvent['type'];

/**
 * The schema version of each event type's payload. Bump it when a payload changes shape and
 * add an upcaster for the older versions; history is never rewritten. The `Record` makes a
 * new event type without a version a compile error.
 */
export const EVENT_SCHEMA_VERSIONS: Record<EventType, number> = {
  TermsVersionPublished: 1,
  JobSeekerRegistered: 1,
  JobSeekerDetailsUpdated: 1,
  JobSeekerRegistrationCompleted: 1,
  ConsentGiven: 1,
  NoShowCounted: 1,
  TermsNoticeSent: 1,
  TermsNoticeFailed: 1,
  RefusalReviewRequested: 1,
  ServiceRefused: 1,
  ServiceRefusalLifted: 1,
  PersonalDataErased: 1,
  OfficeOpened: 1,
  OfficeProfileChanged: 1,
  DesignatedAppChanged: 1,
  OfficeClosureDayAdded: 1,
  OfficeClosureDayRemoved: 1,
  CounselorAdded: 1,
  CounselorRenamed: 1,
  CounselorRoomUrlSet: 1,
  WeeklyHoursSet: 1,
  AvailabilityExceptionAdded: 1,
  AvailabilityExceptionRemoved: 1,
  CounselorDeactivated: 1,
  CounselorReactivated: 1,
  SlotHeld: 1,
  SlotReleased: 1,
  ReservationRequested: 1,
  SlotConfirmed: 1,
  InvitationSent: 1,
  InvitationSentAfterCancellation: 1,
  InvitationFailed: 1,
  InterpreterNotified: 1,
  CheckedIn: 1,
  SessionCompleted: 1,
  SessionStopped: 1,
  ReservationCancelled: 1,
  SessionMissed: 1,
  ConfirmationAbandoned: 1,
  StaffMemberEnrolled: 1,
  StaffRolesChanged: 1,
  StaffTokenIssued: 1,
  StaffTokenRevoked: 1,
  PersonalDataViewed: 1,
  LegalDisclosureMade: 1,
  UsageRecordsExported: 1,
};

export function isMadoguchiEvent(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_SCHEMA_VERSIONS, type);
}
