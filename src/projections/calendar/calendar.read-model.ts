import { Inject, Injectable } from '@nestjs/common';
import { ReadModels } from '../../application/consumers/read-models';
import { CLOCK, Clock } from '../../application/ports/clock';
import { READ_STORE, ReadStore } from '../../application/ports/read-store';
import { addDays, JstDate, weekdayOf } from '../../domain/calendar/business-calendar';
import type { Counselor } from '../../domain/counselor/counselor';
import { NotFound } from '../../domain/shared/errors';
import type { Language } from '../../domain/shared/messages';
import { DirectoryProjection } from '../directory/directory.projection';
import { DocumentProjection, findAll } from '../document-projection';
import { ReservationQueries } from '../reservations/reservations.read-model';
import { CalendarDay, calendarDay } from './calendar-view';
import { SlotHoldDocument, slotHoldProjector } from './slot-hold.projector';

export const SLOT_HOLDS = 'slot_holds';

@Injectable()
export class SlotHoldsProjection extends DocumentProjection<SlotHoldDocument> {
  constructor() {
    super(slotHoldProjector, { name: SLOT_HOLDS, indexes: [{ fields: [{ field: 'counselorId' }, { field: 'date' }] }] });
  }
}

export type CalendarSpan = 'day' | 'week';

export interface Calendar {
  officeId: string;
  /** JST dates, inclusive. */
  from: JstDate;
  to: JstDate;
  days: CalendarDay[];
}

/** The days a calendar question covers: the date, or the Monday-to-Sunday week around it. */
export function calendarDates(date: JstDate, span: CalendarSpan): JstDate[] {
  if (span === 'day') return [date];
  const monday = addDays(date, -((weekdayOf(date) + 6) % 7));
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/**
 * The calendar of an office or one counselor: slot states from the reservations and slot-holds
 * read models; counselors' hours, leave, blocked periods and office closure days from the
 * directory (in memory: bounded by configuration); holidays and 12/29–1/3 from the business calendar.
 */
@Injectable()
export class CalendarQueries {
  constructor(
    private readonly readModels: ReadModels,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly directory: DirectoryProjection,
    private readonly reservations: ReservationQueries,
  ) {}

  async ofOffice(officeId: string, date: JstDate, span: CalendarSpan, language: Language): Promise<Calendar> {
    const office = await this.directory.office(officeId);
    if (!office) throw new NotFound('Office', officeId);
    const counselors = (await this.directory.listCounselors(officeId, 0, 1000, true)).items;
    return this.calendar(officeId, new Map(office.closures.map((c) => [c.date, c.reason])), counselors, { date, span, language });
  }

  async ofCounselor(counselorId: string, date: JstDate, span: CalendarSpan, language: Language): Promise<Calendar & { counselorId: string }> {
    const counselor = await this.directory.counselor(counselorId);
    if (!counselor) throw new NotFound('Counselor', counselorId);
    const office = await this.directory.office(counselor.officeId);
    const closures = new Map((office?.closures ?? []).map((c) => [c.date, c.reason]));
    return { counselorId, ...(await this.calendar(counselor.officeId, closures, [counselor], { date, span, language })) };
  }

  private async calendar(
    officeId: string,
    officeClosures: ReadonlyMap<JstDate, string>,
    counselors: Counselor[],
    { date, span, language }: { date: JstDate; span: CalendarSpan; language: Language },
  ): Promise<Calendar> {
    const dates = calendarDates(date, span);
    const from = dates[0];
    const to = dates[dates.length - 1];
    const counselorIds = counselors.map((c) => c.counselorId);
    const reservations =
      counselorIds.length === 0
        ? []
        : (await this.reservations.all({ officeId, from, to })).filter((r) => r.slot && counselorIds.includes(r.slot.counselorId));
    const holds = await this.holds(counselorIds, from, to);
    const now = this.clock.now();
    const days = dates.map((day) =>
      calendarDay({
        date: day,
        counselors,
        officeClosures,
        reservations: reservations.filter((r) => r.slot?.start.startsWith(day)),
        holds: holds.filter((h) => h.date === day),
        now,
        language,
      }),
    );
    return { officeId, from, to, days };
  }

  private async holds(counselorIds: string[], from: JstDate, to: JstDate): Promise<SlotHoldDocument[]> {
    if (counselorIds.length === 0) return [];
    await this.readModels.caughtUp(slotHoldProjector.name);
    return findAll<SlotHoldDocument>(this.store, SLOT_HOLDS, {
      where: { counselorId: { in: counselorIds }, date: { gte: from, lte: to }, ended: false },
    });
  }
}
