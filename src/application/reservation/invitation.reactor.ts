import { Inject, Injectable, Logger } from '@nestjs/common';
import { addDays, jstInstant, toJst } from '../../domain/calendar/business-calendar';
import { jobSeekerDecider } from '../../domain/job-seeker/job-seeker';
import { officeDecider, type OfficeClosureDayRemoved } from '../../domain/office/office';
import { reservationDecider, type ReservationRequested, type SlotConfirmed } from '../../domain/reservation/reservation';
import { ReadModels } from '../consumers/read-models';
import { deterministicUuid, type CommandContext } from '../event-sourcing/command-context';
import { EventSourcing } from '../event-sourcing/event-sourcing';
import { invitationMessage } from '../notifications/messages';
import { MESSAGE_TEMPLATES, type MessageTemplates } from '../notifications/templates';
import { CLOCK, type Clock } from '../ports/clock';
import type { StoredEvent } from '../ports/event-store';
import { MAILER, type Mailer, MailNotSent } from '../ports/mailer';
import { READ_STORE, type ReadStore } from '../ports/read-store';
import { SCHEDULER, type ScheduledJob, type Scheduler } from '../ports/scheduler';
import { PENDING_SESSIONS, PENDING_SESSIONS_CONSUMER, type PendingSession } from '../side-effects/pending-sessions';
import type { SideEffect } from '../side-effects/side-effect';
import { streams } from '../streams';

type InvitationJob = { reservationId: string; confirmationEventId: string };

/**
 * A6.3, A6.4: on SlotConfirmed (a follow-up's too), e-mail the invitation, then record InvitationSent with
 * the transport's Message-ID — or InvitationFailed with the reason, retried with backoff while the refusal
 * is temporary.
 *
 * The claim: one job per SlotConfirmed event (`invitation-<event id>`): the same event processed twice, or by
 * two instances, schedules one job, and one worker at a time holds it (BullMQ's lock; in-process, one
 * process). Right before the send it re-reads the streams and sends only while the reservation is `confirmed` (not
 * yet invited, not cancelled), its job seeker is not refused service (A12.1) and the office is open that day (OFFICE).
 * A cancellation that still crosses the send (it lands while the transport is talking) cannot undo it: the send is
 * recorded as InvitationSentAfterCancellation and the to-do list tells staff to call the job seeker. A crash between
 * the SMTP answer and the record leaves the job unfinished: it is run again on purpose and sends once more under the
 * same Message-ID (derived from the event), which mail clients use to recognise the copy — SMTP cannot be exactly-once.
 */
@Injectable()
export class InvitationReactor implements SideEffect {
  private readonly logger = new Logger(InvitationReactor.name);
  readonly name = 'invitation';
  readonly handles = ['SlotConfirmed', 'OfficeClosureDayRemoved'];
  readonly jobs = { invitation: (job: ScheduledJob) => this.invite(job.payload as InvitationJob) };

  constructor(
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    @Inject(MAILER) private readonly mailer: Mailer,
    @Inject(MESSAGE_TEMPLATES) private readonly templates: MessageTemplates,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly readModels: ReadModels,
    private readonly es: EventSourcing,
  ) {}

  async react(event: StoredEvent): Promise<void> {
    if (event.type === 'OfficeClosureDayRemoved') return this.reopened(event.eventId, event.data as OfficeClosureDayRemoved['data']);
    await this.schedule({ reservationId: (event.data as SlotConfirmed['data']).reservationId, confirmationEventId: event.eventId });
  }

  /**
   * OFFICE: the office opens again on a day it had closed. The invitations withheld for its sessions that day (see
   * `withheld`) go out now, each under a job id of its own: the first job completed without sending. Failed ones too:
   * their job's retry met the closure and completed. (A retry still in flight at that moment may send a second copy,
   * under the same Message-ID; it records nothing twice.)
   */
  private async reopened(removalEventId: string, { officeId, date }: OfficeClosureDayRemoved['data']): Promise<void> {
    await this.readModels.caughtUp(PENDING_SESSIONS_CONSUMER);
    let after: string | undefined;
    do {
      const page = await this.readStore.find<PendingSession>(PENDING_SESSIONS, {
        where: {
          invited: false,
          start: { gte: jstInstant(date).toISOString(), lt: jstInstant(addDays(date, 1)).toISOString() },
        },
        orderBy: [{ field: 'start' }],
        limit: 500,
        ...(after ? { after } : {}),
      });
      for (const session of page.items) {
        const { events } = await this.es.load(reservationDecider, streams.reservation(session.id));
        const confirmed = events.find((e) => e.eventId === session.confirmationEventId)?.data as SlotConfirmed['data'] | undefined;
        if (confirmed?.officeId !== officeId) continue;
        const job: InvitationJob = { reservationId: session.id, confirmationEventId: session.confirmationEventId };
        await this.scheduler.schedule({
          name: 'invitation',
          id: `invitation-${job.confirmationEventId}-${removalEventId}`,
          payload: job,
          dueAt: this.clock.now(),
        });
      }
      after = page.next;
    } while (after);
  }

