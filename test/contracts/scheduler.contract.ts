/** The behaviour every Scheduler adapter must have (see src/application/ports/scheduler.ts). */
import { randomUUID } from 'node:crypto';
import { InvalidJobId, type ScheduledJob, type Scheduler } from '../../src/application/ports/scheduler';
import { rejection, times, waitFor } from './event-store.fixtures';

/** What the suite needs of an adapter: retries after `backoffMs`, given up after `attempts` runs. */
export const CONTRACT_ATTEMPTS = 3;
export const CONTRACT_BACKOFF_MS = 50;

/** Records every run of a handler; a test decides per id whether a run fails. */
export class JobRecorder {
  readonly runs: (ScheduledJob & { ranAt: number })[] = [];
  readonly failures = new Map<string, number>();

  readonly handler = async (job: ScheduledJob): Promise<void> => {
    this.runs.push({ ...job, ranAt: Date.now() });
    const left = this.failures.get(job.id) ?? 0;
    if (left > 0) {
      this.failures.set(job.id, left - 1);
      throw new Error(`planned failure of ${job.id}`);
    }
  };

  runsOf(id: string): number {
    return this.runs.filter((run) => run.id === id).length;
  }

  until(id: string, count = 1): Promise<void> {
    return waitFor(() => this.runsOf(id) >= count, `${count} run(s) of ${id} (got ${this.runsOf(id)})`, 20_000);
  }
}

export const newJobId = (): string => `job-${randomUUID()}`;

export function schedulerContract(name: string, open: () => Promise<Scheduler> | Scheduler): void {
  describe(`Scheduler contract: ${name}`, () => {
    let scheduler: Scheduler;
    let recorder: JobRecorder;
    const job = (overrides: Partial<ScheduledJob> = {}): ScheduledJob => ({
      name: 'no-show',
      id: newJobId(),
      payload: { reservationId: randomUUID() },
      dueAt: new Date(),
      ...overrides,
    });
    /** A job scheduled after the others and due with them: once it ran, a duplicate would have run too. */
    const afterTheOthers = async (): Promise<void> => {
      const last = job();
      await scheduler.schedule(last);
      await recorder.until(last.id);
    };

    beforeEach(async () => {
      scheduler = await open();
      recorder = new JobRecorder();
      await scheduler.work(recorder.handler);
    });

    afterEach(async () => {
      await scheduler.close();
    });

    it('runs a due job once with its name, id, payload and due instant', async () => {
      const due = job({ payload: { reservationId: 'r-1', start: '2026-12-01T05:00:00.000Z', nested: { n: 3 } } });

      await scheduler.schedule(due);
      await recorder.until(due.id);
      await afterTheOthers();

      expect(recorder.runs.filter((run) => run.id === due.id)).toEqual([
        { name: 'no-show', id: due.id, payload: due.payload, dueAt: due.dueAt, ranAt: expect.any(Number) },
      ]);
    });

    it('does not run a job before its due instant', async () => {
      const later = job({ dueAt: new Date(Date.now() + 400) });

      await scheduler.schedule(later);
      await recorder.until(later.id);

      expect(recorder.runs[0].ranAt).toBeGreaterThanOrEqual(later.dueAt.getTime());
    });

    it('treats scheduling the same id again as a no-op, before and after it ran', async () => {
      const once = job({ dueAt: new Date(Date.now() + 100) });

      await Promise.all([scheduler.schedule(once), scheduler.schedule(once), scheduler.schedule({ ...once, payload: { other: true } })]);
      await recorder.until(once.id);
      await scheduler.schedule(once);
      await afterTheOthers();

      expect(recorder.runsOf(once.id)).toBe(1);
      expect(recorder.runs.find((run) => run.id === once.id)?.payload).toEqual(once.payload);
    });

    it('cancels a job that has not started, and ignores unknown ids', async () => {
      const cancelled = job({ dueAt: new Date(Date.now() + 300) });
      await scheduler.schedule(cancelled);

      await scheduler.cancel(cancelled.id);
      await scheduler.cancel(newJobId());
      const last = job({ dueAt: new Date(Date.now() + 400) });
      await scheduler.schedule(last);
      await recorder.until(last.id);

      expect(recorder.runsOf(cancelled.id)).toBe(0);
    });

    it('keeps a completed id after a cancel, so scheduling it again is still a no-op', async () => {
      const done = job();
      await scheduler.schedule(done);
      await recorder.until(done.id);

      await scheduler.cancel(done.id);
      await scheduler.schedule(done);
      await afterTheOthers();

      expect(recorder.runsOf(done.id)).toBe(1);
    });

    it('runs a failing job again until it succeeds (at least once)', async () => {
      const flaky = job();
      recorder.failures.set(flaky.id, CONTRACT_ATTEMPTS - 1);

      await scheduler.schedule(flaky);
      await recorder.until(flaky.id, CONTRACT_ATTEMPTS);
      await afterTheOthers();

      expect(recorder.runsOf(flaky.id)).toBe(CONTRACT_ATTEMPTS);
      expect(recorder.failures.get(flaky.id)).toBe(0);
    });

    it('gives a job up after its attempts, and runs it again when it is scheduled again', async () => {
      const broken = job();
      recorder.failures.set(broken.id, CONTRACT_ATTEMPTS);
      await scheduler.schedule(broken);
      await recorder.until(broken.id, CONTRACT_ATTEMPTS);
      await afterTheOthers();
      expect(recorder.runsOf(broken.id)).toBe(CONTRACT_ATTEMPTS);

      // What a sweeper does when it finds the no-show still unrecorded.
      await scheduleUntilRun(scheduler, broken, recorder, CONTRACT_ATTEMPTS + 1);

      expect(recorder.runsOf(broken.id)).toBe(CONTRACT_ATTEMPTS + 1);
    });

    it('runs 100 jobs due at the same moment each exactly once', async () => {
      const dueAt = new Date(Date.now() + 200);
      const jobs = times(100, () => job({ dueAt }));

      await Promise.all(jobs.flatMap((each) => [scheduler.schedule(each), scheduler.schedule(each)]));
      await waitFor(() => jobs.every((each) => recorder.runsOf(each.id) > 0), 'every job to run', 20_000);
      await afterTheOthers();

      expect(jobs.map((each) => recorder.runsOf(each.id))).toEqual(jobs.map(() => 1));
    });

    it.each(['', '12345', 'job:1', 'job 1', 'ジョブ', 'x'.repeat(201)])('refuses the job id %j with InvalidJobId', async (id) => {
      expect(await rejection(scheduler.schedule(job({ id })))).toBeInstanceOf(InvalidJobId);
    });
  });
}

/**
 * The last failed run is recorded by the handler before the adapter marks the job given up; scheduling in
 * between is a no-op (the job is still known). Schedule again until the new run happens.
 */
async function scheduleUntilRun(scheduler: Scheduler, job: ScheduledJob, recorder: JobRecorder, runs: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (recorder.runsOf(job.id) < runs) {
    if (Date.now() > deadline) throw new Error(`${job.id} did not run again after being scheduled again`);
    await scheduler.schedule(job);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
