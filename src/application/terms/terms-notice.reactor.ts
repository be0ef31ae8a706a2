import { Inject, Injectable, Logger } from '@nestjs/common';
import { jstInstant } from '../../domain/calendar/business-calendar';
import { jobSeekerDecider } from '../../domain/job-seeker/job-seeker';
import { officeDecider } from '../../domain/office/office';
import { reservationDecider, type ReservationRequested } from '../../domain/reservation/reservation';
import { termsDecider, type TermsVersionPublished } from '../../domain/terms/terms';
import { ReadModels } from '../consumers/read-models';
import { deterministicUuid, type CommandContext } from '../event-sourcing/command-context';
import { EventSourcing } from '../event-sourcing/event-sourcing';
import { termsNoticeMessage } from '../notifications/messages';
import { MESSAGE_TEMPLATES, type MessageTemplates } from '../notifications/templates';
import { CLOCK, type Clock } from '../ports/clock';
import type { StoredEvent } from '../ports/event-store';
import { MAILER, type Mailer, MailNotSent } from '../ports/mailer';
import { READ_STORE, type ReadStore } from '../ports/read-store';
import { SCHEDULER, type ScheduledJob, type Scheduler } from '../ports/scheduler';
import { PENDING_SESSIONS, PENDING_SESSIONS_CONSUMER, type PendingSession } from '../side-effects/pending-sessions';
import type { SideEffect } from '../side-effects/side-effect';
import { streams } from '../streams';

type TermsNoticeJob = { publishedEventId: string; jobSeekerId: string; reservationId: string };
type Published = TermsVersionPublished['data'];

/**
 * A13: publishing a terms version e-mails its notice, once, to every job seeker with a session on or after
 * its effective date — sessions confirmed before the publication: a confirmation after it already needed
 * consent to the new version. The notice is recorded on the job seeker (TermsNoticeSent with the Message-ID,
 * or TermsNoticeFailed when refused for good).
 *
 * Claim before sending, record after, as the invitation does: one job per version and job seeker
 * (`terms-notice-<uuid of event id and job seeker>`), so the event processed twice or by two instances
 * schedules one job, held by one worker at a time (BullMQ's lock; in-process, one process). The job re-reads
 * the job seeker and sends only while no notice of this version is recorded. A crash between the SMTP answer
 * and the record runs the job again and sends once more under the same Message-ID (SMTP cannot be
 * exactly-once). The start-up sweep schedules again what a restart or a lost Redis forgot; the job's check
 * makes that a no-op for everyone already notified.
 */
@Injectable()
export class TermsNoticeReactor implements SideEffect {
  private readonly logger = new Logger(TermsNoticeReactor.name);
  readonly name = 'terms-notice';
  readonly handles = ['TermsVersionPublished'];
  readonly jobs = { 'terms-notice': (job: ScheduledJob) => this.notify(job.payload as TermsNoticeJob) };

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
    await this.scheduleNotices(event.eventId, event.data as Published);
  }

  /** At start-up: every version's notices again (the jobs' ids and checks make it a no-op for those done). */
  async sweep(startUp: boolean): Promise<void> {
    if (!startUp) return;
    const { events } = await this.es.load(termsDecider, streams.terms());
    for (const event of events) await this.scheduleNotices(event.eventId, event.data as Published);
  }

  /** One job per job seeker with a pending session on or after the effective date, confirmed before the publication. */
  private async scheduleNotices(publishedEventId: string, published: Published): Promise<void> {
    await this.readModels.caughtUp(PENDING_SESSIONS_CONSUMER);
    const from = jstInstant(published.effectiveFrom).toISOString();
    const notified = new Set<string>();
    let after: string | undefined;
    do {
      const page = await this.readStore.find<PendingSession>(PENDING_SESSIONS, {
        where: { start: { gte: from }, confirmedAt: { lt: published.publishedAt } },
        orderBy: [{ field: 'start' }],
        limit: 500,
        ...(after ? { after } : {}),
      });
      for (const session of page.items) {
        if (notified.has(session.jobSeekerId)) continue;
        notified.add(session.jobSeekerId);
        await this.scheduler.schedule({
          name: 'terms-notice',
          id: `terms-notice-${deterministicUuid(publishedEventId, session.jobSeekerId)}`,
          payload: { publishedEventId, jobSeekerId: session.jobSeekerId, reservationId: session.id } satisfies TermsNoticeJob,
          dueAt: this.clock.now(),
        });
      }
      after = page.next;
    } while (after);
  }

  async notify({ publishedEventId, jobSeekerId, reservationId }: TermsNoticeJob): Promise<void> {
    const published = (await this.es.load(termsDecider, streams.terms())).events.find((e) => e.eventId === publishedEventId)?.data as
      Published | undefined;
    if (!published) throw new Error(`No TermsVersionPublished ${publishedEventId}`);
    const jobSeeker = (await this.es.load(jobSeekerDecider, streams.jobSeeker(jobSeekerId))).state;
    if (jobSeeker.status !== 'registered' || jobSeeker.erasedAt || jobSeeker.termsNotices.includes(published.version)) return;
    const reservation = await this.es.load(reservationDecider, streams.reservation(reservationId));
    const requested = reservation.events.find((e) => e.type === 'ReservationRequested')?.data as ReservationRequested['data'] | undefined;
    if (!requested) throw new Error(`Reservation ${reservationId} has no request`);
    const office = (await this.es.load(officeDecider, streams.office(requested.officeId))).state;
    if (office.status !== 'open') throw new Error(`Office ${requested.officeId} of reservation ${reservationId} is unknown`);
    const message = termsNoticeMessage(this.templates, {
      publishedEventId,
      jobSeekerId,
      office: { officeId: office.officeId, name: office.name, senderEmail: office.senderEmail, cancellationPhone: office.cancellationPhone },
      to: { name: requested.name, address: requested.email },
      version: published.version,
      title: published.title,
      summary: published.summary,
      effectiveFrom: published.effectiveFrom,
    });
    let outcome: { messageId: string } | { reason: string };
    try {
      outcome = { messageId: (await this.mailer.send(message)).messageId };
    } catch (error) {
      if (!(error instanceof MailNotSent)) throw error;
      this.logger.warn(
        `Terms notice ${published.version} for ${jobSeekerId} not sent (${error.retryable ? 'will retry' : 'permanent'}): ${error.reason}`,
      );
      if (error.retryable) throw error;
      outcome = { reason: error.reason };
    }
    await this.es.execute(
      jobSeekerDecider,
      streams.jobSeeker(jobSeekerId),
      (_, now) => ({ type: 'RecordTermsNotice' as const, termsVersion: published.version, outcome, now }),
      context(publishedEventId, jobSeekerId),
    );
  }
}

function context(publishedEventId: string, jobSeekerId: string): CommandContext {
  const commandId = deterministicUuid('terms-notice', publishedEventId, jobSeekerId);
  return { commandId, correlationId: publishedEventId, causationId: publishedEventId, actor: 'system:terms-notice' };
}
