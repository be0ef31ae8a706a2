import { addMinutes, assertSessionSlot, noShowDeadline, SESSION_MINUTES } from '../calendar/business-calendar';
import { assertNever, Decider, DomainEvent } from '../shared/decider';
import { NotFound, RuleViolation } from '../shared/errors';
import { notErased, type RefusalArticle } from '../job-seeker/job-seeker';
import type { ReservationAction } from '../shared/messages';
import { assertConfirmable, ConfirmationContext } from './confirmation-policy';

/** A reservation (stream `reservation-<reservationId>`): requested → confirmed → invited → checked in → completed, or cancelled / missed. */
export type Channel = 'phone' | 'counter' | 'during-session'; // A6.2
export interface Attendance {
  /** A12.3: an interpreter or an assistant will attend. */
  interpreter: boolean;
  assistant: boolean;
}

export type ReservationRequested = DomainEvent<
  'ReservationRequested',
  {
    reservationId: string;
    officeId: string;
    jobSeekerId: string;
    /** A6.2: the name and number as given by the caller. */
    jobSeekerNo: string;
    name: string;
    email: string;
    channel: Channel;
    /** A6.2: the 1st and optional 2nd wished start (ISO instants). */
    wishes: string[];
    attendance: Attendance;
    /** A6.4: the session during which this follow-up was booked. */
    requestedDuring?: string;
    requestedAt: string;
  }
>;
export type SlotConfirmed = DomainEvent<
  'SlotConfirmed',
  {
    reservationId: string;
    officeId: string;
    jobSeekerId: string;
    counselorId: string;
    start: string;
    end: string;
    /** A4: fixed here; a later change of the office's app does not rewrite it. */
    meetingUrl: string;
    designatedApp: string;
    /** A2.3 / A13: the terms version in force on the session date, consented to. */
    termsVersion: string;
    holdId: string;
    confirmedAt: string;
  }
>;
export type InvitationSent = DomainEvent<
  'InvitationSent',
  { reservationId: string; jobSeekerId: string; to: string; messageId: string; sentAt: string }
>;
/**
 * A6.3: an invitation the transport accepted after the session was cancelled (a refusal, A12.1, or a cancellation
 * crossed the send). SMTP cannot be undone: the reservation stays cancelled, and staff must tell the job seeker that
 * the invitation they received is void (the to-do list shows it until the session's time).
 */
export type InvitationSentAfterCancellation = DomainEvent<
  'InvitationSentAfterCancellation',
  { reservationId: string; jobSeekerId: string; to: string; messageId: string; sentAt: string }
>;
export type InvitationFailed = DomainEvent<'InvitationFailed', { reservationId: string; jobSeekerId: string; reason: string; failedAt: string }>;
export type InterpreterNotified = DomainEvent<
  'InterpreterNotified',
  { reservationId: string; jobSeekerId: string; role: 'interpreter' | 'assistant'; note: string; notifiedAt: string }
>;
/**
 * A7.1: the device the job seeker joined from, as the meeting app reports it. `identifier` is
 * sealed in the store (only a legal-request export opens it, A7.2); `pseudonym` is a keyed hash
 * of it, the only form read models, logs and exports show.
 */
export interface DeviceRecord {
  identifier: string;
  pseudonym: string;
}
export type CheckedIn = DomainEvent<'CheckedIn', { reservationId: string; jobSeekerId: string; checkedInAt: string; device?: DeviceRecord }>;
export type SessionCompleted = DomainEvent<'SessionCompleted', { reservationId: string; completedAt: string }>;
export type SessionStopped = DomainEvent<'SessionStopped', { reservationId: string; jobSeekerId: string; reason: string; stoppedAt: string }>;
export type CancelChannel = 'phone' | 'counter' | 'staff';
export type ReservationCancelled = DomainEvent<
  'ReservationCancelled',
  {
    reservationId: string;
    jobSeekerId: string;
    channel: CancelChannel;
    reason: string;
    cancelledAt: string;
    slot?: { counselorId: string; start: string };
    /** A12.1: cancelled because the job seeker was refused service (the refusal's article and instant); `reason` is the refusal's. */
    refusal?: { article: RefusalArticle; refusedAt: string };
  }
