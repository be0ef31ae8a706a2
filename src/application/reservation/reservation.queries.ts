import { Injectable } from '@nestjs/common';
import { reservationDecider, ReservationState } from '../../domain/reservation/reservation';
import { NotFound } from '../../domain/shared/errors';
import { EventSourcing } from '../event-sourcing/event-sourcing';
import { streams } from '../streams';

type Existing = Exclude<ReservationState, { status: 'none' }>;
/** Per status (Omit over the union would drop `slot`, which only some statuses have). */
export type ReservationView = Existing extends infer S ? (S extends Existing ? Omit<S, 'abandonedHolds'> : never) : never;

/** One reservation as its own stream tells it (replayed, so an erasure shows at once). */
@Injectable()
export class ReservationLookup {
  constructor(private readonly es: EventSourcing) {}

  async view(reservationId: string): Promise<ReservationView> {
    const { state } = await this.es.load(reservationDecider, streams.reservation(reservationId));
    if (state.status === 'none') throw new NotFound('Reservation', reservationId);
    const { abandonedHolds: _internal, ...view } = state;
    return view;
  }
}
