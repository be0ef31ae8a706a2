import { counselorDayDecider } from '../../src/domain/counselor-day/counselor-day';
import { fold } from '../../src/domain/shared/decider';
import { toDomainEvent } from '../../src/application/event-sourcing/event-sourcing';
import { JST, registerJobSeeker, requestBody, seed, startService, TestService } from './harness';

const CONFIRMATIONS = 60;

describe('SLOT: no double booking when confirmations race', () => {
  let service: TestService;
  let second: TestService | undefined;
  afterEach(async () => {
    await second?.close();
    await service.close();
  });

  it(`${CONFIRMATIONS} concurrent HTTP confirmations of one counselor slot for different reservations: exactly one wins`, async () => {
    service = await startService();
    const { officeId, counselorIds } = await seed(service);
    const start = JST('2026-12-01', '10:00');
    const reservationIds: string[] = [];
    for (let i = 0; i < CONFIRMATIONS; i++) {
      const seeker = await registerJobSeeker(service, `33010-${String(1000000 + i)}`, `求職者${i}`);
      const requested = await service.send('POST', '/v1/reservations', requestBody(officeId, seeker, start));
      reservationIds.push(requested.body.reservationId);
    }

    const answers = await Promise.all(
      reservationIds.map((id) => service.send('POST', `/v1/reservations/${id}/confirmation`, { counselorId: counselorIds[0], start })),
    );

    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 409 || s === 422)).toBe(true);
    const losers = answers.filter((a) => a.status === 422);
    expect(losers.every((a) => a.body.rule === 'SLOT')).toBe(true);
    console.info(
      `race: ${CONFIRMATIONS} confirmations → ${statuses.filter((s) => s === 200).length}×200, ${losers.length}×422, ${statuses.filter((s) => s === 409).length}×409`,
    );

    const winner = reservationIds[statuses.indexOf(200)];
    const day = await service.store.readStream(`counselor-day-${counselorIds[0]}-2026-12-01`);
    const holds = fold(
      counselorDayDecider,
      day.map((e) => toDomainEvent(e) as never),
    ).holds;
    expect([...holds.values()].map((h) => h.reservationId)).toEqual([winner]);
    expect(day.filter((e) => e.type === 'SlotHeld')).toHaveLength(1);
    const confirmedReservations = [];
    for (const id of reservationIds) {
      const events = await service.store.readStream(`reservation-${id}`);
      if (events.some((e) => e.type === 'SlotConfirmed')) confirmedReservations.push(id);
    }
    expect(confirmedReservations).toEqual([winner]);

    // The calendar shows the single winner in that slot, and no leftover hold of a loser anywhere that day.
    const calendar = await service.send('GET', `/v1/counselors/${counselorIds[0]}/calendar?date=2026-12-01`);
    const slots = calendar.body.days[0].counselors[0].slots;
    expect(slots.find((s: { start: string }) => s.start === '2026-12-01T10:00:00+09:00')).toMatchObject({
      state: 'confirmed',
      reservationId: winner,
      bookable: false,
    });
    expect(slots.filter((s: { state: string }) => s.state !== 'free')).toHaveLength(1);
    const listed = await service.send('GET', `/v1/reservations?officeId=${officeId}&status=confirmed`);
    expect(listed.body.items.map((r: { reservationId: string }) => r.reservationId)).toEqual([winner]);
  }, 120_000); // 180 setup commands with an fsync each, on a machine shared with other suites: a budget, not a measurement

  it('two instances on one store: 40 confirmations split between them, still exactly one holder', async () => {
    service = await startService();
    const { officeId, counselorIds } = await seed(service);
    second = await startService({ dbFile: service.dbFile });
    const start = JST('2026-12-02', '15:00');
    const reservationIds: string[] = [];
    for (let i = 0; i < 40; i++) {
      const seeker = await registerJobSeeker(service, `33020-${String(1000000 + i)}`, `求職者${i}`);
      reservationIds.push((await service.send('POST', '/v1/reservations', requestBody(officeId, seeker, start))).body.reservationId);
    }
    const instances = [service, second];
    const answers = await Promise.all(
      reservationIds.map((id, i) => instances[i % 2].send('POST', `/v1/reservations/${id}/confirmation`, { counselorId: counselorIds[0], start })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.every((a) => [200, 409, 422].includes(a.status))).toBe(true);
    const day = await service.store.readStream(`counselor-day-${counselorIds[0]}-2026-12-02`);
    expect(day.filter((e) => e.type === 'SlotHeld')).toHaveLength(1);
  });
});