>;
export type SessionMissed = DomainEvent<
  'SessionMissed',
  { reservationId: string; jobSeekerId: string; counselorId: string; start: string; recordedAt: string }
>;
/** A confirmation that took the counselor's slot but did not finish (a crash); the slot is released after it. */
export type ConfirmationAbandoned = DomainEvent<
  'ConfirmationAbandoned',
  { reservationId: string; counselorId: string; start: string; holdId: string; abandonedAt: string }
>;

export type ReservationEvent =
  | ReservationRequested
  | SlotConfirmed
  | InvitationSent
  | InvitationSentAfterCancellation
  | InvitationFailed
  | InterpreterNotified
  | CheckedIn
  | SessionCompleted
  | SessionStopped
  | ReservationCancelled
  | SessionMissed
  | ConfirmationAbandoned;

export interface ReservationBase {
  reservationId: string;
  officeId: string;
  jobSeekerId: string;
  email: string;
  wishes: string[];
  attendance: Attendance;
  notified: Array<'interpreter' | 'assistant'>;
  /** Holds of confirmations that crashed half-way: the same confirmation cannot finish later. */
  abandonedHolds: string[];
}
export interface Slot {
  counselorId: string;
  start: string;
  meetingUrl: string;
  holdId: string;
}
type SlotStatus = 'confirmed' | 'invited' | 'checked-in' | 'completed' | 'stopped' | 'missed';
export type ReservationState =
  | { status: 'none' }
  | ({ status: 'requested' } & ReservationBase)
  | { [S in SlotStatus]: { status: S; slot: Slot } & ReservationBase }[SlotStatus]
  | ({
      status: 'cancelled';
      /** A6.5: the slot the cancelled session gives back. */ cancelledSlot?: { counselorId: string; start: string };
      /** A6.3: the Message-ID of an invitation that went out although the session was cancelled. */
      invitedAfterCancellation?: string;
    } & ReservationBase);

/** What staff confirm: the counselor, the start, and what the application made for it. */
export interface Confirmation {
  counselorId: string;
  start: Date;
  holdId: string;
  /** A4: an unguessable token for per-session meeting URLs. */
  sessionToken: string;
}

export type RequestReservation = {
  type: 'RequestReservation';
  reservationId: string;
  officeId: string;
  context: Pick<ConfirmationContext, 'jobSeeker' | 'office'>;
  jobSeekerNo: string;
  name: string;
  email: string;
  channel: 'phone' | 'counter';
  wishes: Date[];
  attendance: Attendance;
  now: Date;
};
export type ConfirmSlot = { type: 'ConfirmSlot'; confirmation: Confirmation; context: ConfirmationContext; now: Date };
/** A6.4: a follow-up with a fixed slot, booked during a session, is requested and confirmed at once. */
export type BookFollowUp = {
  type: 'BookFollowUp';
  reservationId: string;
  during: ReservationState;
  jobSeekerNo: string;
  name: string;
  email: string;
  attendance: Attendance;
  confirmation: Confirmation;
  context: ConfirmationContext;
  now: Date;
};
export type RecordInvitationSent = { type: 'RecordInvitationSent'; messageId: string; now: Date };
export type RecordInvitationFailed = { type: 'RecordInvitationFailed'; reason: string; now: Date };
export type NotifyInterpreter = { type: 'NotifyInterpreter'; role: 'interpreter' | 'assistant'; note: string; now: Date };
export type CheckIn = { type: 'CheckIn'; device?: DeviceRecord; now: Date };
export type CompleteSession = { type: 'CompleteSession'; now: Date };
export type StopSession = { type: 'StopSession'; reason: string; now: Date };
export type CancelReservation = { type: 'CancelReservation'; channel: CancelChannel; reason: string; now: Date };
/** A12.1: the job seeker is refused service (their current refusal); what they still have ahead is cancelled. */
export type CancelForRefusal = { type: 'CancelForRefusal'; refusal: { article: RefusalArticle; reason: string; since: string }; now: Date };
export type MarkMissed = { type: 'MarkMissed'; now: Date };
export type AbandonConfirmation = { type: 'AbandonConfirmation'; holdId: string; counselorId: string; start: Date; now: Date };

