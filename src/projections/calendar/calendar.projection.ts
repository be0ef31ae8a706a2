import { Inject, Injectable } from '@nestjs/common';
import { HeldSessions } from '../../application/office/office.commands';
import { toDomainEvent } from '../../application/event-sourcing/event-sourcing';
import { StoredEvent } from '../../application/ports/event-store';
import { READ_STORE, ReadStore, ReadTransaction } from '../../application/ports/read-store';
import type { Projector } from '../../application/consumers/consumer';
import { ReadModels } from '../../application/consumers/read-models';
import { SESSION_MINUTES, addMinutes, type JstDate } from '../../domain/calendar/business-calendar';
import { ReservationQueries } from '../reservations/reservations.read-model';
import { HeldSession } from '../../domain/counselor/counselor';

const HELD = 'held_sessions';
interface Session extends HeldSession {
  id: string;
  counselorId: string;
}

/** The sessions each counselor holds: confirmed, invited or in progress (removed when they end). */
@Injectable()
export class HeldSessionsProjector implements Projector {
  readonly name = 'held-sessions';
  readonly handles = ['SlotConfirmed', 'ReservationCancelled', 'SessionMissed', 'SessionCompleted', 'SessionStopped'];
  readonly collections = [{ name: HELD, indexes: [{ fields: [{ field: 'counselorId' }, { field: 'start' }] }] }];

  async apply(stored: StoredEvent, tx: ReadTransaction): Promise<void> {
    const event = toDomainEvent(stored);
    switch (event.type) {
      case 'SlotConfirmed':
        await tx.put<Session>(HELD, {
          id: event.data.reservationId,
          reservationId: event.data.reservationId,
          counselorId: event.data.counselorId,
          start: event.data.start,
        });
        return;
      case 'ReservationCancelled':
      case 'SessionMissed':
      case 'SessionCompleted':
      case 'SessionStopped':
        await tx.delete(HELD, event.data.reservationId);
        return;
      default:
        return;
    }
  }
}

@Injectable()
export class CalendarProjection implements HeldSessions {
  constructor(
    private readonly readModels: ReadModels,
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly reservations: ReservationQueries,
  ) {}

  async ofOfficeOn(officeId: string, date: JstDate): Promise<HeldSession[]> {
    const held = await this.reservations.all({ officeId, status: ['confirmed', 'invited', 'checked-in'], from: date, to: date });
    return held.map(({ reservationId, when }) => ({ reservationId, start: new Date(when).toISOString() }));
  }

  /** Sessions of the counselor that have not ended by `from`, earliest first. */
  async futureSessionsOf(counselorId: string, from: Date): Promise<HeldSession[]> {
    await this.readModels.caughtUp('held-sessions');
    const startedAfter = addMinutes(from, -SESSION_MINUTES).toISOString();
    const { items } = await this.store.find<Session>(HELD, {
      where: { counselorId, start: { gt: startedAfter } },
      orderBy: [{ field: 'start' }],
      limit: 1000,
    });
    return items.filter((s) => addMinutes(new Date(s.start), SESSION_MINUTES) > from).map(({ reservationId, start }) => ({ reservationId, start }));
  }
}
