import type { Clock } from '../../../src/application/ports/clock';
import type { Timers } from '../../../src/infrastructure/scheduler/in-process/in-process-scheduler';

/** A clock the test sets by hand. */
export interface SettableClock extends Clock {
  set(iso: string): void;
}

/** Timers that fire when the test moves its clock past them (a delay of 0 fires at once). */
export class ClockTimers implements Timers {
  private readonly pending = new Set<{ at: number; fire: () => void }>();
  constructor(private readonly clock: SettableClock) {}

  setTimeout(fire: () => void, ms: number): unknown {
    if (ms <= 0) return setImmediate(fire);
    const timer = { at: this.clock.now().getTime() + ms, fire };
    this.pending.add(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    if (!this.pending.delete(handle as { at: number; fire: () => void })) clearImmediate(handle as NodeJS.Immediate);
  }

  advanceTo(iso: string): void {
    this.clock.set(iso);
    for (const timer of [...this.pending]) {
      if (timer.at > this.clock.now().getTime()) continue;
      this.pending.delete(timer);
      timer.fire();
    }
  }
}