export type ReservationCommand =
  | RequestReservation
  | ConfirmSlot
  | BookFollowUp
  | RecordInvitationSent
  | RecordInvitationFailed
  | NotifyInterpreter
  | CheckIn
  | CompleteSession
  | StopSession
  | CancelReservation
  | CancelForRefusal
  | MarkMissed
  | AbandonConfirmation;

/** A check-in is accepted from this many minutes before the start. */
export const CHECK_IN_OPENS_MINUTES = 15;

type Existing = Exclude<ReservationState, { status: 'none' }>;
type WithSlot = Extract<ReservationState, { slot: Slot }>;

function existing(state: ReservationState): Existing {
  if (state.status === 'none') throw new NotFound('Reservation', 'addressed');
  return state;
}

function base(state: Existing): ReservationBase {
  const { reservationId, officeId, jobSeekerId, email, wishes, attendance, notified, abandonedHolds } = state;
  return { reservationId, officeId, jobSeekerId, email, wishes, attendance, notified, abandonedHolds };
}

function requireStatus<S extends Existing['status']>(
  state: Existing,
  allowed: readonly S[],
  rule: 'RESERVATION' | 'A6.5' | 'A6.3' | 'A12.3',
  doing: ReservationAction,
): Extract<Existing, { status: S }> {
  if (!(allowed as readonly string[]).includes(state.status)) {
    throw new RuleViolation(rule, 'reservation.wrong-status', { action: doing, status: state.status });
  }
  return state as Extract<Existing, { status: S }>;
}

function assertWishes(wishes: Date[], now: Date, office: ConfirmationContext['office']): void {
  if (wishes.length < 1 || wishes.length > 2) {
    throw new RuleViolation('A6.2', 'wishes.count');
  }
  if (wishes.length === 2 && wishes[0].getTime() === wishes[1].getTime()) {
    throw new RuleViolation('A6.2', 'wishes.same');
  }
  wishes.forEach((wish, i) => {
    assertSessionSlot(wish, 'A6.2', office.closures, i === 0 ? 1 : 2);
    if (wish.getTime() <= now.getTime()) {
      throw new RuleViolation('A6.2', 'wish.past', { wish: i === 0 ? 1 : 2, start: wish });
    }
  });
}

function assertBookable(context: Pick<ConfirmationContext, 'jobSeeker'>): void {
  const jobSeeker = context.jobSeeker;
  if (jobSeeker.status !== 'registered') {
    throw new RuleViolation('A2.1', 'job-seeker.unknown-number');
  }
  if (jobSeeker.registration !== 'full') {
    throw new RuleViolation('A2.1', 'job-seeker.pre-registered');
  }
  notErased(jobSeeker);
  if (jobSeeker.refusal) {
    throw new RuleViolation('A12.1', 'refusal.booking', { since: jobSeeker.refusal.since, article: jobSeeker.refusal.article });
  }
}

