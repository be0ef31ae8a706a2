import type { Reactor } from '../consumers/reactor';
import type { ScheduledJob } from '../ports/scheduler';

/**
 * A reactor that also runs scheduled jobs, and re-derives what is due at start-up and every minute (its
 * sweeper), because a scheduler may lose jobs (see ports/scheduler.ts).
 */
export interface SideEffect extends Reactor {
  /** The job names it runs, and how. */
  readonly jobs: Readonly<Record<string, (job: ScheduledJob) => Promise<void>>>;
  /** Schedules again (under the same ids) what is due; `startUp`: everything pending, also later. */
  sweep(startUp: boolean): Promise<void>;
}

export const SIDE_EFFECTS = Symbol('SideEffects');
