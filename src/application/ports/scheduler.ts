/**
 * The scheduler port: run a named job with a payload at (or soon after) a due instant — the 10-minute
 * no-show deadline (A6.5), invitation retries (A6.3).
 *
 * The contract every adapter keeps (test/contracts/scheduler.contract.ts):
 * - **Deterministic ids.** The caller derives a job's id from what it is about (an event id, a reservation
 *   id), so that scheduling it twice — two instances reacting to one event, a replay, a sweeper — is a
 *   no-op while the first is known. Ids are 1–200 characters of `A–Z a–z 0–9 _ . -`, not only digits
 *   (BullMQ refuses integer ids and `:`); anything else is refused with `InvalidJobId`.
 * - **At least once.** A job runs on or after its due instant; a handler that throws, or a worker that dies
 *   mid-job, has the job run again (with backoff) until it succeeds or its attempts are used up. A handler
 *   must therefore end in an idempotent command (the deciders refuse a second SessionMissed).
 * - **Cancel** removes a job that has not started; a job already running finishes (the handler re-checks
 *   the state it acts on). Cancelling an unknown id is a no-op.
 * - **Scheduling again after giving up.** Scheduling the id of a job whose attempts were used up runs it
 *   again; scheduling the id of a job that completed is a no-op.
 * - **Nothing is lost because callers re-derive it.** The BullMQ adapter keeps jobs in Redis across restarts
 *   of the service; the in-process adapter keeps them in memory and loses them on restart. Either can lose a
 *   job (a flushed or lost Redis, a restart), so every user of this port owns a **sweeper**: at start-up and
 *   periodically it re-derives from its own records (the event store, read models) what is due or overdue
 *   and schedules it again under the same id. That, not the adapter, is what makes the embedded default
 *   lose nothing across a restart.
 */
export interface ScheduledJob<Payload = unknown> {
  /** What kind of job (the handler dispatches on it), e.g. 'no-show'. */
  name: string;
  /** Deterministic id: see the contract above. */
  id: string;
  payload: Payload;
  dueAt: Date;
}

/** Runs one job; throwing has it retried. */
export type JobHandler = (job: ScheduledJob) => Promise<void>;

export interface Scheduler {
  /** Schedules the job; a job with the same id already scheduled, running or completed makes this a no-op. */
  schedule(job: ScheduledJob): Promise<void>;
  /** Removes a job that has not started yet. */
  cancel(id: string): Promise<void>;
  /** Starts running due jobs through the handler (one handler per scheduler; call once). */
  work(handler: JobHandler): Promise<void>;
  /** Stops the worker (a running job finishes first) and releases connections. */
  close(): Promise<void>;
}

export const SCHEDULER = Symbol('Scheduler');

export class InvalidJobId extends Error {
  constructor(readonly id: string) {
    super(`Job id ${JSON.stringify(id)} is not 1–200 characters of A–Z a–z 0–9 _ . - with at least one non-digit`);
    this.name = 'InvalidJobId';
  }
}

const JOB_ID = /^[A-Za-z0-9_.-]{1,200}$/;

/** Every adapter checks ids the same way, so a caller's id that works in-process also works on BullMQ. */
export function assertJobId(id: string): void {
  if (!JOB_ID.test(id) || /^\d+$/.test(id)) throw new InvalidJobId(id);
}
