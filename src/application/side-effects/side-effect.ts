import type { Reactor } from '../consumers/reactor';
import type { ScheduledJob } from '../ports/scheduler';

/** Re-derives from its own records what is due, at start-up and every minute (SideEffects runs it as a scheduled job). */
export interface Sweeper {
  /** `startUp`: everything pending, also later; otherwise what is due or overdue now. */
  sweep(startUp: boolean): Promise<unknown>;
}

/**
 * A reactor that also runs scheduled jobs, and re-derives what is due at start-up and every minute (its
 * sweeper), because a scheduler may lose jobs (see ports/scheduler.ts).
 */
export interface SideEffect extends Reactor, Sweeper {
  /** The job names it runs, and how. */
  readonly jobs: Readonly<Record<string, (job: ScheduledJob) => Promise<void>>>;
  /** Schedules again (under the same ids) what is due; `startUp`: everything pending, also later. */
  sweep(startUp: boolean): Promise<void>;
}

export const SIDE_EFFECTS = Symbol('SideEffects');
