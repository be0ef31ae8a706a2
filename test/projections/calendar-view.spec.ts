import { DEFAULT_WEEKLY_HOURS, type Counselor } from '../../src/domain/counselor/counselor';
import { calendarDay, CalendarSlot } from '../../src/projections/calendar/calendar-view';
import { slotHoldProjector, SlotHoldDocument } from '../../src/projections/calendar/slot-hold.projector';
import { reservationProjector, ReservationDocument } from '../../src/projections/reservations/reservation.projector';
import { COUNSELOR, History, ONE_OF_EACH, project, RES } from './projection-fixtures';

const counselor: Counselor = {
  counselorId: COUNSELOR,
  officeId: 'office-1',
  name: '佐藤',
  active: true,
  weeklyHours: DEFAULT_WEEKLY_HOURS,
  exceptions: [],
};
const NOW = new Date('2026-11-26T01:00:00Z');
const E = {
  ...ONE_OF_EACH,
  /** The hold that the confirmation then finishes (the sample's first hold is the abandoned one). */
  SlotHeld: { ...ONE_OF_EACH.SlotHeld, data: { ...ONE_OF_EACH.SlotHeld.data, holdId: ONE_OF_EACH.SlotConfirmed.data.holdId } },
};

function day(
  history: History,
  options: { date?: string; counselor?: Counselor; closures?: Map<string, string>; now?: Date; language?: 'ja' | 'en' } = {},
) {
  const reservations = [...project(reservationProjector, history.events).values()] as ReservationDocument[];
  const holds = [...project(slotHoldProjector, history.events).values()] as SlotHoldDocument[];
  return calendarDay({
    date: options.date ?? '2026-12-01',
    counselors: [options.counselor ?? counselor],
    officeClosures: options.closures ?? new Map(),
    reservations,
    holds,
    now: options.now ?? NOW,
    language: options.language ?? 'ja',
  });
}
const at = (d: ReturnType<typeof calendarDay>, hhmm: string): CalendarSlot =>
  d.counselors[0].slots.find((s) => s.start === `2026-12-01T${hhmm}:00+09:00`)!;

describe('A6.1 the calendar: a slot state for every step of a reservation', () => {
  it('free, then held while a confirmation runs, then confirmed (invited is still confirmed)', () => {
    const history = new History().add(E.ReservationRequested);
    expect(at(day(history), '10:00')).toMatchObject({ state: 'free', bookable: true });
    history.add(E.SlotHeld);
    expect(at(day(history), '10:00')).toMatchObject({ state: 'held', reservationId: RES, bookable: false });
    history.add(E.SlotConfirmed);
    expect(at(day(history), '10:00')).toMatchObject({ state: 'confirmed', reservationId: RES, bookable: false });
    history.add(E.InvitationSent);
    expect(at(day(history), '10:00')).toMatchObject({ state: 'confirmed', invited: true });
  });

  it.each([
    ['checked-in', [E.CheckedIn]],
    ['completed', [E.CheckedIn, E.SessionCompleted]],
    ['stopped', [E.CheckedIn, E.SessionStopped]],
    ['missed', [E.SessionMissed]],
    ['cancelled', [E.ReservationCancelled]],
  ] as const)('%s', (state, steps) => {
    const history = new History().add(E.ReservationRequested).add(E.SlotHeld).add(E.SlotConfirmed);
    for (const step of steps) history.add(step);
    expect(at(day(history), '10:00')).toMatchObject({ state, reservationId: RES });
  });

  it('a hold released (crashed confirmation) frees the slot; a cancelled slot can be booked again and the new booking wins', () => {
    const abandoned = new History().add(E.ReservationRequested).add(ONE_OF_EACH.SlotHeld).add(E.ConfirmationAbandoned).add(E.SlotReleased);
    expect(at(day(abandoned), '10:00')).toMatchObject({ state: 'free', bookable: true });
    const rebooked = new History().add(E.ReservationRequested).add(E.SlotHeld).add(E.SlotConfirmed).add(E.ReservationCancelled);
    expect(at(day(rebooked), '10:00')).toMatchObject({ state: 'cancelled', bookable: true });
    const other = 'res-2';
    rebooked
      .add({ ...E.ReservationRequested, data: { ...E.ReservationRequested.data, reservationId: other } })
      .add({ ...E.SlotHeld, data: { ...E.SlotHeld.data, reservationId: other, holdId: 'h-2' } });
    expect(at(day(rebooked), '10:00')).toMatchObject({ state: 'held', reservationId: other });
    rebooked.add({ ...E.SlotConfirmed, data: { ...E.SlotConfirmed.data, reservationId: other, holdId: 'h-2' } });
    expect(at(day(rebooked), '10:00')).toMatchObject({ state: 'confirmed', reservationId: other });
  });
});

