import { CommandHandler, ICommandHandler, Command } from '@nestjs/cqrs';
import { Inject } from '@nestjs/common';
import {
  Attendance,
  CancelChannel,
  RequestReservation as DomainRequestReservation,
  ReservationCommand,
  reservationDecider,
} from '../../domain/reservation/reservation';
import { NotFound } from '../../domain/shared/errors';
import { CommandContext, entityId } from '../event-sourcing/command-context';
import { CommandOutcome, outcomeOf } from '../event-sourcing/command-answer';
import { EventSourcing } from '../event-sourcing/event-sourcing';
import { PSEUDONYMIZER } from '../ports/tokens';
import type { Pseudonymizer } from '../ports/pseudonymizer';
import { streams } from '../streams';
import { JobSeekerIds } from '../job-seeker/job-seeker-ids';
import { ContextLoader } from './confirmation-context';
import { releaseContext, SlotBooking } from './slot-booking';

export interface ReservationAnswer extends CommandOutcome {
  reservationId: string;
}

/** What staff give for a request: the domain command without what the handler derives. */
export type RequestInput = Omit<DomainRequestReservation, 'type' | 'reservationId' | 'context' | 'now'>;
export class RequestReservation extends Command<ReservationAnswer> {
  constructor(
    readonly input: RequestInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RequestReservation)
export class RequestReservationHandler implements ICommandHandler<RequestReservation> {
  constructor(
    private readonly es: EventSourcing,
    private readonly contexts: ContextLoader,
    private readonly ids: JobSeekerIds,
  ) {}

  async execute({ input, context }: RequestReservation): Promise<ReservationAnswer> {
    const reservationId = entityId(context, 'reservation');
    const { jobSeekerId } = await this.ids.current(input.jobSeekerNo);
    const outcome = await this.es.execute(
      reservationDecider,
      streams.reservation(reservationId),
      async (_state, now) => ({
        type: 'RequestReservation' as const,
        ...input,
        reservationId,
        context: { office: await this.contexts.office(input.officeId), jobSeeker: await this.contexts.jobSeeker(jobSeekerId) },
        now,
      }),
      context,
    );
    return { reservationId, ...outcomeOf(outcome) };
  }
}

export class ConfirmSlot extends Command<ReservationAnswer> {
  constructor(
    readonly reservationId: string,
    readonly counselorId: string,
    readonly start: Date,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ConfirmSlot)
export class ConfirmSlotHandler implements ICommandHandler<ConfirmSlot> {
  constructor(private readonly booking: SlotBooking) {}

  async execute({ reservationId, counselorId, start, context }: ConfirmSlot): Promise<ReservationAnswer> {
    return { reservationId, ...(await this.booking.confirm(reservationId, counselorId, start, context)) };
  }
}

export interface FollowUpInput {
  jobSeekerNo: string;
  name: string;
  email: string;
  attendance: Attendance;
  counselorId: string;
  start: Date;
}
export class BookFollowUp extends Command<ReservationAnswer> {
  constructor(
    readonly duringReservationId: string,
    readonly input: FollowUpInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(BookFollowUp)
export class BookFollowUpHandler implements ICommandHandler<BookFollowUp> {
  constructor(private readonly booking: SlotBooking) {}

  async execute({ duringReservationId, input, context }: BookFollowUp): Promise<ReservationAnswer> {
    const reservationId = entityId(context, 'reservation');
    const { counselorId, start, ...person } = input;
    return { reservationId, ...(await this.booking.bookFollowUp({ duringReservationId, reservationId, ...person }, counselorId, start, context)) };
  }
}

/** The staff commands on one reservation that touch only its own stream. */
export type ReservationStep =
  /** A7.1: `deviceId` as the meeting app reports it; pseudonymised here, sealed in the store. */
  | { type: 'CheckIn'; deviceId?: string }
  | { type: 'CompleteSession' }
  | { type: 'StopSession'; reason: string }
  | { type: 'NotifyInterpreter'; role: 'interpreter' | 'assistant'; note: string }
  | { type: 'CancelReservation'; channel: CancelChannel; reason: string };

export class ActOnReservation extends Command<ReservationAnswer> {
  constructor(
    readonly reservationId: string,
    readonly step: ReservationStep,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ActOnReservation)
export class ActOnReservationHandler implements ICommandHandler<ActOnReservation> {
  constructor(
    private readonly es: EventSourcing,
    private readonly booking: SlotBooking,
    @Inject(PSEUDONYMIZER) private readonly pseudonymizer: Pseudonymizer,
  ) {}

  async execute({ reservationId, step, context }: ActOnReservation): Promise<ReservationAnswer> {
    const stream = streams.reservation(reservationId);
    // A6.5: a cancel first finishes the release an earlier cancel left undone (a failure between its two
    // appends), even when it is then refused because the reservation is already cancelled.
    if (step.type === 'CancelReservation') await this.booking.releaseSlotNoLongerNeeded(reservationId, releaseContext(reservationId));
    const outcome = await this.es.execute(
      reservationDecider,
      stream,
      (state, now): ReservationCommand => {
        if (state.status === 'none') throw new NotFound('Reservation', reservationId);
        if (step.type !== 'CheckIn') return { ...step, now };
        const { deviceId } = step;
        return {
          type: 'CheckIn',
          now,
          ...(deviceId ? { device: { identifier: deviceId, pseudonym: this.pseudonymizer.pseudonym('device', deviceId) } } : {}),
        };
      },
      context,
    );
    // A cancelled session gives its slot back (also on a re-send, in case the first send stopped half-way);
    // the answer lists what this command appended to the counselor's day.
    const slot = step.type === 'CancelReservation' ? await this.booking.releaseSlotNoLongerNeeded(reservationId, context) : undefined;
    const released = slot ? await this.booking.recordedOnDay(slot.counselorId, slot.start, context, outcome.replayed) : undefined;
    return { reservationId, ...(released ? outcomeOf(outcome, released) : outcomeOf(outcome)) };
  }
}

export const reservationCommandHandlers = [RequestReservationHandler, ConfirmSlotHandler, BookFollowUpHandler, ActOnReservationHandler];