function slotConfirmed(
  reservation: ReservationBase,
  command: { confirmation: Confirmation; context: ConfirmationContext; now: Date },
): SlotConfirmed {
  const { meetingUrl, termsVersion } = assertConfirmable(reservation, command.confirmation, command.context, command.now);
  const { counselorId, start, holdId } = command.confirmation;
  return {
    type: 'SlotConfirmed',
    data: {
      reservationId: reservation.reservationId,
      officeId: reservation.officeId,
      jobSeekerId: reservation.jobSeekerId,
      counselorId,
      start: start.toISOString(),
      end: addMinutes(start, SESSION_MINUTES).toISOString(),
      meetingUrl,
      designatedApp: command.context.office.designatedApp.name,
      termsVersion,
      holdId,
      confirmedAt: command.now.toISOString(),
    },
  };
}

function decideExisting(command: Exclude<ReservationCommand, RequestReservation | BookFollowUp>, state: Existing): ReservationEvent[] {
  const { reservationId, jobSeekerId } = state;
  const now = command.now;
  const at = now.toISOString();
  switch (command.type) {
    case 'ConfirmSlot': {
      const requested = requireStatus(state, ['requested'], 'RESERVATION', 'confirm');
      if (requested.abandonedHolds.includes(command.confirmation.holdId)) {
        throw new RuleViolation('SLOT', 'confirmation.abandoned');
      }
      return [slotConfirmed(base(requested), command)];
    }
    case 'RecordInvitationSent': {
      if (state.status === 'invited') return [];
      // A cancellation (A12.1 refusal, or by phone) landed while the invitation was being handed to the transport: what
      // went out is recorded all the same, and the session stays cancelled.
      if (state.status === 'cancelled' && state.cancelledSlot) {
        if (state.invitedAfterCancellation) return [];
        return [
          {
            type: 'InvitationSentAfterCancellation',
            data: { reservationId, jobSeekerId, to: state.email, messageId: command.messageId, sentAt: at },
          },
        ];
      }
      const confirmed = requireStatus(state, ['confirmed'], 'A6.3', 'invite');
      return [{ type: 'InvitationSent', data: { reservationId, jobSeekerId, to: confirmed.email, messageId: command.messageId, sentAt: at } }];
    }
    case 'RecordInvitationFailed':
      requireStatus(state, ['confirmed'], 'A6.3', 'record-failed-invitation');
      return [{ type: 'InvitationFailed', data: { reservationId, jobSeekerId, reason: command.reason, failedAt: at } }];
    case 'NotifyInterpreter': {
      const open = requireStatus(state, ['requested', 'confirmed', 'invited', 'checked-in'], 'A12.3', 'notify-helper');
      if (open.status !== 'requested' && now.getTime() >= Date.parse(open.slot.start)) {
        throw new RuleViolation('A12.3', 'helper.too-late', { role: command.role, start: open.slot.start });
      }
      if (open.notified.includes(command.role)) return [];
      return [{ type: 'InterpreterNotified', data: { reservationId, jobSeekerId, role: command.role, note: command.note, notifiedAt: at } }];
    }
    case 'CheckIn': {
      const booked = requireStatus(state, ['confirmed', 'invited', 'missed'], 'RESERVATION', 'check-in');
      const start = new Date(booked.slot.start);
      if (booked.status === 'missed' || now.getTime() >= noShowDeadline(start).getTime()) {
        throw new RuleViolation('A6.5', 'check-in.closed', { deadline: noShowDeadline(start) });
      }
      if (now.getTime() < addMinutes(start, -CHECK_IN_OPENS_MINUTES).getTime()) {
        throw new RuleViolation('RESERVATION', 'check-in.not-yet', { minutes: CHECK_IN_OPENS_MINUTES, start });
      }
      return [{ type: 'CheckedIn', data: { reservationId, jobSeekerId, checkedInAt: at, ...(command.device ? { device: command.device } : {}) } }];
    }
    case 'CompleteSession':
      requireStatus(state, ['checked-in'], 'RESERVATION', 'complete');
      return [{ type: 'SessionCompleted', data: { reservationId, completedAt: at } }];
    case 'StopSession':
      requireStatus(state, ['checked-in'], 'RESERVATION', 'stop');
      return [{ type: 'SessionStopped', data: { reservationId, jobSeekerId, reason: command.reason, stoppedAt: at } }];
    case 'CancelReservation': {
      const open = requireStatus(state, ['requested', 'confirmed', 'invited'], 'RESERVATION', 'cancel');
      if (!stillAhead(open, now)) throw new RuleViolation('A6.5', 'cancel.missed');
      return [cancelled(open, { channel: command.channel, reason: command.reason, cancelledAt: at })];
    }
    case 'CancelForRefusal': {
      // Idempotent, never refused: the refusal reactor sends it for every reservation of a refused job seeker, as
      // often as it sees them. A session in progress is for staff to stop (A12.1); one past its A6.5 deadline is missed.
      if (state.status !== 'requested' && state.status !== 'confirmed' && state.status !== 'invited') return [];
      if (!stillAhead(state, now)) return [];
      const { article, reason, since } = command.refusal;
      return [cancelled(state, { channel: 'staff', reason, cancelledAt: at, refusal: { article, refusedAt: since } })];
    }
    case 'MarkMissed': {
      if (state.status !== 'confirmed' && state.status !== 'invited') return []; // missed once, or attended, or cancelled
      const start = new Date(state.slot.start);
      if (now.getTime() < noShowDeadline(start).getTime()) {
        throw new RuleViolation('A6.5', 'missed.too-early', { deadline: noShowDeadline(start) });
      }
      return [
        { type: 'SessionMissed', data: { reservationId, jobSeekerId, counselorId: state.slot.counselorId, start: state.slot.start, recordedAt: at } },
      ];
    }
    case 'AbandonConfirmation':
      // The confirmation finished (or the reservation moved on), or another instance recorded it already.
      if (state.status !== 'requested' || state.abandonedHolds.includes(command.holdId)) return [];
      return [
        {
          type: 'ConfirmationAbandoned',
          data: { reservationId, counselorId: command.counselorId, start: command.start.toISOString(), holdId: command.holdId, abandonedAt: at },
        },
      ];
    default:
      return assertNever(command, 'reservation command');
  }
}

