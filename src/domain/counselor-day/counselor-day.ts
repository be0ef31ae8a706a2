import { JstDate, toJst } from '../calendar/business-calendar';
import { assertNever, Decider, DomainEvent } from '../shared/decider';
import { RuleViolation } from '../shared/errors';

/**
 * A counselor's day (stream `counselor-day-<counselorId>-<YYYY-MM-DD>`): who holds which 30-minute
 * slot. Appending to this stream with an expected revision is what makes double booking
 * impossible when confirmations race.
 */
export type SlotHeld = DomainEvent<'SlotHeld', { counselorId: string; date: JstDate; start: string; reservationId: string; holdId: string }>;
export type SlotReleasedReason = 'cancelled' | 'missed' | 'confirmation-failed' | 'confirmation-abandoned';
export type SlotReleased = DomainEvent<
  'SlotReleased',
  { counselorId: string; date: JstDate; start: string; reservationId: string; holdId: string; reason: SlotReleasedReason }
>;
export type CounselorDayEvent = SlotHeld | SlotReleased;

export interface Hold {
  reservationId: string;
  holdId: string;
}
/** Holds by slot start (ISO instant). */
export interface CounselorDayState {
  holds: ReadonlyMap<string, Hold>;
}

export type HoldSlot = { type: 'HoldSlot'; counselorId: string; start: Date; reservationId: string; holdId: string };
/** Releases the reservation's hold of the slot; with `holdId`, only that very hold. */
export type ReleaseSlot = {
  type: 'ReleaseSlot';
  counselorId: string;
  start: Date;
  reservationId: string;
  holdId?: string;
  reason: SlotReleasedReason;
};
export type CounselorDayCommand = HoldSlot | ReleaseSlot;

export function counselorDayStream(counselorId: string, start: Date): string {
  return `counselor-day-${counselorId}-${toJst(start).date}`;
}

export const counselorDayDecider: Decider<CounselorDayCommand, CounselorDayEvent, CounselorDayState> = {
  initialState: () => ({ holds: new Map() }),
  evolve: (state, event) => {
    const holds = new Map(state.holds);
    switch (event.type) {
      case 'SlotHeld':
        holds.set(event.data.start, { reservationId: event.data.reservationId, holdId: event.data.holdId });
        return { holds };
      case 'SlotReleased':
        holds.delete(event.data.start);
        return { holds };
      default:
        return assertNever(event, 'counselor day event');
    }
  },
  decide: (command, state) => {
    const start = command.start.toISOString();
    const hold = state.holds.get(start);
    const date = toJst(command.start).date;
    switch (command.type) {
      case 'HoldSlot':
        if (hold?.reservationId === command.reservationId && hold.holdId === command.holdId) return [];
        if (hold) {
          throw new RuleViolation(
            'SLOT',
            'slot.taken',
            { start: command.start },
            {
              heldBy: hold.reservationId,
            },
          );
        }
        return [
          { type: 'SlotHeld', data: { counselorId: command.counselorId, date, start, reservationId: command.reservationId, holdId: command.holdId } },
        ];
      case 'ReleaseSlot':
        if (hold?.reservationId !== command.reservationId || (command.holdId !== undefined && hold.holdId !== command.holdId)) {
          return []; // already released, or never held by it
        }
        return [
          {
            type: 'SlotReleased',
            data: {
              counselorId: command.counselorId,
              date,
              start,
              reservationId: command.reservationId,
              holdId: hold.holdId,
              reason: command.reason,
            },
          },
        ];
      default:
        return assertNever(command, 'counselor day command');
    }
  },
};
