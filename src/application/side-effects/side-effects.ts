import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConsumerRuntime } from '../consumers/consumer-runtime';
import { ReactorConsumer } from '../consumers/reactor';
import { ReadModels } from '../consumers/read-models';
import { CLOCK, type Clock } from '../ports/clock';
import type { EventStore } from '../ports/event-store';
import { READ_STORE, type ReadStore } from '../ports/read-store';
import { SCHEDULER, type ScheduledJob, type Scheduler } from '../ports/scheduler';
import { EVENT_STORE } from '../ports/tokens';
import { RefusalReactor } from '../job-seeker/refusal.reactor';
import { MailErasureReactor } from '../privacy/mail-erasure.reactor';
import { ConfirmationRecovery } from '../reservation/confirmation-recovery';
import { InvitationReactor } from '../reservation/invitation.reactor';
import { NoShowReactor } from '../reservation/no-show.reactor';
import { SlotReleaseReactor } from '../reservation/slot-release.reactor';
import { TermsNoticeReactor } from '../terms/terms-notice.reactor';
import { PENDING_SESSIONS_CONSUMER } from './pending-sessions';
import type { SideEffect, Sweeper } from './side-effect';

const MINUTE_MS = 60_000;

/**
 * Runs the reactors (each a consumer from its own checkpoint, on their own ConsumerRuntime) and the one
 * worker of the scheduler, which hands every job to the reactor that runs its name. The sweepers (the side
 * effects' and ConfirmationRecovery's) run once at start-up (everything pending) and then every minute as a
 * scheduled job whose id is the minute (`sweep-202612010514`), so several instances sweep once a minute
 * between them, with no timer of their own.
 */
@Injectable()
export class SideEffects implements OnApplicationBootstrap {
  private readonly logger = new Logger(SideEffects.name);
  readonly runtime: ConsumerRuntime;
  private readonly effects: SideEffect[];
  private readonly sweepers: Sweeper[];
  /** Resolves once the start-up sweep is done (tests and readiness wait on it). */
  started: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(READ_STORE) readStore: ReadStore,
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly readModels: ReadModels,
    noShow: NoShowReactor,
    invitation: InvitationReactor,
    termsNotice: TermsNoticeReactor,
    slotRelease: SlotReleaseReactor,
    refusal: RefusalReactor,
    mailErasure: MailErasureReactor,
    recovery: ConfirmationRecovery,
  ) {
    this.effects = [noShow, invitation, termsNotice];
    this.sweepers = [...this.effects, recovery];
    this.runtime = new ConsumerRuntime(
      store,
      [...this.effects, slotRelease, refusal, mailErasure].map((reactor) => new ReactorConsumer(reactor, readStore)),
      clock,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.scheduler.work((job) => this.run(job));
    await this.runtime.start();
    this.started = this.sweepAtStartUp();
  }

  /** Before the stores close. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.runtime.stop();
    await this.scheduler.close();
  }

  private async run(job: ScheduledJob): Promise<void> {
    if (job.name === 'sweep') {
      await this.scheduleNextSweep();
      for (const sweeper of this.sweepers) await sweeper.sweep(false);
      return;
    }
    const handler = this.effects.find((effect) => job.name in effect.jobs)?.jobs[job.name];
    if (!handler) throw new Error(`No side effect runs jobs named ${job.name}`);
    await handler(job);
  }

  private async sweepAtStartUp(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.readModels.caughtUp(PENDING_SESSIONS_CONSUMER);
        for (const sweeper of this.sweepers) await sweeper.sweep(true);
        await this.scheduleNextSweep();
        return;
      } catch (error) {
        if (this.stopping) return;
        this.logger.warn(`Start-up sweep, attempt ${attempt}: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** attempt)).unref());
      }
    }
  }

  private scheduleNextSweep(): Promise<void> {
    const next = new Date((Math.floor(this.clock.now().getTime() / MINUTE_MS) + 1) * MINUTE_MS);
    const minute = next.toISOString().slice(0, 16).replace(/[-T:]/g, '');
    return this.scheduler.schedule({ name: 'sweep', id: `sweep-${minute}`, payload: {}, dueAt: next });
  }
}
