import { Inject, Injectable } from '@nestjs/common';
import { ReadModels } from '../../application/consumers/read-models';
import { READ_STORE, ReadStore } from '../../application/ports/read-store';
import { NotFound } from '../../domain/shared/errors';
import { DocumentProjection, findAll, Stored, withoutStorage } from '../document-projection';
import { JobSeekerDocument, jobSeekerProjector } from './job-seeker.projector';

export const JOB_SEEKERS = 'job_seeker_overview';

@Injectable()
export class JobSeekersProjection extends DocumentProjection<JobSeekerDocument> {
  constructor() {
    super(jobSeekerProjector, {
      name: JOB_SEEKERS,
      indexes: [{ fields: [{ field: 'refusalReviewDue.since' }] }, { fields: [{ field: 'failedTermsNotices' }] }],
    });
  }
}

/** Queries of the job-seekers read model; each waits until it has caught up. */
@Injectable()
export class JobSeekerQueries {
  constructor(
    private readonly readModels: ReadModels,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  async one(jobSeekerId: string): Promise<JobSeekerDocument> {
    await this.readModels.caughtUp(jobSeekerProjector.name);
    const document = await this.store.get<Stored<JobSeekerDocument>>(JOB_SEEKERS, jobSeekerId);
    if (!document) throw new NotFound('Job seeker', jobSeekerId);
    return withoutStorage(document);
  }

  /** A6.5: job seekers whose no-shows call for a refusal review, not refused yet. */
  async dueForRefusalReview(): Promise<JobSeekerDocument[]> {
    await this.readModels.caughtUp(jobSeekerProjector.name);
    return findAll<JobSeekerDocument>(this.store, JOB_SEEKERS, {
      where: { 'refusalReviewDue.since': { exists: true } },
      orderBy: [{ field: 'refusalReviewDue.since' }],
    });
  }

  /** A13: job seekers with a terms notice refused for good, not settled by their consent to that version. */
  async withFailedTermsNotices(): Promise<JobSeekerDocument[]> {
    await this.readModels.caughtUp(jobSeekerProjector.name);
    return findAll<JobSeekerDocument>(this.store, JOB_SEEKERS, { where: { failedTermsNotices: { exists: true } } });
  }
}
