import { Inject, Injectable } from '@nestjs/common';
import { jobSeekerDecider, nextGeneration } from '../../domain/job-seeker/job-seeker';
import { EventSourcing } from '../event-sourcing/event-sourcing';
import { Pseudonymizer } from '../ports/pseudonymizer';
import { PSEUDONYMIZER } from '../ports/tokens';
import { streams } from '../streams';

/**
 * A job seeker's id is a keyed hash of the 求職番号 (job-seeker number) and the record's generation: staff
 * address a job seeker by the number they are told on the phone, and the number itself never becomes a stream
 * name. A8.1: each erasure closes a record; the number's next registration is the next generation's record.
 */
@Injectable()
export class JobSeekerIds {
  constructor(
    @Inject(PSEUDONYMIZER) private readonly pseudonymizer: Pseudonymizer,
    private readonly es: EventSourcing,
  ) {}

  /** The id of the number's record of a generation. */
  idOf(jobSeekerNo: string, generation: number): string {
    return jobSeekerIdOf(this.pseudonymizer, jobSeekerNo, generation);
  }

  /** The number's current record, past every erased one: the one its registrations and reservations go to. */
  async current(jobSeekerNo: string): Promise<{ jobSeekerId: string; generation: number }> {
    let generation = 0;
    for (;;) {
      const jobSeekerId = this.idOf(jobSeekerNo, generation);
      const next = nextGeneration((await this.es.load(jobSeekerDecider, streams.jobSeeker(jobSeekerId))).state);
      if (next === undefined) return { jobSeekerId, generation };
      generation = next;
    }
  }
}

/** The id of a number's record of a generation. The first generation's id is the hash of the number alone. */
export function jobSeekerIdOf(pseudonymizer: Pseudonymizer, jobSeekerNo: string, generation: number): string {
  const number = normalizeJobSeekerNo(jobSeekerNo);
  // A normalised number has no '#', so no number's later generation can hash like another number.
  return pseudonymizer.pseudonym('job-seeker-no', generation === 0 ? number : `${number}#${generation}`);
}

/** 求職番号 are written with or without hyphens and in full-width digits; the id must not depend on it. */
export function normalizeJobSeekerNo(jobSeekerNo: string): string {
  return jobSeekerNo.normalize('NFKC').replace(/[-\s]/g, '');
}
