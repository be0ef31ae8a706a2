import { Injectable } from '@nestjs/common';
import { HeldSessions } from '../../application/office/office.commands';
import { toDomainEvent } from '../../application/event-sourcing/event-sourcing';
import { StoredEvent } from '../../application/ports/event-store';
import { SESSION_MINUTES, addMinutes } from '../../domain/calendar/business-calendar';
import { HeldSession } from '../../domain/counselor/counselor';
import { LiveProjection } from '../live-projection';

interface Session extends HeldSession {
  counselorId: string;
}

/** The sessions each counselor holds: confirmed, invited or in progress. */
@Injectable()
export class CalendarProjection extends LiveProjection implements HeldSessions {
  protected readonly projectionName = 'calendar';
  private readonly sessions = new Map<string, Session>();

  protected apply(stored: StoredEvent): void {
    const event = toDomainEvent(stored);
    switch (event.type) {
      case 'SlotConfirmed':
        this.sessions.set(event.data.reservationId, { reservationId: event.data.reservationId, counselorId: event.data.counselorId, start: event.data.start });
        return;
      case 'ReservationCancelled':
      case 'SessionMissed':
      case 'SessionCompleted':
      case 'SessionStopped':
        this.sessions.delete(event.data.reservationId);
        return;
      default:
        return;
    }
  }

  /** Sessions of the counselor that have not ended by `from`, earliest first. */
  async futureSessionsOf(counselorId: string, from: Date): Promise<HeldSession[]> {
    await this.caughtUp();
    return [...this.sessions.values()]
      .filter((s) => s.counselorId === counselorId && addMinutes(new Date(s.start), SESSION_MINUTES) > from)
      .sort((a, b) => a.start.localeCompare(b.start))
      .map(({ reservationId, start }) => ({ reservationId, start }));
  }
}
