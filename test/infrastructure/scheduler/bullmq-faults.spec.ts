/**
 * Fault tests of the BullMQ scheduler against real Redis processes: a worker killed mid-job, and Redis
 * stopped and restarted while jobs fall due. Figures are printed; the assertions are on effects.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScheduledJob } from '../../../src/application/ports/scheduler';
import { SystemClock } from '../../../src/infrastructure/clock/system-clock';
import { BullMqScheduler, type BullMqSchedulerOptions } from '../../../src/infrastructure/scheduler/bullmq/bullmq-scheduler';
import { JobRecorder, newJobId } from '../../contracts/scheduler.contract';
import { times, waitFor } from '../../contracts/event-store.fixtures';
import { dropPrefix, REDIS_URL, requireRedis, uniquePrefix } from './redis.fixtures';

const clock = new SystemClock();
const CHILD = join(__dirname, 'fixtures', 'bullmq-worker-child.js');
/** How long Redis stays down in the restart test; the 60 s: REDIS_OUTAGE_MS=60000. */
const OUTAGE_MS = Number(process.env.REDIS_OUTAGE_MS ?? 5_000);

const noShow = (dueAt: Date): ScheduledJob => ({ name: 'no-show', id: newJobId(), payload: { reservationId: newJobId() }, dueAt });

/** The handler's effect, idempotent like the deciders: a second SessionMissed for one id changes nothing. */
class Effects extends JobRecorder {
  readonly applied = new Set<string>();
  readonly record = async (job: ScheduledJob): Promise<void> => {
    await this.handler(job);
    this.applied.add(job.id);
  };
}

describe('BullMQ scheduler faults', () => {
  describe('a worker killed mid-job (SIGKILL)', () => {
    const prefix = uniquePrefix();
    beforeAll(() => requireRedis());
    afterAll(() => dropPrefix(prefix));

    it('has its job run again by another worker once the lock expires, and only once', async () => {
      const options: BullMqSchedulerOptions = { url: REDIS_URL, prefix, queueName: 'killed', lockDurationMs: 1_000, stalledIntervalMs: 500 };
      const child = fork(CHILD, [], { execArgv: [] });
      const started: string[] = [];
      const ready = new Promise<void>((resolve) =>
        child.on('message', (message: { ready?: boolean; started?: string }) => {
          if (message.ready) resolve();
          if (message.started) started.push(message.started);
        }),
      );
      child.send(options);
      await ready;
      const producer = new BullMqScheduler(clock, options);
      const job = noShow(new Date());
      try {
        await producer.schedule(job);
        await waitFor(() => started.includes(job.id), 'the child to start the job', 20_000);

        const killedAt = Date.now();
        await kill(child);
        const effects = new Effects();
        await producer.work(effects.record);
        await effects.until(job.id);
        const recoveredAfterMs = Date.now() - killedAt;
        await waitFor(() => effects.applied.has(job.id), 'the effect', 5_000);

        console.log(
          `worker killed mid-job: started ${started.length}× in the killed worker, re-run after ${recoveredAfterMs} ms, runs after the kill ${effects.runsOf(job.id)}`,
        );
        expect(started).toEqual([job.id]);
        expect(effects.runsOf(job.id)).toBe(1);
      } finally {
        child.kill('SIGKILL');
        await producer.close();
      }
    });
  });

  describe(`Redis stopped for ${OUTAGE_MS / 1000} s and restarted`, () => {
    let redis: OwnRedis;
    beforeAll(async () => {
      redis = await OwnRedis.start();
    });
    afterAll(async () => {
      await redis?.stop();
      redis?.remove();
    });

    it('runs every job that fell due before, during and after the outage, each once in effect', async () => {
      const scheduler = new BullMqScheduler(clock, { url: redis.url, prefix: uniquePrefix(), queueName: 'outage', backoffMs: 200 });
      const effects = new Effects();
      try {
        await scheduler.work(effects.record);
        const now = Date.now();
        const before = times(20, () => noShow(new Date(now)));
        const during = times(100, (i) => noShow(new Date(now + 1_500 + (i * (OUTAGE_MS - 1_000)) / 100)));
        const after = times(20, () => noShow(new Date(now + 1_500 + OUTAGE_MS + 500)));
        const all = [...before, ...during, ...after];
        await Promise.all(all.map((job) => scheduler.schedule(job)));
        await waitFor(() => before.every((job) => effects.applied.has(job.id)), 'the jobs due before the outage', 20_000);

        await redis.stop();
        const ranWhileDown = effects.runs.length;
        await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
        const runsDuringOutage = effects.runs.length - ranWhileDown;
        await redis.start();
        const restartedAt = Date.now();
        await waitFor(() => all.every((job) => effects.applied.has(job.id)), 'every job after the restart', 60_000);
        const caughtUpMs = Date.now() - restartedAt;

        const runsPerJob = all.map((job) => effects.runsOf(job.id));
        console.log(
          `Redis down ${OUTAGE_MS} ms: ${all.length} jobs, ${effects.applied.size} applied, ${effects.runs.length} runs ` +
            `(${runsPerJob.filter((n) => n > 1).length} run twice), ${runsDuringOutage} runs while down, all done ${caughtUpMs} ms after restart`,
        );
        expect(effects.applied.size).toBe(all.length);
        expect(runsDuringOutage).toBe(0);
        expect(runsPerJob.every((n) => n >= 1)).toBe(true);
      } finally {
        await scheduler.close();
      }
    }, 120_000);
  });
});

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of the test's own on a free port, with an append-only file, so what it held survives a restart. */
class OwnRedis {
  private process?: ChildProcess;
  private constructor(
    private readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort(), mkdtempSync(join(tmpdir(), 'madoguchi-redis-')));
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.process = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''],
      {
        stdio: 'ignore',
      },
    );
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await requireRedis(this.url);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** SIGTERM: redis-server shuts down as an operator's stop would, flushing its append-only file. */
  async stop(): Promise<void> {
    const running = this.process;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
