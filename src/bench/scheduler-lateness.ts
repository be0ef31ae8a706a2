/**
 * No-show lateness through the whole service (A6.5): 200 confirmed sessions starting at the same instant, so
 * 200 no-show deadlines fall due together; prints p50 / p99 / max of (SessionMissed.recordedAt − deadline)
 * with the in-process scheduler and with BullMQ (REDIS_URL, default 127.0.0.1:6379, a throw-away key prefix).
 *
 * How time is moved, without faketime: the service runs in this process (`openService`, the same start as
 * `npm start`) on a clock that is the system clock plus an offset. Phase 1, offset 0: 200 counselors, job
 * seekers, requests and confirmations through the HTTP API for a session two business days ahead (in-process
 * scheduler, outbox). Phase 2: the service stops; the offset moves the clock to 6 s before the deadline; the
 * service starts again on the adapter under test, whose start-up sweep schedules the 200 no-shows (BullMQ on a
 * fresh key prefix: the jobs of phase 1 are not in it). The clock runs at real speed from there, so timers and
 * Redis delays are real: lateness is measured in real milliseconds.
 * Run: npm run build && node dist/bench/scheduler-lateness.js [sessions [in-process|BullMQ]]   (also part of `npm run bench`)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Clock } from '../application/ports/clock';
import type { EventStore } from '../application/ports/event-store';
import { EVENT_STORE } from '../application/ports/tokens';
import { SideEffects } from '../application/side-effects/side-effects';
import { StaffAccess } from '../application/staff/staff.commands';
import { noShowDeadline, toJst } from '../domain/calendar/business-calendar';
import { loadConfig } from '../infrastructure/config/config';
import { businessDaysAfter } from '../infrastructure/demo/demo';
import { openService } from '../infrastructure/start/start';
import { confirmedSessions } from './counter-day';
import { benchStaffToken, officeWithCounselors } from './http-load';

class OffsetClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

export interface Lateness {
  adapter: string;
  sessions: number;
  p50: number;
  p99: number;
  max: number;
}

/** The sessions, each with its own counselor and job seeker, confirmed through the HTTP API for `start`. */
async function fill(app: NestFastifyApplication, sessions: number, start: string): Promise<void> {
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const admin = (await app.get(StaffAccess).firstStart())!.token;
  const token = await benchStaffToken(url, admin, 90);
  const { officeId, counselorIds } = await officeWithCounselors(url, token, admin, new Date(), sessions);
  await confirmedSessions(url, token, officeId, counselorIds, new Date(start), 1);
}

/** Reads on from where the last call stopped, keeping each SessionMissed's recordedAt. */
function missedReader(store: EventStore): () => Promise<string[]> {
  const recorded: string[] = [];
  let after: bigint | undefined;
  return async () => {
    for (;;) {
      const events = await store.readAll({ ...(after === undefined ? {} : { after }), limit: 1_000 });
      if (events.length === 0) return recorded;
      for (const event of events) if (event.type === 'SessionMissed') recorded.push(String(event.data.recordedAt));
      after = events[events.length - 1].position;
    }
  };
}

/** One run: fills a fresh data directory, then measures the no-shows on the given scheduler. */
export async function noShowLateness(adapter: 'in-process' | 'BullMQ', sessions = 200): Promise<Lateness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'madoguchi-lateness-'));
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `madoguchi-bench-${randomUUID()}`;
  const clock = new OffsetClock();
  const base = { DATA_DIR: dataDir, LOG_LEVEL: 'error', RATE_LIMIT_PER_MINUTE: '100000000' };
  const start = new Date(`${businessDaysAfter(toJst(new Date()).date, 2)[1]}T10:00:00+09:00`);
  const deadline = noShowDeadline(start).getTime();
  try {
    const setUp = await openService(loadConfig(base), clock);
    const filling = Date.now();
    await fill(setUp, sessions, start.toISOString());
    await setUp.close();
    process.stderr.write(`${adapter}: ${sessions} sessions confirmed in ${Date.now() - filling} ms\n`);

    clock.offsetMs = deadline - 6_000 - Date.now();
    const app = await openService(loadConfig(adapter === 'BullMQ' ? { ...base, REDIS_URL: redisUrl, REDIS_PREFIX: prefix } : base), clock);
    try {
      await app.get(SideEffects).started;
      const missed = missedReader(app.get<EventStore>(EVENT_STORE));
      let recorded = await missed();
      for (let waited = 0; recorded.length < sessions && waited < 120_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        recorded = await missed();
      }
      if (recorded.length < sessions) throw new Error(`${adapter}: ${recorded.length} of ${sessions} SessionMissed after 2 minutes`);
      const late = recorded.map((at) => Date.parse(at) - deadline).sort((a, b) => a - b);
      const at = (q: number) => late[Math.min(late.length - 1, Math.floor(q * late.length))];
      return { adapter, sessions, p50: at(0.5), p99: at(0.99), max: late[late.length - 1] };
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    if (adapter === 'BullMQ') {
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  }
}

export function describeLateness(result: Lateness): string {
  return `${result.adapter}: ${result.sessions} sessions whose no-show deadline (A6.5) falls in the same instant — SessionMissed late by p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms`;
}

if (require.main === module) {
  const sessions = Number(process.argv[2] ?? 200);
  const only = process.argv[3] as 'in-process' | 'BullMQ' | undefined;
  void (async () => {
    for (const adapter of only ? [only] : (['in-process', 'BullMQ'] as const))
      process.stdout.write(`${describeLateness(await noShowLateness(adapter, sessions))}\n`);
  })().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
