import type { EventStore, NewEvent, ExpectedRevision } from '../../src/application/ports/event-store';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfirmationRecovery } from '../../src/application/reservation/confirmation-recovery';
import { SideEffects } from '../../src/application/side-effects/side-effects';
import { OutboxMailer } from '../../src/infrastructure/mail/outbox/outbox-mailer';
import { InProcessScheduler } from '../../src/infrastructure/scheduler/in-process/in-process-scheduler';
import { ClockTimers } from '../infrastructure/scheduler/clock-timers';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite/sqlite-event-store';
import { eventually, JST, registerJobSeeker, requestBody, seed, startService, TestClock, TestService } from './harness';

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

  it('with the side effects running, the minute sweep (a scheduled job, no timer of its own) releases the abandoned hold', async () => {
    await restarted.close();
    const clock = new TestClock();
    const timers = new ClockTimers(clock);
    const dir = mkdtempSync(join(tmpdir(), 'madoguchi-recovery-'));
    const sideEffects = { scheduler: new InProcessScheduler(clock, timers), mailer: new OutboxMailer(join(dir, 'outbox.sqlite'), clock) };
    restarted = await startService({ dbFile: crashed.dbFile, clock, sideEffects });
    await restarted.app.get(SideEffects).started; // the start-up sweep: the hold is too young
    const day = async () => (await restarted.store.readStream(`counselor-day-${counselorId}-2026-12-01`)).map((e) => e.type);
    expect(await day()).toEqual(['SlotHeld']);

    timers.advanceTo('2026-11-26T01:03:00Z'); // the sweep jobs of 10:01, 10:02 and 10:03 JST fall due
    await eventually(async () => (await day()).includes('SlotReleased'), 'the release by the minute sweep');
    expect(await day()).toEqual(['SlotHeld', 'SlotReleased']);
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
    expect(day.map((e) => [e.type, e.data.reason])).toEqual([
      ['SlotHeld', undefined],
      ['SlotReleased', 'confirmation-abandoned'],
    ]);
    expect((await restarted.store.readStream(`reservation-${reservationId}`)).map((e) => e.type)).toEqual([
      'ReservationRequested',
      'ConfirmationAbandoned',
    ]);

    const other = await restarted.send('POST', `/v1/reservations/${await otherReservation()}/confirmation`, { counselorId, start });
    expect(other.status).toBe(200);
    const late = await restarted.send('POST', `/v1/reservations/${reservationId}/confirmation`, { counselorId, start }, key);
    expect(late.status).toBe(422);
    const holders = (await restarted.store.readStream(`counselor-day-${counselorId}-2026-12-01`)).filter((e) => e.type === 'SlotHeld');
    expect(holders.map((e) => e.data.reservationId)).toEqual([reservationId, other.body.reservationId]);
  });
});

/** The event store, except that giving a slot back (appending SlotReleased) fails while `failing.on` is set. */
function failingReleases(failing: { on: boolean }) {
  return (file: string): EventStore => {
    const store = SqliteEventStore.open(file);
    return new Proxy(store, {
      get(target, property, receiver) {
        if (property !== 'append') return Reflect.get(target, property, receiver);
        return async (streamId: string, events: NewEvent[], expected: ExpectedRevision) => {
          if (failing.on && events.some((e) => e.type === 'SlotReleased')) throw new Error('simulated failure: the store refused the release');
          return target.append(streamId, events, expected);
        };
      },
    });
  };
}

describe('A6.5: a failure between ReservationCancelled and SlotReleased', () => {
  const start = JST('2026-12-01', '10:00');
  const failing = { on: false };
  let service: TestService;
  let reservationId: string;
  let counselorId: string;
  let officeId: string;
  const dayStream = () => `counselor-day-${counselorId}-2026-12-01`;

  beforeEach(async () => {
    failing.on = false;
    service = await startService({ store: failingReleases(failing) });
    const ids = await seed(service);
    [counselorId, officeId] = [ids.counselorIds[0], ids.officeId];
    reservationId = (await service.send('POST', '/v1/reservations', requestBody(officeId, ids.jobSeeker, start))).body.reservationId;
    expect((await service.send('POST', `/v1/reservations/${reservationId}/confirmation`, { counselorId, start })).status).toBe(200);
    failing.on = true;
    const cancelled = await service.send(
      'POST',
      `/v1/reservations/${reservationId}/cancellation`,
      { channel: 'phone', reason: '体調不良' },
      { 'idempotency-key': 'cancel-release-fails-01' },
    );
    expect(cancelled.status).toBe(500);
    failing.on = false;
    expect((await service.store.readStream(`reservation-${reservationId}`)).at(-1)!.type).toBe('ReservationCancelled');
    expect((await service.store.readStream(dayStream())).map((e) => e.type)).toEqual(['SlotHeld']);
  });
  afterEach(() => service.close());

  async function confirmAnotherAtTheSameSlot(running: TestService) {
    const seeker = await registerJobSeeker(running, '33010-7654321', '倉敷 花子');
    const other = (await running.send('POST', '/v1/reservations', requestBody(officeId, seeker, start))).body.reservationId as string;
    return running.send('POST', `/v1/reservations/${other}/confirmation`, { counselorId, start });
  }

  const releases = async (running: TestService) =>
    (await running.store.readStream(dayStream())).filter((e) => e.type === 'SlotReleased').map((e) => [e.data.reservationId, e.data.reason]);

  it('leaves the slot held until the slot-release reactor, which releases it once after a restart (twice over); then another session can have it', async () => {
    expect(await confirmAnotherAtTheSameSlot(service)).toMatchObject({ status: 422, body: { rule: 'SLOT' } });
    await service.close();

    const withReactors = async () => {
      const dir = mkdtempSync(join(tmpdir(), 'madoguchi-release-'));
      const sideEffects = { scheduler: new InProcessScheduler(service.clock), mailer: new OutboxMailer(join(dir, 'outbox.sqlite'), service.clock) };
      service = await startService({ dbFile: service.dbFile, clock: service.clock, sideEffects });
      await service.app.get(SideEffects).runtime.caughtUp('slot-release');
    };
    await withReactors();
    expect(await releases(service)).toEqual([[reservationId, 'cancelled']]);
    await service.close();
    await withReactors(); // its checkpoint is past the cancellation now; released once all the same

    expect(await releases(service)).toEqual([[reservationId, 'cancelled']]);
    expect((await confirmAnotherAtTheSameSlot(service)).status).toBe(200);
  });

  it('a second cancel (a new request) is refused as already cancelled, and finishes the release', async () => {
    const again = await service.send('POST', `/v1/reservations/${reservationId}/cancellation`, { channel: 'phone', reason: '体調不良' });
    expect(again).toMatchObject({ status: 422, body: { rule: 'RESERVATION' } });

    expect(await releases(service)).toEqual([[reservationId, 'cancelled']]);
    expect((await confirmAnotherAtTheSameSlot(service)).status).toBe(200);
  });

  it('re-sending the same cancel (same Idempotency-Key) answers as the first time and finishes the release', async () => {
    const again = await service.send(
      'POST',
      `/v1/reservations/${reservationId}/cancellation`,
      { channel: 'phone', reason: '体調不良' },
      { 'idempotency-key': 'cancel-release-fails-01' },
    );
    expect(again).toMatchObject({ status: 200, body: { appended: ['ReservationCancelled'], replayed: true } });

    expect(await releases(service)).toEqual([[reservationId, 'cancelled']]);
    expect((await confirmAnotherAtTheSameSlot(service)).status).toBe(200);
  });
});