describe('A6.1 / A6.2 the calendar marks where nothing can be booked', () => {
  const empty = new History();
  it('14 slots 10:00–16:30 JST on a business day, all bookable before the deadline, none on the day itself', () => {
    const d = day(empty);
    expect(d.counselors[0].slots.map((s) => s.start.slice(11, 16))).toEqual([
      '10:00',
      '10:30',
      '11:00',
      '11:30',
      '12:00',
      '12:30',
      '13:00',
      '13:30',
      '14:00',
      '14:30',
      '15:00',
      '15:30',
      '16:00',
      '16:30',
    ]);
    expect(d.counselors[0].slots.every((s) => s.bookable)).toBe(true);
    expect(day(empty, { now: new Date('2026-11-30T15:00:00Z') }).counselors[0].slots.some((s) => s.bookable)).toBe(false); // 12/1 00:00 JST
  });

  it.each([
    ['2026-11-23', '勤労感謝の日'],
    ['2026-12-29', '12月29日〜1月3日'],
    ['2026-12-31', '12月29日〜1月3日'],
    ['2026-12-05', '土曜日'],
  ])('%s is closed (%s)', (date, reason) => {
    const d = day(empty, { date });
    expect(d.closed).toContain(reason);
    expect(d.counselors[0].slots.every((s) => !s.bookable && s.unavailable?.includes(reason))).toBe(true);
  });

  it("the office's closure days, the counselor's hours, leave, a shorter day and a blocked period", () => {
    expect(day(empty, { closures: new Map([['2026-12-01', '庁舎点検']]) }).closed).toContain('庁舎点検');
    const tuesdayOff = { ...counselor, weeklyHours: { ...DEFAULT_WEEKLY_HOURS, '2': { from: '13:00', to: '15:00' } } };
    const hours = day(empty, { counselor: tuesdayOff });
    expect(hours.counselors[0].slots.filter((s) => s.bookable).map((s) => s.start.slice(11, 16))).toEqual(['13:00', '13:30', '14:00', '14:30']);
    const leave = { ...counselor, exceptions: [{ exceptionId: 'x', kind: 'leave' as const, date: '2026-12-01', reason: '年休' }] };
    expect(day(empty, { counselor: leave }).counselors[0].slots.every((s) => s.unavailable?.includes('休暇'))).toBe(true);
    const blocked = {
      ...counselor,
      exceptions: [{ exceptionId: 'b', kind: 'blocked' as const, from: '2026-12-01T02:00:00.000Z', to: '2026-12-01T03:00:00.000Z', reason: '研修' }],
    };
    const b = day(empty, { counselor: blocked });
    expect(b.counselors[0].slots.filter((s) => !s.bookable).map((s) => s.start.slice(11, 16))).toEqual(['11:00', '11:30']);
    expect(at(b, '11:00').unavailable).toContain('研修');
  });

  it('gives the reasons in English when the staff member reads English', () => {
    const saturday = day(empty, { date: '2026-12-05', language: 'en' });
    expect(saturday.closed).toBe('2026-12-05 is a Saturday');
    expect(saturday.counselors[0].slots[0].unavailable).toBe('Not bookable: 2026-12-05 is a Saturday');
    const leave = { ...counselor, exceptions: [{ exceptionId: 'x', kind: 'leave' as const, date: '2026-12-01', reason: '年休' }] };
    expect(at(day(empty, { counselor: leave, language: 'en' }), '10:00').unavailable).toMatch(/ is on leave on 2026-12-01 \(年休\)$/);
  });

  it('a session booked before the counselor took leave keeps its state and shows the conflict', () => {
    const history = new History().add(E.ReservationRequested).add(E.SlotHeld).add(E.SlotConfirmed);
    const leave = { ...counselor, exceptions: [{ exceptionId: 'x', kind: 'leave' as const, date: '2026-12-01', reason: '年休' }] };
    expect(at(day(history, { counselor: leave }), '10:00')).toMatchObject({
      state: 'confirmed',
      bookable: false,
      unavailable: expect.stringContaining('休暇'),
    });
  });
});
