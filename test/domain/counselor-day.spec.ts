import { counselorDayDecider, counselorDayStream, HoldSlot, ReleaseSlot, SlotHeld } from '../../src/domain/counselor-day/counselor-day';
import { specFor } from './given-when-then';
import { COUNSELOR_ID, SESSION_START, violationOf } from './fixtures';
import { fold } from '../../src/domain/shared/decider';

const day = specFor(counselorDayDecider);

const hold = (reservationId = 'res-1', holdId = 'hold-1'): HoldSlot => ({
  type: 'HoldSlot',
  counselorId: COUNSELOR_ID,
  start: SESSION_START,
  reservationId,
  holdId,
});
const release = (reservationId = 'res-1'): ReleaseSlot => ({
  type: 'ReleaseSlot',
  counselorId: COUNSELOR_ID,
  start: SESSION_START,
  reservationId,
  reason: 'cancelled',
});
const held = (reservationId = 'res-1', holdId = 'hold-1'): SlotHeld => ({
  type: 'SlotHeld',
  data: { counselorId: COUNSELOR_ID, date: '2026-12-01', start: SESSION_START.toISOString(), reservationId, holdId },
});

describe('SLOT a counselor holds a 30-minute slot for one reservation only', () => {
  it('holds a free slot, on the JST date of its start', () => {
    day.given([]).when(hold()).then([held()]);
    expect(counselorDayStream(COUNSELOR_ID, SESSION_START)).toBe(`counselor-day-${COUNSELOR_ID}-2026-12-01`);
  });

  it('refuses double booking by another reservation, naming the holder', () => {
    day
      .given([held()])
      .when(hold('res-2', 'hold-2'))
      .thenRejected('SLOT', /already has a session at 2026-12-01 10:00 JST/);
    expect(violationOf(() => counselorDayDecider.decide(hold('res-2', 'hold-2'), fold(counselorDayDecider, [held()]))).details).toEqual({
      heldBy: 'res-1',
    });
  });

  it('is idempotent for the same holdId', () => {
    day.given([held()]).when(hold()).then([]);
  });

  it('refuses a second hold of the same reservation under another holdId', () => {
    day.given([held()]).when(hold('res-1', 'hold-2')).thenRejected('SLOT');
  });

  it('holds other slots of the same day independently', () => {
    const later = new Date(SESSION_START.getTime() + 30 * 60 * 1000);
    day
      .given([held()])
      .when({ ...hold('res-2', 'hold-2'), start: later })
      .then([
        {
          type: 'SlotHeld',
          data: { counselorId: COUNSELOR_ID, date: '2026-12-01', start: later.toISOString(), reservationId: 'res-2', holdId: 'hold-2' },
        },
      ]);
  });

  it('releases a slot only for its holder', () => {
    day
      .given([held()])
      .when(release('res-1'))
      .then([
        {
          type: 'SlotReleased',
          data: {
            counselorId: COUNSELOR_ID,
            date: '2026-12-01',
            start: SESSION_START.toISOString(),
            reservationId: 'res-1',
            holdId: 'hold-1',
            reason: 'cancelled',
          },
        },
      ]);
    day.given([held()]).when(release('res-2')).then([]);
    day.given([]).when(release('res-1')).then([]);
  });

  it('releases only the very hold named by holdId, when one is given', () => {
    const released = { type: 'SlotReleased', data: { ...held().data, reason: 'confirmation-abandoned' } } as const;
    day
      .given([held()])
      .when({ ...release('res-1'), holdId: 'hold-1', reason: 'confirmation-abandoned' })
      .then([released]);
    day
      .given([held()])
      .when({ ...release('res-1'), holdId: 'hold-0', reason: 'confirmation-abandoned' })
      .then([]);
  });

  it('frees the slot for another reservation once released', () => {
    const released = { type: 'SlotReleased', data: { ...held().data, reason: 'cancelled' } } as const;
    day
      .given([held(), released])
      .when(hold('res-2', 'hold-2'))
      .then([held('res-2', 'hold-2')]);
    day.given([held(), released]).when(release('res-1')).then([]);
  });
});
