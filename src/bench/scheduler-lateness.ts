/**
 * Scheduler lateness: 1,000 no-show jobs (sessions) due in the same instant; prints p50 / p99 / max of (run - due) per
 * adapter. BullMQ runs against REDIS_URL (default 127.0.0.1:6379) under a throw-away key prefix.
 * Run: npm run build && node dist/bench/scheduler-lateness.js
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Scheduler } from '../application/ports/scheduler';
import { SystemClock } from '../infrastructure/clock/system-clock';
import { BullMqScheduler } from '../infrastructure/scheduler/bullmq/bullmq-scheduler';
import { InProcessScheduler } from '../infrastructure/scheduler/in-process/in-process-scheduler';

const JOBS = 1000;
const clock = new SystemClock();

async function lateness(name: string, scheduler: Scheduler): Promise<void> {
  const late: number[] = [];
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  await scheduler.work(async (job) => {
    late.push(Date.now() - job.dueAt.getTime());
    if (late.length === JOBS) done();
  });
  const dueAt = new Date(Date.now() + 3_000);
  await Promise.all(Array.from({ length: JOBS }, (_, i) => scheduler.schedule({ name: 'no-show', id: `bench-${i}`, payload: { i }, dueAt })));
  await all;
  await scheduler.close();
  late.sort((a, b) => a - b);
  const at = (q: number) => late[Math.min(late.length - 1, Math.floor(q * late.length))];
  process.stdout.write(`${name}: ${JOBS} jobs due in the same instant — lateness p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${late.at(-1)} ms\n`);
}

async function main(): Promise<void> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `madoguchi-bench-${randomUUID()}`;
  await lateness('in-process', new InProcessScheduler(clock));
  await lateness('BullMQ', new BullMqScheduler(clock, { url, prefix }));
  const redis = new Redis(url);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}

void main();
