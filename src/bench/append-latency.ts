/**
 * Append latency of the embedded event store as the service opens it (SQLite, WAL synced off the
 * event loop before an append resolves, group commit), behind the encryption of personal data: one appender at a time, then `concurrency` appenders at once
 * (their appends share group commits). Each append is a new stream with one event of a job seeker's personal data.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptPersonalData } from '../infrastructure/crypto/personal-data-encryption';
import { SqliteKeyStore } from '../infrastructure/crypto/sqlite-key-store';
import { SqliteEventStore } from '../infrastructure/event-store/sqlite/sqlite-event-store';
import type { EventStore } from '../application/ports/event-store';

export interface AppendFigures {
  what: string;
  appends: number;
  perSecond: number;
  p50: number;
  p99: number;
}

function registered(jobSeekerId: string) {
  return {
    eventId: randomUUID(),
    type: 'JobSeekerRegistered',
    schemaVersion: 1,
    data: { jobSeekerId, jobSeekerNo: '3301012345678', registration: 'full', name: '負荷 試験', email: 'bench@example.jp' },
    metadata: {
      commandId: randomUUID(),
      correlationId: randomUUID(),
      causationId: randomUUID(),
      actor: 'bench',
      recordedAt: new Date().toISOString(),
    },
  };
}

async function appendMany(store: EventStore, what: string, concurrency: number, seconds: number): Promise<AppendFigures> {
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        const subject = randomUUID();
        await store.append(`job-seeker-${subject}`, [registered(subject)], 'no_stream');
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 10) / 10;
  return { what, appends: latencies.length, perSecond: Math.round(latencies.length / elapsed), p50: at(0.5), p99: at(0.99) };
}

/** Single, then concurrent appends, each for `seconds`, on a fresh store; a new job seeker (a new key) per append. */
export async function appendLatency(concurrency: number, seconds: number): Promise<AppendFigures[]> {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-append-'));
  const keyStore = SqliteKeyStore.open(join(dir, 'keys.sqlite'), Buffer.alloc(32, 7));
  const { eventStore } = encryptPersonalData(SqliteEventStore.open(join(dir, 'events.sqlite')), keyStore);
  try {
    return [
      await appendMany(eventStore, 'append, one appender (new stream + new key each)', 1, seconds),
      await appendMany(eventStore, `append, ${concurrency} appenders at once (group commit)`, concurrency, seconds),
    ];
  } finally {
    await eventStore.close();
    await keyStore.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
