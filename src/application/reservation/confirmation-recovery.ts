import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { reservationDecider } from '../../domain/reservation/reservation';
import { newCommandContext } from '../event-sourcing/command-context';
import { EventSourcing, toDomainEvent } from '../event-sourcing/event-sourcing';
import { CLOCK, Clock } from '../ports/clock';
import { StoredEvent } from '../ports/event-store';
import { streams } from '../streams';
import { READ_STORE, ReadStore, ReadTransaction } from '../ports/read-store';
import type { Projector } from '../consumers/consumer';
import { ReadModels } from '../consumers/read-models';
import { releaseContext, SlotBooking } from './slot-booking';

/** How long a slot may stay held without its reservation being confirmed before it is released. */
export const ABANDONED_HOLD_AFTER_MS = 2 * 60 * 1000;
const SWEEP_EVERY_MS = 30 * 1000;

interface OpenHold {
  id: string;
  holdId: string;
  reservationId: string;
  counselorId: string;
  start: string;
  heldAt: number;
}

/** A reservation cancelled or missed whose slot has not been seen released yet; `id` is `reservationId|start`. */
interface PendingRelease {
  id: string;
  reservationId: string;
}

const OPEN_HOLDS = 'recovery_open_holds';
const PENDING_RELEASES = 'recovery_pending_releases';

/** The holds not yet confirmed nor released, and the slots of cancelled or missed sessions not yet released: what ConfirmationRecovery may have to release. */
@Injectable()
export class OpenHoldsProjector implements Projector {
  readonly name = 'confirmation-recovery';
  readonly handles = ['SlotHeld', 'SlotReleased', 'SlotConfirmed', 'ReservationCancelled', 'SessionMissed'];
  readonly collections = [{ name: OPEN_HOLDS, indexes: [{ fields: [{ field: 'heldAt' }] }] }, { name: PENDING_RELEASES }];

  async apply(stored: StoredEvent, tx: ReadTransaction): Promise<void> {
    const event = toDomainEvent(stored);
    switch (event.type) {
      case 'SlotHeld':
        await tx.put<OpenHold>(OPEN_HOLDS, { id: event.data.holdId, ...event.data, heldAt: Date.parse(stored.metadata.recordedAt) });
        return;
      case 'SlotReleased':
        await tx.delete(OPEN_HOLDS, event.data.holdId);
        await tx.delete(PENDING_RELEASES, releaseKey(event.data.reservationId, event.data.start));
        return;
      case 'SlotConfirmed':
        await tx.delete(OPEN_HOLDS, event.data.holdId);
        return;
      case 'ReservationCancelled':
        if (event.data.slot)
          await tx.put<PendingRelease>(PENDING_RELEASES, {
            id: releaseKey(event.data.reservationId, event.data.slot.start),
            reservationId: event.data.reservationId,
          });
        return;
      case 'SessionMissed':
        await tx.put<PendingRelease>(PENDING_RELEASES, {
          id: releaseKey(event.data.reservationId, event.data.start),
          reservationId: event.data.reservationId,
        });
        return;
      default:
        return;
    }
  }
}

/**
 * Process manager for slots left held by a command that stopped half-way, at start and every 30 s:
 * - confirmations that crashed between taking the slot and confirming the reservation: it first
 *   records ConfirmationAbandoned on the reservation (appended at an expected revision, so it cannot
 *   interleave with the late confirmation: one of the two wins), then releases the slot unless the
 *   reservation was confirmed with that very hold;
 * - A6.5: cancelled (or missed) sessions whose slot was not given back (a failure between
 *   ReservationCancelled and SlotReleased): `SlotBooking.releaseSlotNoLongerNeeded` releases it.
 * Runs on every instance: every step is idempotent and fenced by expected revisions.
 */
@Injectable()
export class ConfirmationRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ConfirmationRecovery');
  private timer?: NodeJS.Timeout;
  /** Pending releases this instance already handled (released, or found already free), by `reservationId|start`. */
  private readonly settled = new Set<string>();

  constructor(
    private readonly es: EventSourcing,
    private readonly booking: SlotBooking,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly readModels: ReadModels,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  onApplicationBootstrap(): void {
    const run = () => this.sweep().catch((error: Error) => this.logger.error({ msg: 'sweep failed; will retry', error: error.message }));
    void run();
    this.timer = setInterval(() => void run(), SWEEP_EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Releases the holds older than ABANDONED_HOLD_AFTER_MS, and those of cancelled or missed sessions; returns how many it released. */
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
    const { items: pending } = await this.store.find<PendingRelease>(PENDING_RELEASES, { limit: 1000 });
    for (const { id: key, reservationId } of pending.filter((p) => !this.settled.has(p.id))) {
      if ((await this.booking.releaseSlotNoLongerNeeded(reservationId, releaseContext(reservationId)))?.released) {
        released++;
        this.logger.warn({ msg: 'released the slot of a cancelled or missed session that was still held', reservationId });
      }
      this.settled.add(key); // released now, or already free: nothing more to do for it
    }
    return released;
  }
}

function releaseKey(reservationId: string, start: string): string {
  return `${reservationId}|${new Date(start).toISOString()}`;
}
