import { Injectable } from '@nestjs/common';
import type { Projector } from '../../application/consumers/consumer';
import { toDomainEvent } from '../../application/event-sourcing/event-sourcing';
import type { StoredEvent } from '../../application/ports/event-store';
import type { ReadTransaction } from '../../application/ports/read-store';
import { PENDING_SESSIONS, PENDING_SESSIONS_CONSUMER, type PendingSession } from '../../application/side-effects/pending-sessions';
import { noShowDeadline } from '../../domain/calendar/business-calendar';
import type { ReservationEvent } from '../../domain/reservation/reservation';
import { assertNever } from '../../domain/shared/decider';

/** Confirmed sessions that a side effect still waits for (see application/side-effects/pending-sessions.ts). */
@Injectable()
export class PendingSessionsProjector implements Projector {
  readonly name = PENDING_SESSIONS_CONSUMER;
  readonly handles = [
    'SlotConfirmed',
    'InvitationSent',
    'InvitationFailed',
    'CheckedIn',
    'ReservationCancelled',
    'SessionMissed',
    'SessionCompleted',
    'SessionStopped',
  ];
  readonly collections = [{ name: PENDING_SESSIONS, indexes: [{ fields: [{ field: 'noShowDeadline' }] }] }];

  async apply(stored: StoredEvent, tx: ReadTransaction): Promise<void> {
    const event = toDomainEvent(stored) as ReservationEvent;
    switch (event.type) {
      case 'SlotConfirmed': {
        const { reservationId, jobSeekerId, start, confirmedAt } = event.data;
        const session: PendingSession = {
          id: reservationId,
          jobSeekerId,
          start,
          noShowDeadline: noShowDeadline(new Date(start)).toISOString(),
          confirmationEventId: stored.eventId,
          confirmedAt,
          invited: false,
        };
        await tx.put(PENDING_SESSIONS, session);
        return;
      }
      case 'InvitationSent':
        await tx.update(PENDING_SESSIONS, event.data.reservationId, { invited: true });
        return;
      case 'InvitationFailed':
        await tx.update(PENDING_SESSIONS, event.data.reservationId, { invitationFailedAt: event.data.failedAt });
        return;
      case 'CheckedIn':
      case 'ReservationCancelled':
      case 'SessionMissed':
      case 'SessionCompleted':
      case 'SessionStopped':
        await tx.delete(PENDING_SESSIONS, event.data.reservationId);
        return;
      case 'ReservationRequested':
      case 'InterpreterNotified':
      case 'InvitationSentAfterCancellation': // its session left this model with the cancellation
      case 'ConfirmationAbandoned':
        return;
      default:
        assertNever(event, 'reservation event');
    }
  }
}
