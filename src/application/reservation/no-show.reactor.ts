import { Inject, Injectable, Logger } from '@nestjs/common';
import { jobSeekerDecider } from '../../domain/job-seeker/job-seeker';
import { noShowDeadline } from '../../domain/calendar/business-calendar';
import { reservationDecider, type SlotConfirmed } from '../../domain/reservation/reservation';
import { deterministicUuid, type CommandContext } from '../event-sourcing/command-context';
import { EventSourcing } from '../event-sourcing/event-sourcing';
import { CLOCK, type Clock } from '../ports/clock';
import type { StoredEvent } from '../ports/event-store';
import { READ_STORE, type ReadStore } from '../ports/read-store';
import { SCHEDULER, type ScheduledJob, type Scheduler } from '../ports/scheduler';
import { PENDING_SESSIONS, type PendingSession } from '../side-effects/pending-sessions';
import type { SideEffect } from '../side-effects/side-effect';
import { streams } from '../streams';

const SWEEP_PAGE = 500;

/**
 * A6.5: ten minutes after a confirmed start without check-in, the session is missed (SessionMissed), then
 * counted on the job seeker (CountNoShow). The job (`no-show-<reservation>`) is scheduled on SlotConfirmed
 * and cancelled by check-in or cancellation. Exactly once in effect: both commands carry command ids derived
 * from the reservation, and the deciders refuse a second SessionMissed and a second count of one reservation,
 * so a job that fires twice, late, or on two instances records nothing more; a job lost with Redis or a
 * restart is found by the sweeper (pending sessions whose deadline passed).
 */
@Injectable()
export class NoShowReactor implements SideEffect {
  private readonly logger = new Logger(NoShowReactor.name);
  readonly name = 'no-show';
  readonly handles = ['SlotConfirmed', 'CheckedIn', 'ReservationCancelled'];
  readonly jobs = { 'no-show': (job: ScheduledJob) => this.markMissed((job.payload as { reservationId: string }).reservationId) };

  constructor(
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly es: EventSourcing,
  ) {}

  async react(event: StoredEvent): Promise<void> {
    const { reservationId } = event.data as { reservationId: string };
    if (event.type === 'SlotConfirmed') {
      await this.schedule(reservationId, noShowDeadline(new Date((event.data as SlotConfirmed['data']).start)));
    } else {
      await this.scheduler.cancel(jobId(reservationId));
    }
  }

  async sweep(startUp: boolean): Promise<void> {
    const until = startUp ? undefined : this.clock.now().toISOString();
    let after: string | undefined;
    do {
      const page = await this.readStore.find<PendingSession>(PENDING_SESSIONS, {
        ...(until ? { where: { noShowDeadline: { lte: until } } } : {}),
        orderBy: [{ field: 'noShowDeadline' }],
        limit: SWEEP_PAGE,
        ...(after ? { after } : {}),
      });
      for (const session of page.items) await this.schedule(session.id, new Date(session.noShowDeadline));
      after = page.next;
    } while (after);
  }

  /** Records SessionMissed (when still confirmed or invited), then counts it on the job seeker. */
  async markMissed(reservationId: string): Promise<void> {
    const stream = streams.reservation(reservationId);
    await this.es.execute(reservationDecider, stream, (_, now) => ({ type: 'MarkMissed' as const, now }), context('mark-missed', reservationId));
    const { state } = await this.es.load(reservationDecider, stream);
    if (state.status !== 'missed') return; // checked in, cancelled or completed in time
    await this.es.execute(
      jobSeekerDecider,
      streams.jobSeeker(state.jobSeekerId),
      () => ({ type: 'CountNoShow' as const, reservationId }),
      context('count-no-show', reservationId),
    );
    this.logger.log(`Session ${reservationId} missed (A6.5)`);
  }

  private schedule(reservationId: string, dueAt: Date): Promise<void> {
    return this.scheduler.schedule({ name: 'no-show', id: jobId(reservationId), payload: { reservationId }, dueAt });
  }
}

const jobId = (reservationId: string) => `no-show-${reservationId}`;

function context(step: string, reservationId: string): CommandContext {
  const commandId = deterministicUuid(step, reservationId);
  return { commandId, correlationId: reservationId, causationId: commandId, actor: 'system:no-show' };
}
