import { Inject, Injectable } from '@nestjs/common';
import { ReadModels } from '../../application/consumers/read-models';
import { OpenReservations } from '../../application/job-seeker/refusal.reactor';
import { READ_STORE, ReadStore, Where } from '../../application/ports/read-store';
import { addDays, JstDate } from '../../domain/calendar/business-calendar';
import { NotFound } from '../../domain/shared/errors';
import { DocumentProjection, findAll, Stored, withoutStorage } from '../document-projection';
import { JobSeekerDocument, jobSeekerProjector } from '../job-seekers/job-seeker.projector';
import { JOB_SEEKERS } from '../job-seekers/job-seekers.read-model';
import { ReservationDocument, reservationProjector, ReservationStatus } from './reservation.projector';

export const RESERVATIONS = 'reservations';

@Injectable()
export class ReservationsProjection extends DocumentProjection<ReservationDocument> {
  constructor() {
    super(reservationProjector, {
      name: RESERVATIONS,
      indexes: [
        { fields: [{ field: 'officeId' }, { field: 'when' }] },
        { fields: [{ field: 'jobSeekerId' }, { field: 'when' }] },
        { fields: [{ field: 'slot.counselorId' }, { field: 'slot.start' }] },
        { fields: [{ field: 'status' }, { field: 'when' }] },
      ],
    });
  }
}

/** The start of a JST date, as the read models write instants. */
export const jstMidnight = (date: JstDate) => `${date}T00:00:00+09:00`;

export interface ReservationFilter {
  officeId?: string;
  counselorId?: string;
  jobSeekerId?: string;
  status?: ReservationStatus[];
  /** JST dates, inclusive: when the session takes place (or the 1st wish while requested). */
  from?: JstDate;
  to?: JstDate;
}

/** One row of a reservation list: no timeline, no e-mail. `name` is the job seeker's (personal: the read is recorded). */
export type ReservationSummary = Pick<
  ReservationDocument,
  'reservationId' | 'officeId' | 'jobSeekerId' | 'status' | 'when' | 'channel' | 'wishes'
> & {
  name: string;
  counselorId?: string;
  invitation?: 'sent' | 'failed';
};

/** A reservation with its timeline; no internal fields (hold ids, positions). */
export type ReservationDetail = Omit<ReservationDocument, never> & { name: string };

export interface CursorPage<T> {
  items: T[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
}

/** Queries of the reservations read model; each waits until it has caught up (read-your-writes). */
@Injectable()
export class ReservationQueries implements OpenReservations {
  constructor(
    private readonly readModels: ReadModels,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  async list(filter: ReservationFilter, page: { after?: string; limit: number }): Promise<CursorPage<ReservationSummary>> {
    await this.readModels.caughtUp(reservationProjector.name);
    const found = await this.store.find<Stored<ReservationDocument>>(RESERVATIONS, {
      where: reservationWhere(filter),
      orderBy: [{ field: 'when' }],
      limit: page.limit,
      after: page.after,
    });
    const names = await this.names(found.items.map((r) => r.jobSeekerId));
    const items = found.items.map((r): ReservationSummary => ({
      reservationId: r.reservationId,
      officeId: r.officeId,
      jobSeekerId: r.jobSeekerId,
      name: names.get(r.jobSeekerId) ?? '',
      status: r.status,
      when: r.when,
      channel: r.channel,
      wishes: r.wishes,
      ...(r.slot ? { counselorId: r.slot.counselorId } : {}),
      ...(r.invitation ? { invitation: r.invitation.status } : {}),
    }));
    return { items, ...(found.next ? { next: found.next } : {}) };
  }

  /** Every reservation matching (all pages), for the calendar, the to-do lists and a job seeker's sessions. */
  async all(filter: ReservationFilter): Promise<ReservationDocument[]> {
    await this.readModels.caughtUp(reservationProjector.name);
    return findAll<ReservationDocument>(this.store, RESERVATIONS, { where: reservationWhere(filter), orderBy: [{ field: 'when' }] });
  }

  async ofJobSeeker(jobSeekerId: string): Promise<string[]> {
    return (await this.all({ jobSeekerId, status: ['requested', 'confirmed', 'invited'] })).map((r) => r.reservationId);
  }

  async one(reservationId: string): Promise<ReservationDetail> {
    await this.readModels.caughtUp(reservationProjector.name);
    const document = await this.store.get<Stored<ReservationDocument>>(RESERVATIONS, reservationId);
    if (!document) throw new NotFound('Reservation', reservationId);
    const names = await this.names([document.jobSeekerId]);
    return { ...withoutStorage(document), name: names.get(document.jobSeekerId) ?? '' };
  }

  private async names(jobSeekerIds: string[]): Promise<Map<string, string>> {
    const ids = [...new Set(jobSeekerIds)];
    if (ids.length === 0) return new Map();
    await this.readModels.caughtUp(jobSeekerProjector.name);
    const found = await this.store.find<Stored<JobSeekerDocument>>(JOB_SEEKERS, { where: { id: { in: ids } }, limit: 1000 });
    return new Map(found.items.map((j) => [j.jobSeekerId, j.name]));
  }
}

export function reservationWhere(filter: ReservationFilter): Where {
  const where: Where = {};
  if (filter.officeId) where.officeId = filter.officeId;
  if (filter.counselorId) where['slot.counselorId'] = filter.counselorId;
  if (filter.jobSeekerId) where.jobSeekerId = filter.jobSeekerId;
  if (filter.status?.length) where.status = { in: filter.status };
  if (filter.from || filter.to) {
    where.when = { ...(filter.from ? { gte: jstMidnight(filter.from) } : {}), ...(filter.to ? { lt: jstMidnight(addDays(filter.to, 1)) } : {}) };
  }
  return where;
}
