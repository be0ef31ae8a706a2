import type { ScheduledJob } from '../../../src/application/ports/scheduler';
import { InProcessScheduler } from '../../../src/infrastructure/scheduler/in-process/in-process-scheduler';
import { waitFor } from '../../contracts/event-store.fixtures';
import { ClockTimers, type SettableClock } from './clock-timers';

class ManualClock implements SettableClock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
}

describe('InProcessScheduler on the injected clock and timers', () => {
  const clock = new ManualClock(new Date('2026-11-26T01:00:00.000Z'));
  const timers = new ClockTimers(clock);
  const scheduler = new InProcessScheduler(clock, timers, { backoffMs: 60_000 });
  const ran: ScheduledJob[] = [];

  beforeAll(() => scheduler.work(async (job) => void ran.push(job)));
  afterAll(() => scheduler.close());

  it('runs a job due in 40 days (beyond the longest Node timer) when the clock reaches it, not before', async () => {
    const dueAt = new Date('2027-01-05T05:10:00.000Z');
    await scheduler.schedule({ name: 'no-show', id: 'no-show-far', payload: {}, dueAt });

    timers.advanceTo('2026-12-22T00:00:00.000Z'); // the first, longest timer fires: re-armed, not run
    timers.advanceTo('2027-01-05T05:09:59.999Z');
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toHaveLength(0);

    timers.advanceTo('2027-01-05T05:10:00.000Z');
    await waitFor(() => ran.length === 1, 'the job');
    expect(ran[0]).toMatchObject({ id: 'no-show-far', dueAt });
  });
});
