import 'reflect-metadata';
import Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { AppendResult, EventStore, NewEvent, StoredEvent, Subscription } from '../application/ports/event-store';
import { rebuild } from '../application/consumers/rebuild';
import { StaffAccess } from '../application/staff/staff.commands';
import { SystemClock } from '../infrastructure/clock/system-clock';
import { HmacPseudonymizer } from '../infrastructure/crypto/hmac-pseudonymizer';
import { encryptPersonalData } from '../infrastructure/crypto/personal-data-encryption';
import { SqliteKeyStore } from '../infrastructure/crypto/sqlite-key-store';
import { SqliteEventStore } from '../infrastructure/event-store/sqlite/sqlite-event-store';
import { createHttpApp } from '../infrastructure/http/http-app';
import { SqliteReadStore } from '../infrastructure/read-store/sqlite/sqlite-read-store';
import { projectorClasses } from '../projections/projectors';

/**
 * Read-side benchmark (issue 16): `npm run build && node dist/bench/read-side.js [events…]`
 * (default 100000 1000000). For each size, on a fresh SQLite store of mixed realistic events (personal
 * data encrypted as the service stores it):
 *  - first catch-up of every read model from position 0 (events/s);
 *  - ready-after-start with checkpoints current: from creating the application to /health/ready 200,
 *    and to the first authenticated answer;
 *  - rebuild of each read model into a fresh copy (events/s).
 */

const MASTER_KEY = Buffer.alloc(32, 7);

/** Captures what the encryption layer appends, so a large store can be written in a few big transactions. */
class Collector implements EventStore {
  readonly rows: Array<{ streamId: string; revision: number; event: NewEvent }> = [];
  /** Each stream's rows, as indexes into `rows`: the hash chain reads a stream's end before appending to it. */
  private readonly streams = new Map<string, number[]>();
  async append(streamId: string, events: NewEvent[]): Promise<AppendResult> {
    const stream = this.streams.get(streamId) ?? [];
    this.streams.set(streamId, stream);
    for (const event of events) {
      stream.push(this.rows.length);
      this.rows.push({ streamId, revision: stream.length - 1, event });
    }
    return { nextExpectedRevision: BigInt(stream.length - 1), position: BigInt(this.rows.length) };
  }
  async readStream(streamId: string, fromRevision = 0n): Promise<StoredEvent[]> {
    return (this.streams.get(streamId) ?? []).slice(Number(fromRevision)).map((index) => {
      const { revision, event } = this.rows[index];
      return { ...event, streamId, revision: BigInt(revision), position: BigInt(index + 1) };
    });
  }
  readAll(): Promise<StoredEvent[]> {
    throw new Error('not used');
  }
  headPosition(): Promise<bigint> {
    throw new Error('not used');
  }
  subscribeAll(): Subscription {
    throw new Error('not used');
  }
  async close(): Promise<void> {}
}

const meta = (at: string, actor = 'staff:bench') => ({
  commandId: randomUUID(),
  correlationId: randomUUID(),
  causationId: randomUUID(),
  actor,
  recordedAt: at,
});
const event = (type: string, data: Record<string, unknown>, at: string): NewEvent => ({
  eventId: randomUUID(),
  type,
  schemaVersion: 1,
  data,
  metadata: meta(at),
});