  /**
   * Invitations a lost job left unsent, for sessions still ahead. Every minute: sessions with neither
   * InvitationSent nor InvitationFailed (a job lost with Redis or a restart). At start-up also the failed ones,
   * whose retries the in-process scheduler forgot; a permanent refusal is not retried every minute.
   */
  async sweep(startUp: boolean): Promise<void> {
    let after: string | undefined;
    do {
      const page = await this.readStore.find<PendingSession>(PENDING_SESSIONS, {
        where: {
          invited: false,
          start: { gt: this.clock.now().toISOString() },
          ...(startUp ? {} : { invitationFailedAt: { exists: false } }),
        },
        orderBy: [{ field: 'noShowDeadline' }],
        limit: 500,
        ...(after ? { after } : {}),
      });
      for (const session of page.items) await this.schedule({ reservationId: session.id, confirmationEventId: session.confirmationEventId });
      after = page.next;
    } while (after);
  }

  async invite({ reservationId, confirmationEventId }: InvitationJob): Promise<void> {
    const stream = streams.reservation(reservationId);
    const { state, events } = await this.es.load(reservationDecider, stream);
    const confirmed = events.find((e) => e.eventId === confirmationEventId && e.type === 'SlotConfirmed')?.data as SlotConfirmed['data'] | undefined;
    if (state.status !== 'confirmed' || !confirmed) return; // invited already, or cancelled, missed, moved on
    const requested = events.find((e) => e.type === 'ReservationRequested')?.data as ReservationRequested['data'];
    const office = (await this.es.load(officeDecider, streams.office(confirmed.officeId))).state;
    if (office.status !== 'open') throw new Error(`Office ${confirmed.officeId} of reservation ${reservationId} is unknown`);
    const message = invitationMessage(this.templates, {
      reservationId,
      jobSeekerId: confirmed.jobSeekerId,
      confirmationEventId,
      office: { officeId: office.officeId, name: office.name, senderEmail: office.senderEmail, cancellationPhone: office.cancellationPhone },
      to: { name: requested.name, address: requested.email },
      start: new Date(confirmed.start),
      end: new Date(confirmed.end),
      meetingUrl: confirmed.meetingUrl,
      designatedApp: confirmed.designatedApp,
      confirmedAt: new Date(confirmed.confirmedAt),
    });
    // Checked last, from the streams (a read model may lag), so that a refusal, a cancellation or a closure day can
    // cross the send only while the transport is talking; what crosses it is recorded below.
    const withheld = await this.withheld(stream, confirmed);
    if (withheld) {
      if (withheld !== 'no-longer-confirmed') this.logger.log(`Invitation for ${reservationId} not sent: ${withheld}`);
      return;
    }
    let messageId: string;
    try {
      ({ messageId } = await this.mailer.send(message));
    } catch (error) {
      if (!(error instanceof MailNotSent)) throw error;
      const failures = events.filter((e) => e.type === 'InvitationFailed').length;
      await this.es.execute(
        reservationDecider,
        stream,
        (_, now) => ({ type: 'RecordInvitationFailed' as const, reason: error.reason, now }),
        context(`invitation-failed-${failures}`, confirmationEventId),
      );
      this.logger.warn(`Invitation for ${reservationId} not sent (${error.retryable ? 'will retry' : 'permanent'}): ${error.reason}`);
      if (error.retryable) throw error;
      return;
    }
    // InvitationSent — or, when a cancellation landed meanwhile, InvitationSentAfterCancellation: the session stays
    // cancelled and the to-do list tells staff to call the job seeker.
    const recorded = await this.es.execute(
      reservationDecider,
      stream,
      (_, now) => ({ type: 'RecordInvitationSent' as const, messageId, now }),
      context('invitation-sent', confirmationEventId),
    );
    if (recorded.appended.includes('InvitationSentAfterCancellation'))
      this.logger.warn(`Invitation for ${reservationId} went out after its cancellation: listed for staff to call the job seeker`);
  }

  /**
   * Why the invitation must not go out now, read from the streams: the reservation is no longer `confirmed`, the job
   * seeker is refused service (A12.1; the refusal reactor cancels the session), or the office is closed on the session's
   * day (OFFICE: a closure that crossed the confirmation; the session is on the to-do list `onClosureDays`, for staff to
   * move and tell the job seeker — an invitation would send them to a session that will not take place).
   */
  private async withheld(stream: string, confirmed: SlotConfirmed['data']): Promise<string | undefined> {
    const [reservation, jobSeeker, office] = await Promise.all([
      this.es.load(reservationDecider, stream),
      this.es.load(jobSeekerDecider, streams.jobSeeker(confirmed.jobSeekerId)),
      this.es.load(officeDecider, streams.office(confirmed.officeId)),
    ]);
    if (reservation.state.status !== 'confirmed') return 'no-longer-confirmed';
    if (jobSeeker.state.status === 'registered' && jobSeeker.state.refusal) return 'A12.1 the job seeker is refused service';
    const day = toJst(new Date(confirmed.start)).date;
    const closure = office.state.status === 'open' ? office.state.closures.get(day) : undefined;
    if (closure !== undefined) return `OFFICE the office is closed on ${day} (${closure})`;
    return undefined;
  }

  private schedule(job: InvitationJob): Promise<void> {
    return this.scheduler.schedule({ name: 'invitation', id: `invitation-${job.confirmationEventId}`, payload: job, dueAt: this.clock.now() });
  }
}

function context(step: string, confirmationEventId: string): CommandContext {
  const commandId = deterministicUuid(step, confirmationEventId);
  return { commandId, correlationId: confirmationEventId, causationId: confirmationEventId, actor: 'system:invitation' };
}