type Open = Extract<Existing, { status: 'requested' | 'confirmed' | 'invited' }>;

/** A6.5: a request, or a session that can still be cancelled (10 minutes after its start it counts as missed). */
function stillAhead(open: Open, now: Date): boolean {
  return open.status === 'requested' || now.getTime() < noShowDeadline(new Date(open.slot.start)).getTime();
}

function cancelled(open: Open, data: Omit<ReservationCancelled['data'], 'reservationId' | 'jobSeekerId' | 'slot'>): ReservationCancelled {
  const slot = open.status === 'requested' ? undefined : { counselorId: open.slot.counselorId, start: open.slot.start };
  return {
    type: 'ReservationCancelled',
    data: { reservationId: open.reservationId, jobSeekerId: open.jobSeekerId, ...data, ...(slot ? { slot } : {}) },
  };
}

/**
 * A6.5: the counselor's slot a reservation no longer needs, and why. A cancelled session gives its slot back to
 * the counselor's day, and so does a missed one (its time has passed; the day then shows it free). Undefined while
 * the reservation still needs its slot, or never had one. What releases it (the cancel command, the recovery
 * sweep, a reactor) acts on this answer, so a release interrupted half-way is finished by whoever looks next.
 */
export function slotNoLongerNeeded(state: ReservationState): { counselorId: string; start: string; reason: 'cancelled' | 'missed' } | undefined {
  if (state.status === 'cancelled') return state.cancelledSlot && { ...state.cancelledSlot, reason: 'cancelled' };
  if (state.status === 'missed') return { counselorId: state.slot.counselorId, start: state.slot.start, reason: 'missed' };
  return undefined;
}