/** Writes `count` events: staff and tokens, then job seekers with many reservations each, and the read audit. */
async function generate(dir: string, count: number): Promise<void> {
  const keys = SqliteKeyStore.open(join(dir, 'keys.sqlite'), MASTER_KEY);
  const collector = new Collector();
  const { eventStore } = encryptPersonalData(collector, keys);
  const at = '2026-11-26T01:00:00.000Z';
  for (let s = 0; s < 20; s++) {
    const staffId = `staff${s}`;
    await eventStore.append(
      `staff-${staffId}`,
      [
        event('StaffMemberEnrolled', { staffId, name: `職員${s}`, roles: ['counselor'] }, at),
        event(
          'StaffTokenIssued',
          {
            staffId,
            tokenId: createHash('md5').update(staffId).digest('hex'),
            secretHash: 'x'.repeat(64),
            issuedAt: at,
            expiresAt: '2027-11-26T01:00:00.000Z',
          },
          at,
        ),
      ],
      'any',
    );
  }
  let jobSeeker = 0;
  while (collector.rows.length < count) {
    const jobSeekerId = createHash('sha256').update(`js${jobSeeker}`).digest('hex');
    const jobSeekerNo = String(10_000_000 + jobSeeker);
    jobSeeker += 1;
    await eventStore.append(
      `jobseeker-${jobSeekerId}`,
      [
        event(
          'JobSeekerRegistered',
          {
            jobSeekerId,
            jobSeekerNo,
            registration: 'full',
            name: '山田 太郎',
            email: 'taro@example.jp',
            phone: '090-0000-0000',
            inPersonDifficulty: '遠方のため',
          },
          at,
        ),
        event(
          'ConsentGiven',
          {
            jobSeekerId,
            recordingProhibitionAcknowledged: true,
            termsVersion: '2022-07-28',
            designatedApp: { name: 'Webex', termsUrl: 'https://www.webex.com/terms.html' },
            givenAt: at,
            items: {},
          },
          at,
        ),
      ],
      'any',
    );
    // 24 reservations of 6–7 events each: requested, held, confirmed, invited, read by staff, completed.
    for (let r = 0; r < 24 && collector.rows.length < count; r++) {
      const reservationId = randomUUID();
      const counselorId = `counselor${r % 3}`;
      const start = new Date(Date.parse('2026-12-01T01:00:00.000Z') + (jobSeeker * 24 + r) * 1_800_000).toISOString();
      const holdId = randomUUID();
      await eventStore.append(
        `reservation-${reservationId}`,
        [
          event(
            'ReservationRequested',
            {
              reservationId,
              jobSeekerId,
              jobSeekerNo,
              name: '山田 太郎',
              email: 'taro@example.jp',
              officeId: 'office1',
              channel: 'phone',
              wishes: [start],
              attendance: { interpreter: false, assistant: false },
              requestedAt: at,
            },
            at,
          ),
        ],
        'any',
      );
      await eventStore.append(
        `counselor-day-${counselorId}-${start.slice(0, 10)}`,
        [event('SlotHeld', { holdId, reservationId, counselorId, date: start.slice(0, 10), start }, at)],
        'any',
      );
      await eventStore.append(
        `reservation-${reservationId}`,
        [
          event(
            'SlotConfirmed',
            {
              reservationId,
              officeId: 'office1',
              jobSeekerId,
              counselorId,
              start,
              end: new Date(Date.parse(start) + 1_800_000).toISOString(),
              meetingUrl: `https://meet.example.jp/j/${holdId}`,
              designatedApp: 'Webex',
              termsVersion: '2022-07-28',
              holdId,
              confirmedAt: at,
            },
            at,
          ),
          event('InvitationSent', { reservationId, jobSeekerId, to: 'taro@example.jp', messageId: `<${holdId}@bench>`, sentAt: at }, at),
        ],
        'any',
      );
      await eventStore.append(
        `access-log-${at.slice(0, 10)}`,
        [event('PersonalDataViewed', { viewer: 'staff0', view: 'reservation', jobSeekerIds: [jobSeekerId], viewedAt: at }, at)],
        'any',
      );
      await eventStore.append(`reservation-${reservationId}`, [event('SessionCompleted', { reservationId, completedAt: at }, at)], 'any');
    }
  }
  await keys.close();
  await SqliteEventStore.open(join(dir, 'events.sqlite')).close();
  const db = new Database(join(dir, 'events.sqlite'));
  const insert = db.prepare('INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const write = db.transaction((rows: Collector['rows']) => {
    for (const { streamId, revision, event: e } of rows)
      insert.run(streamId, revision, e.eventId, e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.metadata));
  });
  for (let i = 0; i < collector.rows.length; i += 50_000) write(collector.rows.slice(i, i + 50_000));
  db.close();
}

