import type { EventType, MadoguchiEvent } from '../events';

/**
 * A8.1: which fields of which events are a job seeker's personal data. The event store encrypts
 * them with a key of that job seeker (named by the event's `jobSeekerId`) before anything is
 * written, so erasing the key erases the data everywhere while the history stays intact.
 *
 * - `personal`: opened on every read while the key exists; after erasure they read as ERASED.
 * - `sealed` (A7.2): never opened on read (they read as SEALED); only the audited legal-request
 *   export opens them.
 *
 * Free text staff type about a job seeker (reasons, notes) counts as personal data. Paths are
 * checked against the event's data type: a renamed field is a compile error here.
 */
export const ERASED = '[erased]';
export const SEALED = '[sealed]';

type DataOf<T extends EventType> = Extract<MadoguchiEvent, { type: T }>['data'];
type Path<D> = {
  [K in keyof D & string]: NonNullable<D[K]> extends string
    ? K
    : NonNullable<D[K]> extends object
      ? `${K}.${keyof NonNullable<D[K]> & string}`
      : never;
}[keyof D & string];

export type PersonalDataFields<T extends EventType = EventType> =
  DataOf<T> extends { jobSeekerId: string } ? { readonly personal: readonly Path<DataOf<T>>[]; readonly sealed?: readonly Path<DataOf<T>>[] } : never;

export type PersonalDataMap = { readonly [T in EventType]?: PersonalDataFields<T> };

export const PERSONAL_DATA: PersonalDataMap = {
  JobSeekerRegistered: { personal: ['jobSeekerNo', 'name', 'email', 'phone', 'inPersonDifficulty'] },
  JobSeekerDetailsUpdated: { personal: ['name', 'email', 'phone', 'inPersonDifficulty'] },
  ServiceRefused: { personal: ['reason'] },
  ServiceRefusalLifted: { personal: ['reason'] },
  ReservationRequested: { personal: ['jobSeekerNo', 'name', 'email'] },
  InvitationSent: { personal: ['to'] },
  InvitationSentAfterCancellation: { personal: ['to'] },
  InvitationFailed: { personal: ['reason'] },
  TermsNoticeFailed: { personal: ['reason'] },
  InterpreterNotified: { personal: ['note'] },
  CheckedIn: { personal: [], sealed: ['device.identifier'] },
  SessionStopped: { personal: ['reason'] },
  ReservationCancelled: { personal: ['reason'] },
};
