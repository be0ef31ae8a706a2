import { addMinutes, closedReason, JstDate, SESSION_MINUTES, slotStarts } from '../../domain/calendar/business-calendar';
import { Counselor, unavailabilityReason } from '../../domain/counselor/counselor';
import { describeClosed, describeClosedSlot, describeUnavailability, type Language } from '../../domain/shared/messages';
import type { ReservationDocument, ReservationStatus } from '../reservations/reservation.projector';
import { jstIso } from '../projected-event';
import type { SlotHoldDocument } from './slot-hold.projector';

/**
 * What a 30-minute slot of a counselor is at the moment. `invited` sessions read `confirmed`
 * (with `invited: true`); a session stopped under A12.1 reads `stopped`.
 */
export type SlotState = 'free' | 'held' | 'confirmed' | 'checked-in' | 'completed' | 'stopped' | 'missed' | 'cancelled';

export interface CalendarSlot {
  /** JST instants. */
  start: string;
  end: string;
  state: SlotState;
  reservationId?: string;
  jobSeekerId?: string;
  invited?: boolean;
  /** Why no session can be booked here even if the slot is free: the counselor's hours, leave, a blocked period, the day closed. */
  unavailable?: string;
  /** A wish fits here now: free (or freed by a cancellation), available, and not yet past its A6.1 confirmation deadline. */
  bookable: boolean;
}

export interface CalendarCounselorDay {
  counselorId: string;
  name: string;
  active: boolean;
  slots: CalendarSlot[];
}

export interface CalendarDay {
  date: JstDate;
  /** Weekends, national holidays, 12/29–1/3 and the office's closure days, with the reason. */
  closed?: string;
  counselors: CalendarCounselorDay[];
}

const STATE_OF: Record<Exclude<ReservationStatus, 'requested'>, SlotState> = {
  confirmed: 'confirmed',
  invited: 'confirmed',
  'checked-in': 'checked-in',
  completed: 'completed',
  stopped: 'stopped',
  missed: 'missed',
  cancelled: 'cancelled',
};

/** Occupying a slot beats a hold, a hold beats a cancelled session (the slot was freed). */
const RANK: Record<SlotState, number> = { free: 0, cancelled: 1, held: 2, confirmed: 3, 'checked-in': 3, completed: 3, stopped: 3, missed: 3 };

/**
 * One day of the calendar of an office's counselors: each 30-minute slot between 10:00 and 17:00
 * JST with its state, and why it cannot be booked. Pure: given the day's reservations (with a slot)
 * and holds of these counselors, the office's closure days, and the instant of the question.
 */
export function calendarDay(input: {
  date: JstDate;
  counselors: readonly Counselor[];
  officeClosures: ReadonlyMap<JstDate, string>;
  reservations: readonly ReservationDocument[];
  holds: readonly SlotHoldDocument[];
  now: Date;
  /** The staff member's language (Accept-Language) for the reasons. */
  language: Language;
}): CalendarDay {
  const closedFor = closedReason(input.date, input.officeClosures);
  const closed = closedFor && describeClosed(input.language, closedFor);
  const counselors = input.counselors.map((counselor) => {
    const slots = slotStarts(input.date).map((startInstant) => {
      const start = jstIso(startInstant);
      let slot: CalendarSlot = { start, end: jstIso(addMinutes(startInstant, SESSION_MINUTES)), state: 'free', bookable: false };
      for (const reservation of input.reservations) {
        if (reservation.slot?.counselorId !== counselor.counselorId || reservation.slot.start !== start || reservation.status === 'requested')
          continue;
        const state = STATE_OF[reservation.status];
        if (RANK[state] > RANK[slot.state]) {
          slot = {
            ...slot,
            state,
            reservationId: reservation.reservationId,
            jobSeekerId: reservation.jobSeekerId,
            ...(reservation.status === 'invited' ? { invited: true } : {}),
          };
        }
      }
      const hold = input.holds.find((h) => !h.ended && h.counselorId === counselor.counselorId && h.start === start);
      if (hold && RANK.held > RANK[slot.state])
        slot = { start: slot.start, end: slot.end, state: 'held', reservationId: hold.reservationId, bookable: false };
      const reason = closedFor ? undefined : unavailabilityReason(counselor, startInstant);
      const unavailable = closedFor ? describeClosedSlot(input.language, closedFor) : reason && describeUnavailability(input.language, reason);
      const open = slot.state === 'free' || slot.state === 'cancelled';
      // A6.1: a slot of day D can be confirmed until the end of day D-1 (JST).
      const beforeDeadline = input.now.getTime() < Date.parse(`${input.date}T00:00:00+09:00`);
      return { ...slot, ...(unavailable ? { unavailable } : {}), bookable: open && !unavailable && beforeDeadline };
    });
    return { counselorId: counselor.counselorId, name: counselor.name, active: counselor.active, slots };
  });
  return { date: input.date, ...(closed ? { closed } : {}), counselors };
}
