import { Injectable, Logger } from '@nestjs/common';
import { jobSeekerDecider } from '../../domain/job-seeker/job-seeker';
import { reservationDecider } from '../../domain/reservation/reservation';
import type { Reactor } from '../consumers/reactor';
import { deterministicUuid } from '../event-sourcing/command-context';
import { EventSourcing } from '../event-sourcing/event-sourcing';
import type { StoredEvent } from '../ports/event-store';
import { streams } from '../streams';

/** Where a job seeker's open reservations are known (the reservations read model). */
export abstract class OpenReservations {
  /** The ids of the job seeker's reservations that are requested, confirmed or invited, as of every event appended before the call. */
  abstract ofJobSeeker(jobSeekerId: string): Promise<string[]>;
}

/**
 * A12.1: a job seeker refused service keeps nothing ahead. On ServiceRefused, every open reservation of theirs is
 * cancelled (`CancelForRefusal`: the refusal's reason recorded, the slot then given back by the slot-release reactor,
 * the invitation and no-show jobs dropped with the cancellation). The refusal command itself appends only
 * ServiceRefused: a command on the job seeker's stream cannot see a confirmation racing on a reservation's stream,
 * so this reactor also settles what such a race lets through — on ReservationRequested and SlotConfirmed it checks
 * the job seeker and cancels when they are refused by then. Between the two, every reservation is seen after the
 * refusal: one confirmed before it is in the read model this reactor asks (caught up past the refusal), one confirmed
 * after it comes here itself.
 *
 * Decides on the job seeker's current state, never on the event alone: a refusal lifted since cancels nothing. The
 * command id derives from the reservation and the refusal, so any number of runs, on any number of instances,
 * record one cancellation.
 */
@Injectable()
export class RefusalReactor implements Reactor {
  private readonly logger = new Logger(RefusalReactor.name);
  readonly name = 'refusal';
  readonly handles = ['ServiceRefused', 'ReservationRequested', 'SlotConfirmed'];

  constructor(
    private readonly es: EventSourcing,
    private readonly openReservations: OpenReservations,
  ) {}

  async react(event: StoredEvent): Promise<void> {
    const { jobSeekerId } = event.data as { jobSeekerId: string };
    const jobSeeker = (await this.es.load(jobSeekerDecider, streams.jobSeeker(jobSeekerId))).state;
    // A8.1: nothing personal (the refusal's reason) can be recorded for an erased job seeker any more.
    if (jobSeeker.status !== 'registered' || !jobSeeker.refusal || jobSeeker.erasedAt) return;
    const { refusal } = jobSeeker;
    const reservationIds =
      event.type === 'ServiceRefused'
        ? await this.openReservations.ofJobSeeker(jobSeekerId)
        : [(event.data as { reservationId: string }).reservationId];
    for (const reservationId of reservationIds) {
      const commandId = deterministicUuid('cancel-for-refusal', reservationId, refusal.since);
      const outcome = await this.es.execute(
        reservationDecider,
        streams.reservation(reservationId),
        (_state, now) => ({ type: 'CancelForRefusal' as const, refusal, now }),
        { commandId, correlationId: commandId, causationId: event.eventId, actor: 'system:refusal' },
      );
      if (outcome.appended.length > 0 && event.type !== 'ServiceRefused') {
        this.logger.warn({ msg: 'cancelled a reservation that raced the refusal of its job seeker (A12.1)', reservationId, after: event.type });
      }
    }
  }
}
