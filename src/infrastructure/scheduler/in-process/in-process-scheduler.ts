import { Logger } from '@nestjs/common';
import type { Clock } from '../../../application/ports/clock';
import { assertJobId, type JobHandler, type ScheduledJob, type Scheduler } from '../../../application/ports/scheduler';

/** The timer the in-process scheduler arms; injected so tests (and the clock) decide when "later" is. */
export interface Timers {
  setTimeout(fire: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  setTimeout: (fire, ms) => setTimeout(fire, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface InProcessSchedulerOptions {
  /** Runs of a failing job before it is given up (until scheduled again). */
  attempts?: number;
  /** First retry delay; doubles with each attempt. */
  backoffMs?: number;
  /** How long a completed id is remembered, so scheduling it again is a no-op. */
  keepCompletedMs?: number;
}

/** Node timers overflow past 2^31-1 ms: a job due later is re-armed when the longest timer fires. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

type Entry = {
  job: ScheduledJob;
  state: 'scheduled' | 'due' | 'running' | 'failed';
  attempts: number;
  runAt: number;
  timer?: unknown;
};

/**
 * The embedded default: jobs in memory, armed on timers. A restart loses them — by the port's contract the
 * callers' sweepers schedule again at start-up what is due (see ports/scheduler.ts).
 */
export class InProcessScheduler implements Scheduler {
  private readonly logger = new Logger(InProcessScheduler.name);
  private readonly entries = new Map<string, Entry>();
  /** Completed ids by completion time, oldest first (a Map keeps insertion order), pruned after keepCompletedMs. */
  private readonly completed = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private handler?: JobHandler;
  private closed = false;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly keepCompletedMs: number;

  constructor(
    private readonly clock: Clock,
    private readonly timers: Timers = systemTimers,
    options: InProcessSchedulerOptions = {},
  ) {
    this.attempts = options.attempts ?? 8;
    this.backoffMs = options.backoffMs ?? 5_000;
    this.keepCompletedMs = options.keepCompletedMs ?? 7 * 24 * 3_600_000;
  }

  async schedule(job: ScheduledJob): Promise<void> {
    assertJobId(job.id);
    this.forgetOldCompletions();
    if (this.completed.has(job.id)) return;
    const known = this.entries.get(job.id);
    if (known && known.state !== 'failed') return;
    const entry: Entry = { job: { ...job, dueAt: new Date(job.dueAt) }, state: 'scheduled', attempts: 0, runAt: job.dueAt.getTime() };
    this.entries.set(job.id, entry);
    this.arm(entry);
  }

  async cancel(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry || entry.state === 'running') return;
    if (entry.timer !== undefined) this.timers.clearTimeout(entry.timer);
    this.entries.delete(id);
  }

  async work(handler: JobHandler): Promise<void> {
    if (this.handler) throw new Error('InProcessScheduler.work was already called: one handler per scheduler');
    this.handler = handler;
    for (const entry of this.entries.values()) if (entry.state === 'due') this.run(entry);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.entries.values()) if (entry.timer !== undefined) this.timers.clearTimeout(entry.timer);
    await Promise.allSettled([...this.running]);
  }

  private arm(entry: Entry): void {
    if (this.closed) return;
    const wait = Math.max(0, entry.runAt - this.clock.now().getTime());
    entry.timer = this.timers.setTimeout(
      () => {
        entry.timer = undefined;
        if (this.entries.get(entry.job.id) !== entry) return;
        if (entry.runAt > this.clock.now().getTime()) return this.arm(entry);
        entry.state = 'due';
        if (this.handler) this.run(entry);
      },
      Math.min(wait, LONGEST_TIMER_MS),
    );
  }

  private run(entry: Entry): void {
    const handler = this.handler;
    if (!handler || this.closed) return;
    entry.state = 'running';
    entry.attempts += 1;
    const run = handler(entry.job).then(
      () => {
        this.entries.delete(entry.job.id);
        this.completed.set(entry.job.id, this.clock.now().getTime());
      },
      (error: unknown) => {
        if (entry.attempts >= this.attempts) {
          entry.state = 'failed';
          this.logger.error(`Job ${entry.job.name} ${entry.job.id} gave up after ${entry.attempts} attempts: ${String(error)}`);
          return;
        }
        entry.state = 'scheduled';
        entry.runAt = this.clock.now().getTime() + this.backoffMs * 2 ** (entry.attempts - 1);
        this.arm(entry);
      },
    );
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  private forgetOldCompletions(): void {
    const horizon = this.clock.now().getTime() - this.keepCompletedMs;
    for (const [id, at] of this.completed) {
      if (at > horizon) break;
      this.completed.delete(id);
    }
  }
}
