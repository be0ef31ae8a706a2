import { Inject, Injectable, Logger } from '@nestjs/common';
import { reservationDecider } from '../../domain/reservation/reservation';
import { newCommandContext } from '../event-sourcing/command-context';
import { EventSourcing, toDomainEvent } from '../event-sourcing/event-sourcing';
import { CLOCK, Clock } from '../ports/clock';
import { StoredEvent } from '../ports/event-store';
import { streams } from '../streams';
import { LiveProjection } from '../../projections/live-projection';
import { EVENT_STORE } from '../ports/tokens';
import type { EventStore } from '../ports/event-store';
import { releaseContext, SlotBooking } from './slot-booking';

/** How long a slot may stay held without its reservation being confirmed before it is released. */
export const ABANDONED_HOLD_AFTER_MS = 2 * 60 * 1000;
const SWEEP_EVERY_MS = 30 * 1000;

interface OpenHold {
  holdId: string;
  reservationId: string;
  counselorId: string;
  start: string;
  heldAt: number;
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
export class ConfirmationRecovery extends LiveProjection {
  protected readonly projectionName = 'confirmation-recovery';
  private readonly holds = new Map<string, OpenHold>();
  /** Reservations cancelled or missed whose slot has not been seen released yet, by `reservationId|start`. */
  private readonly pendingReleases = new Map<string, string>();
  private readonly logger = new Logger('ConfirmationRecovery');
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    private readonly es: EventSourcing,
    private readonly booking: SlotBooking,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super(store);
  }

  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    const run = () =>
      this.sweep().catch((error: Error) => this.logger.error({ msg: 'sweep failed; will retry', error: error.message }));
    void run();
    this.timer = setInterval(() => void run(), SWEEP_EVERY_MS).unref();
  }

  override async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await super.onApplicationShutdown();
  }

  protected apply(stored: StoredEvent): void {
    const event = toDomainEvent(stored);
    switch (event.type) {
      case 'SlotHeld':
        this.holds.set(event.data.holdId, { ...event.data, heldAt: Date.parse(stored.metadata.recordedAt) });
        return;
      case 'SlotReleased':
        this.holds.delete(event.data.holdId);
        this.pendingReleases.delete(releaseKey(event.data.reservationId, event.data.start));
        return;
      case 'SlotConfirmed':
        this.holds.delete(event.data.holdId);
        return;
      case 'ReservationCancelled':
        if (event.data.slot) this.pendingReleases.set(releaseKey(event.data.reservationId, event.data.slot.start), event.data.reservationId);
        return;
      case 'SessionMissed':
        this.pendingReleases.set(releaseKey(event.data.reservationId, event.data.start), event.data.reservationId);
        return;
      default:
        return;
    }
  }

  /** Releases the holds older than ABANDONED_HOLD_AFTER_MS, and those of cancelled or missed sessions; returns how many it released. */
  async sweep(): Promise<number> {
    await this.caughtUp();
    const cutoff = this.clock.now().getTime() - ABANDONED_HOLD_AFTER_MS;
    let released = 0;
    for (const hold of [...this.holds.values()].filter((h) => h.heldAt <= cutoff)) {
      const context = newCommandContext('system:confirmation-recovery', `recover-${hold.holdId}`);
      const start = new Date(hold.start);
      const stream = streams.reservation(hold.reservationId);
      await this.es.execute(reservationDecider, stream, (_state, now) => ({ type: 'AbandonConfirmation' as const, holdId: hold.holdId, counselorId: hold.counselorId, start, now }), context, false);
      const { state } = await this.es.load(reservationDecider, stream);
      if ('slot' in state && state.slot.holdId === hold.holdId) continue; // the confirmation finished first
      const outcome = await this.booking.release({ counselorId: hold.counselorId, start, reservationId: hold.reservationId, holdId: hold.holdId }, 'confirmation-abandoned', context);
      if (outcome.appended.length > 0) {
        released++;
        this.logger.warn({ msg: 'released the slot of an abandoned confirmation', holdId: hold.holdId, reservationId: hold.reservationId });
      }
    }
    for (const [key, reservationId] of [...this.pendingReleases]) {
      if ((await this.booking.releaseSlotNoLongerNeeded(reservationId, releaseContext(reservationId)))?.released) {
        released++;
        this.logger.warn({ msg: 'released the slot of a cancelled or missed session that was still held', reservationId });
      }
      this.pendingReleases.delete(key); // released now, or already free: nothing more to do for it
    }
    return released;
  }
}

function releaseKey(reservationId: string, start: string): string {
  return `${reservationId}|${new Date(start).toISOString()}`;
}
