import { Inject, Injectable } from '@nestjs/common';
import { Pseudonymizer } from '../ports/pseudonymizer';
import { PSEUDONYMIZER } from '../ports/tokens';

/**
 * A job seeker's id is a keyed hash of the 求職番号 (job-seeker number): staff address a job seeker
 * by the number they are told on the phone, and the number itself never becomes a stream name.
 */
@Injectable()
export class JobSeekerIds {
  constructor(@Inject(PSEUDONYMIZER) private readonly pseudonymizer: Pseudonymizer) {}

  idOf(jobSeekerNo: string): string {
    return this.pseudonymizer.pseudonym('job-seeker-no', normalizeJobSeekerNo(jobSeekerNo));
  }
}

/** 求職番号 are written with or without hyphens and in full-width digits; the id must not depend on it. */
export function normalizeJobSeekerNo(jobSeekerNo: string): string {
  return jobSeekerNo.normalize('NFKC').replace(/[-\s]/g, '');
}
