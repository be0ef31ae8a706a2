import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { EventStore, StoredEvent } from '../application/ports/event-store';
import { EVENT_STORE } from '../application/ports/tokens';
import { SystemClock } from '../infrastructure/clock/system-clock';
import { HmacPseudonymizer } from '../infrastructure/crypto/hmac-pseudonymizer';
import { encryptPersonalData } from '../infrastructure/crypto/personal-data-encryption';
import { SqliteKeyStore } from '../infrastructure/crypto/sqlite-key-store';
import { SqliteEventStore } from '../infrastructure/event-store/sqlite/sqlite-event-store';
import { createHttpApp } from '../infrastructure/http/http-app';
import { Metrics } from '../infrastructure/metrics/metrics';
import { SqliteReadStore } from '../infrastructure/read-store/sqlite/sqlite-read-store';

/**
 * Projection lag under load: `npm run build && node dist/bench/projection-lag.js [appends/s] [seconds]`
 * (default 500 for 20 s) on the embedded stores. Appends one event at a time at a steady rate (staff
 * members enrolled: every consumer reads them, staff-directory writes them), in the service's process as
 * HTTP commands would, and measures, per consumer, the
 * time from each append's recordedAt to its consumer committing it.
 */
async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const rate = Number(process.argv[2] ?? 500);
  const duration = Number(process.argv[3] ?? 20);
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-lag-'));
  const keyStore = SqliteKeyStore.open(join(dir, 'keys.sqlite'), Buffer.alloc(32, 7));
  const app = await createHttpApp(
    {
      ...encryptPersonalData(SqliteEventStore.open(join(dir, 'events.sqlite')), keyStore),
      clock: new SystemClock(),
      pseudonymizer: new HmacPseudonymizer(Buffer.alloc(32, 1)),
      readStore: SqliteReadStore.open(join(dir, 'read.sqlite')),
    },
    { logs: false, rateLimitPerMinute: 1_000_000 },
  );
  await app.init();
  const lags = new Map<string, number[]>();
  const metrics = app.get(Metrics);
  const observe = metrics.applied.bind(metrics);
  metrics.applied = (consumer: string, events: StoredEvent[]) => {
    const now = Date.now();
    const list = lags.get(consumer) ?? lags.set(consumer, []).get(consumer)!;
    for (const e of events) list.push(now - Date.parse(e.metadata.recordedAt));
    observe(consumer, events);
  };
  const store = app.get<EventStore>(EVENT_STORE);
  const meta = () => ({
    commandId: randomUUID(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor: 'system:bench',
    recordedAt: new Date().toISOString(),
  });
  const total = rate * duration;
  const started = performance.now();
  let appended = 0;
  while (appended < total) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; appended < Math.min(due, total); appended++) {
      const member = `bench${appended}`;
      await store.append(
        `staff-${member}`,
        [
          {
            eventId: randomUUID(),
            type: 'StaffMemberEnrolled',
            schemaVersion: 1,
            data: { staffId: member, name: 'bench', roles: ['counselor'] },
            metadata: meta(),
          },
        ],
        'no_stream',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const seconds = (performance.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 3000));
  console.log(`${appended} appends in ${seconds.toFixed(1)} s = ${Math.round(appended / seconds)} appends/s (target ${rate}/s)`);
  for (const [consumer, list] of lags) {
    const sorted = list.sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    console.log(`${consumer.padEnd(24)} lag p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${sorted[sorted.length - 1]} ms (${sorted.length} events)`);
  }
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
