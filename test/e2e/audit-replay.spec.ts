import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite/sqlite-event-store';
import { builtMain } from './built-service';
import { JST, requestBody, seed, startService, TestService } from './harness';

describe('issue 19: replay for auditors (GET /v1/audit/replay, npm run replay)', () => {
  let service: TestService;
  let auditor: Record<string, string>;
  let ids: Awaited<ReturnType<typeof seed>>;
  let reservationId: string;

  beforeAll(async () => {
    service = await startService();
    ids = await seed(service);
    auditor = { authorization: `Bearer ${await service.tokenFor('kansa', ['auditor'])}` };
    service.clock.set('2026-11-30T00:30:00Z'); // 09:30 JST on 11/30: requested
    reservationId = (await service.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker))).body.reservationId;
    service.clock.set('2026-11-30T01:00:00Z'); // 10:00: confirmed for 12/1 10:00
    await service.send('POST', `/v1/reservations/${reservationId}/confirmation`, {
      counselorId: ids.counselorIds[0],
      start: JST('2026-12-01', '10:00'),
    });
    service.clock.set('2026-12-01T00:55:00Z'); // 12/1 09:55: checked in
    expect((await service.send('POST', `/v1/reservations/${reservationId}/check-in`, { deviceId: 'device-XYZ-789' })).status).toBe(200);
    service.clock.set('2026-12-01T02:00:00Z'); // 11:00: completed
    expect((await service.send('POST', `/v1/reservations/${reservationId}/completion`, {})).status).toBe(200);
  }, 60_000);
  afterAll(() => service.close());

  const replay = (query: string) => service.send('GET', `/v1/audit/replay?${query}`, undefined, auditor);

  it('what did we know about reservation R at 10:05 on 12/1? The state as of then, next to the events it was folded from', async () => {
    const asOf = JST('2026-12-01', '10:05');
    const answer = await replay(`subject=reservation:${reservationId}&asOf=${encodeURIComponent(asOf)}`);
    expect(answer.status).toBe(200);
    expect(answer.body.events.map((e: any) => e.event)).toEqual(['ReservationRequested', 'SlotConfirmed', 'CheckedIn']);
    expect(answer.body.events[0]).toMatchObject({
      actor: 'staff:tanaka',
      rule: 'A6.2',
      at: '2026-11-30T09:30:00+09:00',
      commandId: expect.any(String),
    });
    expect(answer.body.events[0].data).toMatchObject({ name: ids.jobSeeker.name }); // auditors see personal data; the replay is recorded
    expect(answer.body.state).toMatchObject({ status: 'checked-in', slot: { counselorId: ids.counselorIds[0] } });
    // A7.2: the device identifier stays sealed, even for auditors.
    expect(answer.body.events[2].data.device).toEqual({ identifier: '[sealed]', pseudonym: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const now = await replay(`subject=reservation:${reservationId}`);
    expect(now.body.state.status).toBe('completed');
    expect(now.body.events.at(-1)).toMatchObject({ event: 'SessionCompleted', rule: 'RESERVATION' });
    if (process.env.WRITE_EXAMPLES)
      writeFileSync(join(__dirname, '../../docs/examples/replay-as-of.json'), `${JSON.stringify(answer.body, null, 2)}\n`);
  });

  it('what changed between two instants: the state at each, the events between, the fields that differ', async () => {
    const answer = await replay(
      `subject=reservation:${reservationId}&since=${encodeURIComponent(JST('2026-11-30', '09:45'))}&asOf=${encodeURIComponent(JST('2026-12-01', '12:00'))}`,
    );
    expect(answer.body.since.state.status).toBe('requested');
    expect(answer.body.state.status).toBe('completed');
    expect(answer.body.since.events).toEqual(answer.body.events.slice(1).map((e: any) => e.position));
    expect(answer.body.since.changes).toEqual(expect.arrayContaining([{ field: 'status', before: 'requested', after: 'completed' }]));
  });

  it('a job seeker’s history spans their own stream and their reservations; a counselor’s day shows the holds', async () => {
    const jobSeeker = await replay(`subject=job-seeker:${ids.jobSeeker.jobSeekerId}`);
    expect(jobSeeker.body.events.map((e: any) => e.event)).toEqual(
      expect.arrayContaining(['JobSeekerRegistered', 'ConsentGiven', 'ReservationRequested', 'SlotConfirmed', 'CheckedIn', 'SessionCompleted']),
    );
    expect(jobSeeker.body.state).toMatchObject({ status: expect.any(String) });
    const day = await replay(`subject=counselor-day:${ids.counselorIds[0]}:2026-12-01&asOf=${encodeURIComponent(JST('2026-12-01', '10:05'))}`);
    expect(day.body.events.map((e: any) => e.event)).toEqual(['SlotHeld']);
    expect(Object.values(day.body.state.holds)).toEqual([expect.objectContaining({ reservationId })]);
  });

  it('A8.1: every replay of personal data is recorded; only auditors may replay; a bad subject is 400', async () => {
    const views = await service.send('GET', '/v1/audit/personal-data-views?from=2026-12-01&to=2026-12-01&viewer=staff:kansa', undefined, auditor);
    expect(views.body.items.map((v: any) => v.view)).toEqual(expect.arrayContaining(['replay:reservation', 'replay:job-seeker']));
    expect(views.body.items.every((v: any) => v.jobSeekerIds.includes(ids.jobSeeker.jobSeekerId))).toBe(true);
    expect((await service.send('GET', `/v1/audit/replay?subject=reservation:${reservationId}`)).status).toBe(403);
    expect((await replay('subject=reservation:nope')).status).toBe(400);
  });

  it('npm run replay (the built CLI) prints the events and the state as of an instant, with progress, and records the replay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'madoguchi-replay-'));
    // The test service's files under the names the configuration gives them.
    for (const [from, to] of [
      [service.dbFile, 'events.sqlite'],
      [`${service.dbFile}.keys`, 'keys.sqlite'],
    ]) {
      // With the write-ahead log: the service is still running.
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(from + suffix)) copyFileSync(from + suffix, join(dir, to + suffix));
    }
    const cli = join(dirname(builtMain()), 'cli', 'replay.js');
    const env = { PATH: process.env.PATH, DATA_DIR: dir, MASTER_KEY: '09'.repeat(32), PSEUDONYM_KEY: '01'.repeat(32) };
    const run = spawnSync(
      process.execPath,
      [cli, `job-seeker:${ids.jobSeeker.jobSeekerId}`, '--auditor', 'kansa', '--as-of', JST('2026-12-01', '10:05')],
      {
        env,
        encoding: 'utf8',
      },
    );
    expect(run.stdout + run.stderr).toMatch(/replay .*\d+ events read/);
    expect(run.stdout).toContain(`job-seeker:${ids.jobSeeker.jobSeekerId} as of 2026-12-01T10:05:00+09:00`);
    expect(run.stdout).toMatch(/SlotConfirmed\s+A6\.1/);
    expect(run.stdout).toContain('CheckedIn');
    expect(run.stdout).not.toContain('SessionCompleted');
    expect(run.status).toBe(0);
    const store = SqliteEventStore.open(join(dir, 'events.sqlite'));
    try {
      const views = (await store.readAll({ limit: 10_000 })).filter(
        (event) => event.type === 'PersonalDataViewed' && event.data.viewer === 'staff:kansa',
      );
      expect(views.map((event) => event.data.view)).toContain('replay:job-seeker');
    } finally {
      await store.close();
    }
  }, 120_000);
});