async function openService(dir: string) {
  const keyStore = SqliteKeyStore.open(join(dir, 'keys.sqlite'), MASTER_KEY);
  const inner = SqliteEventStore.open(join(dir, 'events.sqlite'));
  const app = await createHttpApp(
    {
      ...encryptPersonalData(inner, keyStore),
      clock: new SystemClock(),
      pseudonymizer: new HmacPseudonymizer(Buffer.alloc(32, 1)),
      readStore: SqliteReadStore.open(join(dir, 'read.sqlite')),
    },
    { logs: false, rateLimitPerMinute: 1_000_000 },
  );
  await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
}

async function untilReady(url: string): Promise<void> {
  for (;;) {
    if ((await fetch(`${url}/health/ready`)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const seconds = (from: number) => (performance.now() - from) / 1000;

async function measure(count: number): Promise<void> {
  const dir = join(tmpdir(), `madoguchi-bench-read-${count}-${process.pid}`);
  if (existsSync(dir)) rmSync(dir, { recursive: true });
  mkdirSync(dir, { recursive: true });
  let t = performance.now();
  await generate(dir, count);
  console.log(`\n## ${count.toLocaleString('en')} events (generated in ${seconds(t).toFixed(1)} s)`);

  t = performance.now();
  const first = await openService(dir);
  await untilReady(first.url);
  const catchUp = seconds(t);
  console.log(
    `first start, every read model from position 0: ready after ${catchUp.toFixed(2)} s (${Math.round(count / catchUp).toLocaleString('en')} events/s, all read models together)`,
  );
  const token = await first.app.get(StaffAccess).tokenFor('bench-admin', 'Bench', ['admin'], 1, 'system:bench');
  await first.app.close();

  t = performance.now();
  const second = await openService(dir);
  await untilReady(second.url);
  const ready = seconds(t);
  const answer = await fetch(`${second.url}/v1/staff?limit=1`, { headers: { authorization: `Bearer ${token}` } });
  const firstAnswer = seconds(t);
  console.log(
    `restart with checkpoints current: /health/ready 200 after ${ready.toFixed(2)} s; first authenticated answer (${answer.status}) after ${firstAnswer.toFixed(2)} s`,
  );
  await second.app.close();

  const keyStore = SqliteKeyStore.open(join(dir, 'keys.sqlite'), MASTER_KEY);
  const { eventStore } = encryptPersonalData(SqliteEventStore.open(join(dir, 'events.sqlite')), keyStore);
  const readStore = SqliteReadStore.open(join(dir, 'read.sqlite'));
  // Rebuilds are measured up to BENCH_REBUILD_MAX events (default 200,000): above, a run takes minutes per read model.
  // Log events replayed per second: each read model alone (up to BENCH_REBUILD_MAX events, default 200,000:
  // above, that is minutes per read model), then all of them from one read (`npm run rebuild -- --all`).
  const alone = count <= Number(process.env.BENCH_REBUILD_MAX ?? 200_000) ? projectorClasses.map((P) => [new P()]) : [];
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  for (const chosen of [...alone, projectorClasses.map((P) => new P())]) {
    const what = chosen.length === 1 ? chosen[0].name : `--all (${chosen.length} read models)`;
    t = performance.now();
    const rebuilt = await rebuild(eventStore, readStore, chosen);
    const s = seconds(t);
    const applied = rebuilt.reduce((sum, r) => sum + r.events, 0);
    console.log(
      `rebuild ${what.padEnd(24)} ${count.toLocaleString('en')} log events (${applied.toLocaleString('en')} of its types) in ${s.toFixed(2)} s = ${Math.round(count / s).toLocaleString('en')} events/s`,
    );
  }
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  console.log(`peak RSS of this process during the rebuilds: ${Math.round(peakRss / 2 ** 20)} MB`);
  await readStore.close();
  await eventStore.close();
  await keyStore.close();
  if (process.env.BENCH_KEEP) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  for (const size of sizes.length ? sizes : [100_000, 1_000_000]) await measure(size);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
