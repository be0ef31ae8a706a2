import { Inject, Injectable, Logger } from '@nestjs/common';
import { jobSeekerDecider } from '../../domain/job-seeker/job-seeker';
import { officeDecider } from '../../domain/office/office';
import { reservationDecider, type ReservationRequested, type SlotConfirmed } from '../../domain/reservation/reservation';
import { deterministicUuid, type CommandContext } from '../event-sourcing/command-context';
import { EventSourcing } from '../event-sourcing/event-sourcing';
import { invitationMessage } from '../notifications/messages';
import { MESSAGE_TEMPLATES, type MessageTemplates } from '../notifications/templates';
import { CLOCK, type Clock } from '../ports/clock';
import type { StoredEvent } from '../ports/event-store';
import { MAILER, type Mailer, MailNotSent } from '../ports/mailer';
import { READ_STORE, type ReadStore } from '../ports/read-store';
import { SCHEDULER, type ScheduledJob, type Scheduler } from '../ports/scheduler';
import { PENDING_SESSIONS, type PendingSession } from '../side-effects/pending-sessions';
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
 * process). The job re-reads the reservation first and sends only while it is `confirmed` (not yet invited,
 * not cancelled) and its job seeker is not refused service (A12.1). A crash between the SMTP answer and InvitationSent leaves the job unfinished: it is run
 * again on purpose and sends once more under the same Message-ID (derived from the event), which mail
 * clients use to recognise the copy — SMTP cannot be exactly-once.
 */
@Injectable()
export class InvitationReactor implements SideEffect {
  private readonly logger = new Logger(InvitationReactor.name);
  readonly name = 'invitation';
  readonly handles = ['SlotConfirmed'];
  readonly jobs = { invitation: (job: ScheduledJob) => this.invite(job.payload as InvitationJob) };

  constructor(
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    @Inject(MAILER) private readonly mailer: Mailer,
    @Inject(MESSAGE_TEMPLATES) private readonly templates: MessageTemplates,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly es: EventSourcing,
  ) {}

  async react(event: StoredEvent): Promise<void> {
    await this.schedule({ reservationId: (event.data as SlotConfirmed['data']).reservationId, confirmationEventId: event.eventId });
  }

  /** At start-up only: invitations of sessions still ahead that were never sent (a job lost with a restart). */
  async sweep(startUp: boolean): Promise<void> {
    if (!startUp) return;
    let after: string | undefined;
    do {
      const page = await this.readStore.find<PendingSession>(PENDING_SESSIONS, {
        where: { invited: false, start: { gt: this.clock.now().toISOString() } },
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
      confirmationEventId,
      office: { officeId: office.officeId, name: office.name, senderEmail: office.senderEmail, cancellationPhone: office.cancellationPhone },
      to: { name: requested.name, address: requested.email },
      start: new Date(confirmed.start),
      end: new Date(confirmed.end),
      meetingUrl: confirmed.meetingUrl,
      designatedApp: confirmed.designatedApp,
      confirmedAt: new Date(confirmed.confirmedAt),
    });
    // A12.1: never invite a job seeker refused service (the refusal reactor cancels the session). Checked last, with the
    // reservation again, so that a refusal or cancellation can cross the send only while SMTP is talking.
    if (!(await this.stillToInvite(stream, confirmed.jobSeekerId))) return;
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
    await this.es.execute(
      reservationDecider,
      stream,
      (_, now) => ({ type: 'RecordInvitationSent' as const, messageId, now }),
      context('invitation-sent', confirmationEventId),
    );
  }

  private async stillToInvite(stream: string, jobSeekerId: string): Promise<boolean> {
    const [reservation, jobSeeker] = await Promise.all([
      this.es.load(reservationDecider, stream),
      this.es.load(jobSeekerDecider, streams.jobSeeker(jobSeekerId)),
    ]);
    return reservation.state.status === 'confirmed' && !(jobSeeker.state.status === 'registered' && jobSeeker.state.refusal);
  }

  private schedule(job: InvitationJob): Promise<void> {
    return this.scheduler.schedule({ name: 'invitation', id: `invitation-${job.confirmationEventId}`, payload: job, dueAt: this.clock.now() });
  }
}

function context(step: string, confirmationEventId: string): CommandContext {
  const commandId = deterministicUuid(step, confirmationEventId);
  return { commandId, correlationId: confirmationEventId, causationId: confirmationEventId, actor: 'system:invitation' };
}
