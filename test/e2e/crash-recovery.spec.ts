import type { EventStore, NewEvent, ExpectedRevision } from '../../src/application/ports/event-store';
import { ConfirmationRecovery } from '../../src/application/reservation/confirmation-recovery';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite/sqlite-event-store';
import { JST, registerJobSeeker, requestBody, seed, startService, TestClock, TestService } from './harness';

/**
 * The process "dies" right after the counselor's slot is taken: the append of SlotConfirmed fails,
 * and so does every later append of that instance (a dead process cannot compensate).
 */
function crashingBeforeConfirmation(file: string): EventStore {
  const store = SqliteEventStore.open(file);
  let dead = false;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'append') return Reflect.get(target, property, receiver);
      return async (streamId: string, events: NewEvent[], expected: ExpectedRevision) => {
        if (dead || events.some((e) => e.type === 'SlotConfirmed')) {
          dead = true;
          throw new Error('simulated crash: the process died here');
        }
        return target.append(streamId, events, expected);
      };
    },
  });
}

describe('a crash between taking the slot and confirming the reservation', () => {
  const start = JST('2026-12-01', '10:00');
  const key = { 'idempotency-key': 'confirm-crash-test-0001' };
  let crashed: TestService;
  let restarted: TestService;
  let reservationId: string;
  let counselorId: string;
  let officeId: string;

  beforeEach(async () => {
    crashed = await startService({ store: crashingBeforeConfirmation });
    const ids = await seed(crashed);
    counselorId = ids.counselorIds[0];
    officeId = ids.officeId;
    reservationId = (await crashed.send('POST', '/v1/reservations', requestBody(officeId, ids.jobSeeker, start))).body.reservationId;
    const answer = await crashed.send('POST', `/v1/reservations/${reservationId}/confirmation`, { counselorId, start }, key);
    expect(answer.status).toBe(500);
    await crashed.close();
    restarted = await startService({ dbFile: crashed.dbFile, clock: new TestClock() });
  });
  afterEach(() => restarted.close());

  async function otherReservation() {
    const seeker = await registerJobSeeker(restarted, '33010-7654321', '倉敷 花子');
    return (await restarted.send('POST', '/v1/reservations', requestBody(officeId, seeker, start))).body.reservationId as string;
  }

  it('leaves the slot held (nobody else can take it) and the reservation unconfirmed', async () => {
    const day = await restarted.store.readStream(`counselor-day-${counselorId}-2026-12-01`);
    expect(day.map((e) => e.type)).toEqual(['SlotHeld']);
    expect((await restarted.store.readStream(`reservation-${reservationId}`)).map((e) => e.type)).toEqual(['ReservationRequested']);
    const other = await restarted.send('POST', `/v1/reservations/${await otherReservation()}/confirmation`, { counselorId, start });
    expect(other).toMatchObject({ status: 422, body: { rule: 'SLOT' } });
  });

  it('re-sending the same command after the restart finishes it, without a second hold, and answers what the whole command appended', async () => {
    const answer = await restarted.send('POST', `/v1/reservations/${reservationId}/confirmation`, { counselorId, start }, key);
    expect(answer).toMatchObject({ status: 200, body: { appended: ['SlotHeld', 'SlotConfirmed'] } });
    const day = await restarted.store.readStream(`counselor-day-${counselorId}-2026-12-01`);
    expect(day.map((e) => e.type)).toEqual(['SlotHeld']);
  });

  it('without a re-send, the recovery releases the slot once the hold is 2 minutes old, and the late re-send is refused', async () => {
    const recovery = restarted.app.get(ConfirmationRecovery);
    expect(await recovery.sweep()).toBe(0); // too young: the confirmation may still be running
    restarted.clock.set('2026-11-26T01:03:00Z');
    expect(await recovery.sweep()).toBe(1);
    expect(await recovery.sweep()).toBe(0); // exactly once

    const day = await restarted.store.readStream(`counselor-day-${counselorId}-2026-12-01`);
    expect(day.map((e) => [e.type, e.data.reason])).toEqual([['SlotHeld', undefined], ['SlotReleased', 'confirmation-abandoned']]);
    expect((await restarted.store.readStream(`reservation-${reservationId}`)).map((e) => e.type)).toEqual(['ReservationRequested', 'ConfirmationAbandoned']);

    const other = await restarted.send('POST', `/v1/reservations/${await otherReservation()}/confirmation`, { counselorId, start });
    expect(other.status).toBe(200);
    const late = await restarted.send('POST', `/v1/reservations/${reservationId}/confirmation`, { counselorId, start }, key);
    expect(late.status).toBe(422);
    const holders = (await restarted.store.readStream(`counselor-day-${counselorId}-2026-12-01`)).filter((e) => e.type === 'SlotHeld');
    expect(holders.map((e) => e.data.reservationId)).toEqual([reservationId, other.body.reservationId]);
  });
});
