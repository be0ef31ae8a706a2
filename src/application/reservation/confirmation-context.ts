import { Injectable } from '@nestjs/common';
import { counselorDecider, knownCounselor } from '../../domain/counselor/counselor';
import { jobSeekerDecider } from '../../domain/job-seeker/job-seeker';
import { officeDecider } from '../../domain/office/office';
import { NotFound } from '../../domain/shared/errors';
import { termsDecider } from '../../domain/terms/terms';
import type { ConfirmationContext } from '../../domain/reservation/confirmation-policy';
import { EventSourcing } from '../event-sourcing/event-sourcing';
import { streams } from '../streams';

/** Loads, from their own streams, what a reservation's decisions need to know of other boundaries. */
@Injectable()
export class ContextLoader {
  constructor(private readonly es: EventSourcing) {}

  async office(officeId: string) {
    const { state } = await this.es.load(officeDecider, streams.office(officeId));
    if (state.status !== 'open') throw new NotFound('Office', officeId);
    return state;
  }

  async jobSeeker(jobSeekerId: string) {
    return (await this.es.load(jobSeekerDecider, streams.jobSeeker(jobSeekerId))).state;
  }

  async counselor(counselorId: string) {
    return knownCounselor((await this.es.load(counselorDecider, streams.counselor(counselorId))).state, counselorId);
  }

  async forConfirmation(reservation: { officeId: string; jobSeekerId: string }, counselorId: string): Promise<ConfirmationContext> {
    const [office, jobSeeker, counselor, terms] = await Promise.all([
      this.office(reservation.officeId),
      this.jobSeeker(reservation.jobSeekerId),
      this.counselor(counselorId),
      this.es.load(termsDecider, streams.terms()).then((loaded) => loaded.state),
    ]);
    return { office, jobSeeker, counselor, terms };
  }
}
