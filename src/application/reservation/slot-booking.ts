import { Injectable } from '@nestjs/common';
import { counselorDayDecider, counselorDayStream, SlotReleasedReason } from '../../domain/counselor-day/counselor-day';
import { Attendance, ReservationCommand, reservationDecider, ReservationState, slotNoLongerNeeded } from '../../domain/reservation/reservation';
import { NotFound } from '../../domain/shared/errors';
import { CommandContext, deterministicUuid, newCommandContext } from '../event-sourcing/command-context';
import { CommandOutcome, outcomeOf, recordedOn } from '../event-sourcing/command-answer';
import { EventSourcing, StreamOutcome } from '../event-sourcing/event-sourcing';
import { WrongExpectedRevision } from '../ports/event-store';
import { streams } from '../streams';
import { ContextLoader } from './confirmation-context';

export interface FollowUp {
  duringReservationId: string;
  reservationId: string;
  jobSeekerNo: string;
  name: string;
  email: string;
  attendance: Attendance;
}

/** The release of a slot an earlier command left held, made by the system on its behalf: one command id wherever it is made. */
export function releaseContext(reservationId: string): CommandContext {
  return newCommandContext('system:slot-release', `release-${reservationId}`);
}

/**
 * Confirming touches two boundaries: the counselor's day (the slot) and the reservation. The
 * slot is taken first, then the reservation confirmed; if the second step fails the slot is
 * released again. A crash between the two leaves a hold that `ConfirmationRecovery` releases,
 * and a re-send of the same command (same Idempotency-Key) finishes it instead.
 */
@Injectable()
export class SlotBooking {
  constructor(
    private readonly es: EventSourcing,
    private readonly contexts: ContextLoader,
  ) {}

  async confirm(reservationId: string, counselorId: string, start: Date, context: CommandContext): Promise<CommandOutcome> {
    const stream = streams.reservation(reservationId);
    const holdId = deterministicUuid('hold', context.commandId);
    const confirmSlot = async (state: ReservationState, now: Date) => ({
      type: 'ConfirmSlot' as const,
      confirmation: { counselorId, start, holdId, sessionToken: deterministicUuid('session-token', holdId) },
      context: await this.contexts.forConfirmation(this.existing(state, reservationId), counselorId),
      now,
    });
    return this.holdThen(counselorId, start, reservationId, holdId, context, stream, confirmSlot);
  }

  /** A6.4: request and confirm a follow-up in one step, during a session. */
  async bookFollowUp(followUp: FollowUp, counselorId: string, start: Date, context: CommandContext): Promise<CommandOutcome> {
    const during = (await this.es.load(reservationDecider, streams.reservation(followUp.duringReservationId))).state;
    const source = this.existing(during, followUp.duringReservationId);
    const holdId = deterministicUuid('hold', context.commandId);
    return this.holdThen(
      counselorId,
      start,
      followUp.reservationId,
      holdId,
      context,
      streams.reservation(followUp.reservationId),
      async (_state, now) => ({
        type: 'BookFollowUp' as const,
        reservationId: followUp.reservationId,
        during,
        jobSeekerNo: followUp.jobSeekerNo,
        name: followUp.name,
        email: followUp.email,
        attendance: followUp.attendance,
        confirmation: { counselorId, start, holdId, sessionToken: deterministicUuid('session-token', holdId) },
        context: await this.contexts.forConfirmation(source, counselorId),
        now,
      }),
    );
  }

  /**
   * A6.5: gives back the counselor's slot that the reservation no longer needs (cancelled or missed; see
   * `slotNoLongerNeeded`), if the reservation still holds it. Idempotent: the counselor's day decides, at an
   * expected revision, so any number of callers release it once. The one place this release is made: by the
   * cancel command (also finishing an earlier cancel's release) and by the slot-release reactor on
   * ReservationCancelled / SessionMissed. Answers the slot and whether this call released it (undefined: the
   * reservation holds no slot it no longer needs).
   */
  async releaseSlotNoLongerNeeded(
    reservationId: string,
    context: CommandContext,
  ): Promise<{ counselorId: string; start: Date; released: boolean } | undefined> {
    const slot = slotNoLongerNeeded((await this.es.load(reservationDecider, streams.reservation(reservationId))).state);
    if (!slot) return undefined;
    const start = new Date(slot.start);
    const outcome = await this.release({ counselorId: slot.counselorId, start, reservationId }, slot.reason, context);
    return { counselorId: slot.counselorId, start, released: outcome.appended.length > 0 };
  }

  async release(
    slot: { counselorId: string; start: Date; reservationId: string; holdId?: string },
    reason: SlotReleasedReason,
    context: CommandContext,
  ): Promise<StreamOutcome> {
    return this.es.execute(
      counselorDayDecider,
      counselorDayStream(slot.counselorId, slot.start),
      () => ({ type: 'ReleaseSlot' as const, ...slot, reason }),
      context,
      false,
    );
  }

  private async holdThen(
    counselorId: string,
    start: Date,
    reservationId: string,
    holdId: string,
    context: CommandContext,
    stream: string,
    makeCommand: (state: ReservationState, now: Date) => Promise<ReservationCommand>,
  ): Promise<CommandOutcome> {
    // One decision, before touching the slot, so a rule violation takes nothing; a re-send of a finished
    // command answers as the first time.
    const decision = await this.es.decide(reservationDecider, stream, makeCommand, context);
    if (decision.replayed) {
      const { outcome } = await this.es.commit(decision);
      return outcomeOf(await this.recordedOnDay(counselorId, start, context, true), outcome);
    }
    const held = await this.es.executeRecorded(
      counselorDayDecider,
      counselorDayStream(counselorId, start),
      () => ({ type: 'HoldSlot' as const, counselorId, start, reservationId, holdId }),
      context,
      false,
    );
    let confirmed: StreamOutcome;
    try {
      confirmed = await this.es.commit(decision).then(
        ({ outcome }) => outcome,
        // The reservation changed while the slot was taken: decide again on what it is now.
        (error: unknown) => {
          if (error instanceof WrongExpectedRevision) return this.es.execute(reservationDecider, stream, makeCommand, context);
          throw error;
        },
      );
    } catch (error) {
      await this.release({ counselorId, start, reservationId, holdId }, 'confirmation-failed', context);
      throw error;
    }
    return outcomeOf({ ...held.recorded, replayed: confirmed.replayed }, confirmed);
  }

  /** What this command appended to the counselor's day (SlotHeld, SlotReleased), whichever send of it did. */
  async recordedOnDay(counselorId: string, start: Date, context: CommandContext, replayed: boolean): Promise<StreamOutcome> {
    const day = counselorDayStream(counselorId, start);
    return recordedOn(day, (await this.es.load(counselorDayDecider, day)).events, context, replayed);
  }

  private existing(state: ReservationState, reservationId: string): Exclude<ReservationState, { status: 'none' }> {
    if (state.status === 'none') throw new NotFound('Reservation', reservationId);
    return state;
  }
}
