import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../application/ports/clock';
import { jstIso } from '../projected-event';
import { ReservationQueries } from '../reservations/reservations.read-model';
import type { ReservationDocument, ReservationStatus } from '../reservations/reservation.projector';
import type { JobSeekerDocument } from './job-seeker.projector';
import { JobSeekerQueries } from './job-seekers.read-model';

export interface SessionLine {
  reservationId: string;
  status: ReservationStatus;
  when: string;
  counselorId?: string;
}
export type JobSeekerOverview = JobSeekerDocument & { upcomingSessions: SessionLine[]; pastSessions: SessionLine[] };

const OPEN: readonly ReservationStatus[] = ['requested', 'confirmed', 'invited', 'checked-in'];

/** A job seeker with their sessions: upcoming (open, not yet over) and past, as of the question. */
@Injectable()
export class JobSeekerOverviewQuery {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly jobSeekers: JobSeekerQueries,
    private readonly reservations: ReservationQueries,
  ) {}

  async of(jobSeekerId: string): Promise<JobSeekerOverview> {
    const jobSeeker = await this.jobSeekers.one(jobSeekerId);
    const now = jstIso(this.clock.now());
    const all = await this.reservations.all({ jobSeekerId });
    const line = (r: ReservationDocument): SessionLine => ({
      reservationId: r.reservationId,
      status: r.status,
      when: r.when,
      ...(r.slot ? { counselorId: r.slot.counselorId } : {}),
    });
    const upcoming = all.filter((r) => OPEN.includes(r.status) && (r.slot ? r.slot.end : r.when) > now);
    return {
      ...jobSeeker,
      upcomingSessions: upcoming.map(line),
      pastSessions: all
        .filter((r) => !upcoming.includes(r))
        .reverse()
        .map(line),
    };
  }
}
