import { Injectable } from '@nestjs/common';
import type { Reactor } from '../consumers/reactor';
import type { StoredEvent } from '../ports/event-store';
import { releaseContext, SlotBooking } from './slot-booking';

/**
 * A6.5: a cancelled or missed session gives its slot back to the counselor's day. The cancel command releases it
 * itself (its answer lists the SlotReleased); this reactor is what makes the release certain, and the only one for
 * sessions the system ends (missed at start + 10 minutes, cancelled after a refusal): at least once from its
 * checkpoint, so a failure or a crash between ReservationCancelled and SlotReleased is finished when it runs (again).
 * `releaseSlotNoLongerNeeded` decides on the reservation and the counselor's day at expected revisions under one
 * command id per reservation: every run, on every instance, releases once.
 */
@Injectable()
export class SlotReleaseReactor implements Reactor {
  readonly name = 'slot-release';
  readonly handles = ['ReservationCancelled', 'SessionMissed'];

  constructor(private readonly booking: SlotBooking) {}

  async react(event: StoredEvent): Promise<void> {
    const { reservationId } = event.data as { reservationId: string };
    await this.booking.releaseSlotNoLongerNeeded(reservationId, releaseContext(reservationId));
  }
}
