import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { StoredEvent } from '../../src/application/ports/event-store';
import { StaffAccess } from '../../src/application/staff/staff.commands';
import { closedReason, toJst } from '../../src/domain/calendar/business-calendar';
import type { Role } from '../../src/domain/staff/staff';
import { businessDaysAfter, DemoFilled, DemoSummary, runDemo } from '../../src/infrastructure/demo/demo';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite/sqlite-event-store';
import { createHttpApp } from '../../src/infrastructure/http/http-app';
import { testPorts } from './harness';

interface Instance {
  app: NestFastifyApplication;
  store: SqliteEventStore;
}

describe('the demo data', () => {
  let directory: string;
  let instance: Instance | undefined;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'madoguchi-demo-'));
  });
  afterEach(async () => {
    await stop();
    rmSync(directory, { recursive: true, force: true });
  });

  async function start(now: Date): Promise<Instance> {
    const store = SqliteEventStore.open(join(directory, 'events.sqlite'));
    const app = await createHttpApp(testPorts(store, join(directory, 'events.sqlite'), { now: () => new Date(now) }), { logs: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    instance = { app, store };
    return instance;
  }

  async function stop(): Promise<void> {
    if (!instance) return;
    const { app, store } = instance;
    instance = undefined;
    await app.close();
    await store.close(); // no-op when the application closed it already
  }

  /** The demo's data: everything but the staff sign-ins (the demo's own tokens, the test's viewer) and the record of the test's reads. */
  const demoData = (events: StoredEvent[]) => events.filter((e) => !e.streamId.startsWith('staff-') && !e.streamId.startsWith('access-log-'));

  /** A re-run signs in with a new token, and prints a new one for the person trying it; it appends no demo data. */
  async function expectOnlyTheDemoTokens(store: SqliteEventStore, head: bigint) {
    const appended = await allEvents(store, head);
    expect(appended.map((e) => `${e.streamId} ${e.type}`)).toEqual(['staff-demo StaffTokenIssued', 'staff-demo-soudan StaffTokenIssued']);
  }

  /** The printed token: on the demo's last lines, with its expiry; it reads the demo week's job seekers and reservations, and nothing of an administrator's. */
  async function expectAWorkingPrintedToken(app: NestFastifyApplication, lines: string[], summary: DemoSummary) {
    const token = summary.signIn.token;
    expect(lines.slice(-3)).toEqual([
      'demo: sign in as デモ 相談員 (staff id demo-soudan; supervisor, counselor) to see the week on the staff page /ui/ (paste the token there), or in the API — Authorization: Bearer <token>:',
      `  ${token}`,
      expect.stringMatching(/^ {2}Valid until \d{4}-\d\d-\d\d \d\d:\d\d JST \(.+\)\. Each run of the demo prints a new one\./),
    ]);
    const as = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    const seekers = await as('/v1/job-seekers?limit=50');
    expect(seekers.statusCode).toBe(200);
    expect(seekers.json().total).toBe(12);
    const tanaka = seekers.json().items.find((item: { name: string }) => item.name === '田中 美穂');
    const view = await as(`/v1/job-seekers/${tanaka.jobSeekerId}`);
    expect(view.statusCode).toBe(200);
    const reservationId: string = view.json().reservations[0];
    expect((await as(`/v1/reservations/${reservationId}`)).statusCode).toBe(200);
    expect((await as('/v1/staff')).statusCode).toBe(403);
  }

  async function allEvents(store: SqliteEventStore, after?: bigint): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    for (;;) {
      const page = await store.readAll({ after: events.at(-1)?.position ?? after, limit: 500 });
      if (page.length === 0) return events;
      events.push(...page);
    }
  }

  function filled(summary: DemoSummary): DemoFilled {
    if (summary.alreadyThere) throw new Error('the demo found its data already there');
    return summary;
  }

  /** A token for a staff member with these roles (its enrolment and issue are staff events, not demo data). */
  const tokenFor = (app: NestFastifyApplication, staffId: string, roles: Role[]) => app.get(StaffAccess).tokenFor(staffId, staffId, roles, 1, 'test');

  async function get(app: NestFastifyApplication, url: string) {
    const token = await tokenFor(app, 'viewer', ['counselor']);
    const response = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  /** The sessions the demo leaves confirmed (not cancelled), with their counselor and start. */
  function confirmedSessions(events: StoredEvent[]) {
    const cancelled = new Set(events.filter((e) => e.type === 'ReservationCancelled').map((e) => e.data.reservationId as string));
    return events
      .filter((e) => e.type === 'SlotConfirmed' && !cancelled.has(e.data.reservationId as string))
      .map((e) => ({ counselorId: e.data.counselorId as string, start: e.data.start as string }));
  }

  async function runAndCheck(now: Date) {
    const { app, store } = await start(now);
    const lines: string[] = [];
    const summary = filled(await runDemo(app, now, (line) => lines.push(line)));

    expect(summary).toMatchObject({ offices: 1, counselors: 3, jobSeekers: 12, cancelled: 1, replayedCommands: 0 });
    expect(summary.reservations).toBeGreaterThanOrEqual(12);
    expect(summary.reservations).toBeLessThanOrEqual(18);
    expect(summary.confirmed).toBeGreaterThan(summary.reservations / 2);
    expect(summary.requested).toBeGreaterThanOrEqual(1);
    expect(summary.confirmed + summary.requested + summary.cancelled).toBe(summary.reservations);
    expect(summary.appendedEvents).toBeGreaterThan(0);
    expect(lines).toContain('demo: 12 job seekers, each consenting to terms version 2022-07-28');
    expect(lines.some((line) => line.startsWith('demo: office ハローワーク岡山'))).toBe(true);
    expect(lines.at(-4)).toMatch(/^demo: done/);
    await expectAWorkingPrintedToken(app, lines, summary);

    const offices = await get(app, '/v1/offices');
    expect(offices.items.map((o: { name: string }) => o.name)).toEqual(['ハローワーク岡山']);
    expect(offices.items[0]).toMatchObject({
      officeId: summary.officeId,
      cancellationPhone: '086-222-2905',
      designatedApp: { name: 'Webex' },
      meetingUrlPolicy: { kind: 'per-session', template: 'https://meet.example.jp/hellowork-okayama/{token}' },
    });
    const counselors = await get(app, `/v1/offices/${summary.officeId}/counselors`);
    expect(counselors.total).toBe(3);
    const exceptions = counselors.items.flatMap((c: { exceptions: Array<{ kind: string }> }) => c.exceptions.map((e) => e.kind)).sort();
    expect(exceptions).toEqual(['leave', 'shorter-day']);

    const all = await allEvents(store);
    const events = demoData(all);
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect(count('TermsVersionPublished')).toBe(1);
    expect(count('JobSeekerRegistered')).toBe(12);
    expect(count('ConsentGiven')).toBe(12);
    expect(count('ReservationRequested')).toBe(summary.reservations);
    expect(count('SlotConfirmed')).toBe(summary.confirmed + summary.cancelled);
    expect(count('ReservationCancelled')).toBe(1);
    expect(count('SlotReleased')).toBe(1); // the cancelled session gave its slot back
    expect(count('SlotHeld')).toBe(summary.confirmed + summary.cancelled);
    expect(summary.appendedEvents).toBe(events.length); // the store was empty

    // Sessions only from tomorrow on, on business days, within 10:00–17:00 JST; never twice for one counselor.
    const sessions = confirmedSessions(events);
    const today = toJst(now).date;
    for (const session of sessions) {
      const { date, minuteOfDay } = toJst(new Date(session.start));
      expect(date > today).toBe(true);
      expect(closedReason(date)).toBeUndefined();
      expect(minuteOfDay).toBeGreaterThanOrEqual(10 * 60);
      expect(minuteOfDay).toBeLessThanOrEqual(16 * 60 + 30);
    }
    expect(new Set(sessions.map((s) => `${s.counselorId} ${s.start}`)).size).toBe(sessions.length);

    // A second run over the same data finds the demo there and appends nothing.
    const head = await store.headPosition();
    const linesAgain: string[] = [];
    const again = await runDemo(app, now, (line) => linesAgain.push(line));
    await expectOnlyTheDemoTokens(store, head);
    expect(again).toMatchObject({ alreadyThere: true, officeId: summary.officeId, appendedEvents: 0 });
    expect(linesAgain[0]).toBe(`demo: the demo data is already there (office ハローワーク岡山, ${summary.officeId}); nothing appended`);
    expect(again.signIn.token).not.toBe(summary.signIn.token);
    await expectAWorkingPrintedToken(app, linesAgain, again); // printed again, on every run

    return { summary, sessions };
  }

  it('fills an empty store on a Thursday morning, and a second run appends nothing', async () => {
    const now = new Date('2026-11-26T01:00:00Z'); // Thursday 10:00 JST
    const { sessions } = await runAndCheck(now);
    const dates = new Set(sessions.map((s) => toJst(new Date(s.start)).date));
    // Tomorrow (Friday) is confirmable today (A6.1); the weekend is skipped.
    expect(dates.has('2026-11-27')).toBe(true);
    expect(dates.has('2026-11-28') || dates.has('2026-11-29')).toBe(false);
  });

  it('skips the weekend when run on a Friday afternoon', async () => {
    const now = new Date('2026-11-27T06:00:00Z'); // Friday 15:00 JST
    expect(businessDaysAfter('2026-11-27', 5)).toEqual(['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']);
    const { sessions } = await runAndCheck(now);
    const dates = [...new Set(sessions.map((s) => toJst(new Date(s.start)).date))].sort();
    expect(dates[0]).toBe('2026-11-30');
    expect(dates.every((d) => d >= '2026-11-30' && d <= '2026-12-04')).toBe(true);
  });

  it('skips the year-end closure and holidays', async () => {
    const now = new Date('2026-12-25T08:00:00Z'); // Friday 17:00 JST
    expect(businessDaysAfter('2026-12-25', 5)).toEqual(['2026-12-28', '2027-01-04', '2027-01-05', '2027-01-06', '2027-01-07']);
    await runAndCheck(now);
  });

  it('replays on a restart over an already demo’d data directory, also on a later day', async () => {
    const first = await runAndCheck(new Date('2026-11-26T01:00:00Z'));
    await stop();
    const later = new Date('2026-11-30T00:30:00Z'); // the next Monday, 09:30 JST
    const { app, store } = await start(later);
    const head = await store.headPosition();
    const again = await runDemo(app, later, () => undefined);
    await expectOnlyTheDemoTokens(store, head);
    expect(again).toMatchObject({ alreadyThere: true, officeId: first.summary.officeId, appendedEvents: 0 });
    expect((await get(app, '/v1/offices')).total).toBe(1);
  });

  it('stops with the method, URL, status and answer when the API refuses a step', async () => {
    const now = new Date('2026-11-26T01:00:00Z');
    const { app, store } = await start(now);
    // The same terms version published earlier by someone else (another Idempotency-Key): A13 refuses the demo's.
    const published = await app.inject({
      method: 'POST',
      url: '/v1/terms-versions',
      headers: { authorization: `Bearer ${await tokenFor(app, 'tanaka', ['supervisor'])}`, 'idempotency-key': 'someone-else-terms' },
      payload: { version: '2022-07-28', effectiveFrom: '2026-11-26', title: '利用規約', summary: '初版' },
    });
    expect(published.statusCode).toBe(201);
    const head = await store.headPosition();
    await expect(runDemo(app, now, () => undefined)).rejects.toThrow(/POST \/v1\/terms-versions .*answered 422: .*"rule":"A13"/);
    expect(demoData(await allEvents(store, head))).toEqual([]);
  });
});