function evolveExisting(state: Existing, event: Exclude<ReservationEvent, ReservationRequested>): ReservationState {
  switch (event.type) {
    case 'SlotConfirmed': {
      const { counselorId, start, meetingUrl, holdId } = event.data;
      return { ...base(state), status: 'confirmed', slot: { counselorId, start, meetingUrl, holdId } };
    }
    case 'InvitationSent':
      return { ...(state as WithSlot), status: 'invited' };
    case 'InvitationSentAfterCancellation':
      if (state.status !== 'cancelled') throw new Error(`InvitationSentAfterCancellation on a ${state.status} reservation`);
      return { ...state, invitedAfterCancellation: event.data.messageId };
    case 'InvitationFailed':
      return state;
    case 'ConfirmationAbandoned':
      return { ...state, abandonedHolds: [...state.abandonedHolds, event.data.holdId] };
    case 'InterpreterNotified':
      return { ...state, notified: [...state.notified, event.data.role] };
    case 'CheckedIn':
      return { ...(state as WithSlot), status: 'checked-in' };
    case 'SessionCompleted':
      return { ...(state as WithSlot), status: 'completed' };
    case 'SessionStopped':
      return { ...(state as WithSlot), status: 'stopped' };
    case 'ReservationCancelled':
      return { ...base(state), status: 'cancelled', ...(event.data.slot ? { cancelledSlot: event.data.slot } : {}) };
    case 'SessionMissed':
      return { ...(state as WithSlot), status: 'missed' };
    default:
      return assertNever(event, 'reservation event');
  }
}

export const reservationDecider: Decider<ReservationCommand, ReservationEvent, ReservationState> = {
  initialState: () => ({ status: 'none' }),
  evolve: (state, event) => {
    if (event.type === 'ReservationRequested') {
      const { reservationId, officeId, jobSeekerId, email, wishes, attendance } = event.data;
      return { status: 'requested', reservationId, officeId, jobSeekerId, email, wishes, attendance, notified: [], abandonedHolds: [] };
    }
    return state.status === 'none' ? state : evolveExisting(state, event);
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'RequestReservation': {
        if (state.status !== 'none') return []; // the same request, re-sent
        assertBookable(command.context);
        assertWishes(command.wishes, command.now, command.context.office);
        const { reservationId, officeId, jobSeekerNo, name, email, channel, attendance } = command;
        const jobSeekerId = (command.context.jobSeeker as { jobSeekerId: string }).jobSeekerId;
        return [
          {
            type: 'ReservationRequested',
            data: {
              reservationId,
              officeId,
              jobSeekerId,
              jobSeekerNo,
              name,
              email,
              channel,
              wishes: command.wishes.map((w) => w.toISOString()),
              attendance,
              requestedAt: command.now.toISOString(),
            },
          },
        ];
      }
      case 'BookFollowUp': {
        if (state.status !== 'none') return [];
        const during = existing(command.during);
        if (during.status !== 'checked-in') {
          throw new RuleViolation('A6.4', 'follow-up.not-in-session', { status: during.status });
        }
        assertBookable(command.context);
        const { reservationId, jobSeekerNo, name, email, attendance, now } = command;
        const start = command.confirmation.start.toISOString();
        const requested: ReservationRequested = {
          type: 'ReservationRequested',
          data: {
            reservationId,
            officeId: during.officeId,
            jobSeekerId: during.jobSeekerId,
            jobSeekerNo,
            name,
            email,
            channel: 'during-session',
            wishes: [start],
            attendance,
            requestedDuring: during.reservationId,
            requestedAt: now.toISOString(),
          },
        };
        const reservation: ReservationBase = {
          reservationId,
          officeId: during.officeId,
          jobSeekerId: during.jobSeekerId,
          email,
          wishes: [start],
          attendance,
          notified: [],
          abandonedHolds: [],
        };
        return [requested, slotConfirmed(reservation, command)];
      }
      default:
        return decideExisting(command, existing(state));
    }
  },
};
