import { Inject, Injectable, Logger } from '@nestjs/common';
import { reservationDecider } from '../../domain/reservation/reservation';
import { newCommandContext } from '../event-sourcing/command-context';
import { EventSourcing, toDomainEvent } from '../event-sourcing/event-sourcing';
import { CLOCK, Clock } from '../ports/clock';
import { StoredEvent } from '../ports/event-store';
import { streams } from '../streams';
import { READ_STORE, ReadStore, ReadTransaction } from '../ports/read-store';
import type { Projector } from '../consumers/consumer';
import { ReadModels } from '../consumers/read-models';
import type { Sweeper } from '../side-effects/side-effect';
import { SlotBooking } from './slot-booking';

/** How long a slot may stay held without its reservation being confirmed before it is released. */
export const ABANDONED_HOLD_AFTER_MS = 2 * 60 * 1000;
interface OpenHold {
  id: string;
  holdId: string;
  reservationId: string;
  counselorId: string;
  start: string;
  heldAt: number;
}

const OPEN_HOLDS = 'recovery_open_holds';

/** The holds not yet confirmed nor released: what ConfirmationRecovery may have to release. */
@Injectable()
export class OpenHoldsProjector implements Projector {
  readonly name = 'confirmation-recovery';
  readonly handles = ['SlotHeld', 'SlotReleased', 'SlotConfirmed'];
  readonly collections = [{ name: OPEN_HOLDS, indexes: [{ fields: [{ field: 'heldAt' }] }] }];

  async apply(stored: StoredEvent, tx: ReadTransaction): Promise<void> {
    const event = toDomainEvent(stored);
    switch (event.type) {
      case 'SlotHeld':
        await tx.put<OpenHold>(OPEN_HOLDS, { id: event.data.holdId, ...event.data, heldAt: Date.parse(stored.metadata.recordedAt) });
        return;
      case 'SlotReleased':
      case 'SlotConfirmed':
        await tx.delete(OPEN_HOLDS, event.data.holdId);
        return;
      default:
        return;
    }
  }
}

/**
 * Process manager for slots left held by a confirmation that crashed between taking the slot and confirming the
 * reservation: it first records ConfirmationAbandoned on the reservation (appended at an expected revision, so it
 * cannot interleave with the late confirmation: one of the two wins), then releases the slot unless the reservation
 * was confirmed with that very hold. A sweeper with no timer of its own: SideEffects runs it at start-up and then
 * every minute as a scheduled job (Scheduler port), once a minute between all instances. Every step is idempotent
 * and fenced by expected revisions, so two instances sweeping at once release once. (The slots of cancelled or missed
 * sessions are given back by the slot-release reactor.)
 */
@Injectable()
export class ConfirmationRecovery implements Sweeper {
  private readonly logger = new Logger('ConfirmationRecovery');

  constructor(
    private readonly es: EventSourcing,
    private readonly booking: SlotBooking,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly readModels: ReadModels,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  /** Releases the holds older than ABANDONED_HOLD_AFTER_MS; returns how many it released. */
  async sweep(): Promise<number> {
    await this.readModels.caughtUp('confirmation-recovery');
    const cutoff = this.clock.now().getTime() - ABANDONED_HOLD_AFTER_MS;
    let released = 0;
    const { items: abandoned } = await this.store.find<OpenHold>(OPEN_HOLDS, {
      where: { heldAt: { lte: cutoff } },
      orderBy: [{ field: 'heldAt' }],
      limit: 1000,
    });
    for (const hold of abandoned) {
      const context = newCommandContext('system:confirmation-recovery', `recover-${hold.holdId}`);
      const start = new Date(hold.start);
      const stream = streams.reservation(hold.reservationId);
      await this.es.execute(
        reservationDecider,
        stream,
        (_state, now) => ({ type: 'AbandonConfirmation' as const, holdId: hold.holdId, counselorId: hold.counselorId, start, now }),
        context,
        false,
      );
      const { state } = await this.es.load(reservationDecider, stream);
      if ('slot' in state && state.slot.holdId === hold.holdId) continue; // the confirmation finished first
      const outcome = await this.booking.release(
        { counselorId: hold.counselorId, start, reservationId: hold.reservationId, holdId: hold.holdId },
        'confirmation-abandoned',
        context,
      );
      if (outcome.appended.length > 0) {
        released++;
        this.logger.warn({ msg: 'released the slot of an abandoned confirmation', holdId: hold.holdId, reservationId: hold.reservationId });
      }
    }
    return released;
  }
}
