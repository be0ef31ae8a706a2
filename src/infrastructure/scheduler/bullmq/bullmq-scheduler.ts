import { Logger } from '@nestjs/common';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis as IORedis } from 'ioredis';
import type { Clock } from '../../../application/ports/clock';
import { assertJobId, type JobHandler, type ScheduledJob, type Scheduler } from '../../../application/ports/scheduler';

export interface BullMqSchedulerOptions {
  /** redis://… (REDIS_URL). */
  url: string;
  /** Prefix of every Redis key; tests use a unique one per run. */
  prefix?: string;
  queueName?: string;
  /** Runs of a failing job before it is given up (until scheduled again). */
  attempts?: number;
  /** First retry delay; doubles with each attempt. */
  backoffMs?: number;
  /** How long a completed id is remembered, so scheduling it again is a no-op. */
  keepCompletedSeconds?: number;
  /**
   * Jobs one worker runs at once. They wait on SQLite and Redis, not the CPU: 200 no-shows due in the same
   * instant went through 8 at a time in 25 waves (p99 3 s late); 64 at a time, ~0.9–1.4 s (src/bench/scheduler-lateness.ts).
   */
  concurrency?: number;
  /**
   * A worker that dies mid-job stops renewing its lock; after lockDuration a stalled-job check (every
   * stalledInterval) hands the job to another worker. Shorter = faster recovery, more Redis traffic.
   */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

type Data = { payload: unknown; dueAt: string };

/** Jobs as delayed BullMQ jobs in Redis: they survive restarts of the service, and every instance's worker shares them. */
export class BullMqScheduler implements Scheduler {
  private readonly logger = new Logger(BullMqScheduler.name);
  /** Commands fail (after ioredis's retries) while Redis is away, so a caller learns that scheduling did not happen. */
  private readonly queueConnection: IORedis;
  private readonly queue: Queue<Data>;
  private worker?: Worker<Data>;
  private workerConnection?: IORedis;
  private readonly options: Required<Omit<BullMqSchedulerOptions, 'url'>> & { url: string };

  constructor(
    private readonly clock: Clock,
    options: BullMqSchedulerOptions,
  ) {
    this.options = {
      prefix: 'madoguchi',
      queueName: 'jobs',
      attempts: 8,
      backoffMs: 5_000,
      keepCompletedSeconds: 7 * 24 * 3_600,
      concurrency: 64,
      lockDurationMs: 30_000,
      stalledIntervalMs: 30_000,
      ...options,
    };
    this.queueConnection = new IORedis(this.options.url);
    this.queueConnection.on('error', (error) => this.logger.warn(`Redis (queue): ${error.message}`));
    this.queue = new Queue<Data>(this.options.queueName, { connection: this.queueConnection, prefix: this.options.prefix });
    this.queue.on('error', (error) => this.logger.warn(`Queue: ${error.message}`));
  }

  /** The queue, for the supervisors' job dashboard (Bull Board; src/infrastructure/http/job-dashboard.ts). */
  dashboardQueue(): Queue<Data> {
    return this.queue;
  }

  async schedule(job: ScheduledJob): Promise<void> {
    assertJobId(job.id);
    const known = await this.queue.getJob(job.id);
    if (known) {
      if ((await known.getState()) === 'failed') await known.retry('failed');
      return;
    }
    // Two instances racing here both call add: BullMQ keeps the first job with this id and ignores the second.
    await this.queue.add(
      job.name,
      { payload: job.payload, dueAt: job.dueAt.toISOString() },
      {
        jobId: job.id,
        delay: Math.max(0, job.dueAt.getTime() - this.clock.now().getTime()),
        attempts: this.options.attempts,
        backoff: { type: 'exponential', delay: this.options.backoffMs },
        removeOnComplete: { age: this.options.keepCompletedSeconds },
        removeOnFail: false,
      },
    );
  }

  async cancel(id: string): Promise<void> {
    const job = await this.queue.getJob(id);
    if (!job) return;
    const state = await job.getState();
    // A completed id stays, so scheduling it again remains a no-op; an active job is locked and finishes.
    if (state === 'delayed' || state === 'waiting' || state === 'prioritized' || state === 'failed') await this.queue.remove(id);
  }

  async work(handler: JobHandler): Promise<void> {
    if (this.worker) throw new Error('BullMqScheduler.work was already called: one handler per scheduler');
    // A blocking worker connection must wait for Redis forever rather than fail its commands.
    this.workerConnection = new IORedis(this.options.url, { maxRetriesPerRequest: null });
    this.workerConnection.on('error', (error) => this.logger.warn(`Redis (worker): ${error.message}`));
    this.worker = new Worker<Data>(
      this.options.queueName,
      (job: Job<Data>) => handler({ name: job.name, id: job.id as string, payload: job.data.payload, dueAt: new Date(job.data.dueAt) }),
      {
        connection: this.workerConnection,
        prefix: this.options.prefix,
        concurrency: this.options.concurrency,
        lockDuration: this.options.lockDurationMs,
        stalledInterval: this.options.stalledIntervalMs,
        maxStalledCount: this.options.attempts,
      },
    );
    this.worker.on('error', (error) => this.logger.warn(`Worker: ${error.message}`));
    this.worker.on('failed', (job, error) => {
      if (job && job.attemptsMade >= this.options.attempts)
        this.logger.error(`Job ${job.name} ${job.id} gave up after ${job.attemptsMade} attempts: ${error.message}`);
    });
    await this.worker.waitUntilReady();
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    this.workerConnection?.disconnect();
    this.queueConnection.disconnect();
  }
}
