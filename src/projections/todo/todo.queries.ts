import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../application/ports/clock';
import { DirectoryProjection } from '../directory/directory.projection';
import { JobSeekerQueries } from '../job-seekers/job-seekers.read-model';
import { ReservationQueries } from '../reservations/reservations.read-model';
import { toJst } from '../../domain/calendar/business-calendar';
import { jstIso } from '../projected-event';
import { TodoLists, todoLists } from './todo';

/** The staff to-do lists of an office, computed at the moment of the question from the read models. */
@Injectable()
export class TodoQueries {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly reservations: ReservationQueries,
    private readonly jobSeekers: JobSeekerQueries,
    private readonly directory: DirectoryProjection,
  ) {}

  async ofOffice(officeId: string): Promise<TodoLists & { officeId: string; at: string }> {
    const now = this.clock.now();
    const [open, cancelled, reviews, failedNotices, office] = await Promise.all([
      this.reservations.all({ officeId, status: ['requested', 'confirmed', 'invited'] }),
      this.reservations.all({ officeId, status: ['cancelled'], from: toJst(now).date }),
      this.jobSeekers.dueForRefusalReview(),
      this.jobSeekers.withFailedTermsNotices(),
      this.directory.office(officeId),
    ]);
    const closures = new Map((office?.closures ?? []).map((c) => [c.date, c.reason]));
    // A6.5, A13: refusal reviews and terms notices concern the job seeker, whichever office they booked with: every office sees them.
    const jobSeekers = [...reviews, ...failedNotices.filter((j) => !reviews.some((r) => r.jobSeekerId === j.jobSeekerId))];
    return { officeId, at: jstIso(now), ...todoLists([...open, ...cancelled], jobSeekers, closures, now) };
  }
}
