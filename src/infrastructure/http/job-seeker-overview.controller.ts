import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AccessLog } from '../../application/privacy/access-log';
import { JobSeekerOverviewQuery } from '../../projections/job-seekers/job-seeker-overview';
import { Allow, COUNTER_STAFF } from './auth.guard';
import { Viewer } from './command-context.decorator';
import { Authenticated, PathSchema } from './openapi';
import { jobSeekerOverviewSchema, Query } from './read-model-docs';
import { says, Valid } from './validation';

const jobSeekerId = z
  .string()
  .regex(/^[0-9a-f]{64}$/, says('input.job-seeker-id'))
  .describe('the job-seeker id returned on registration');
const idParam = new Valid(jobSeekerId);

@ApiTags('job seekers')
@Authenticated()
@Controller('v1/job-seekers')
export class JobSeekerOverviewController {
  constructor(
    private readonly overview: JobSeekerOverviewQuery,
    private readonly accessLog: AccessLog,
  ) {}

  @Get(':id/overview')
  @Allow(...COUNTER_STAFF)
  @Query(
    'A job seeker at a glance: registration, consent and terms version, the A5 declaration, device readiness (A2.2), devices as pseudonyms (A7.2), no-shows, a due refusal review, refusal, upcoming and past sessions. A8.1: the read is recorded.',
    jobSeekerOverviewSchema,
  )
  @PathSchema('id', jobSeekerId)
  async get(@Param('id', idParam) id: string, @Viewer() viewer: string): Promise<z.infer<typeof jobSeekerOverviewSchema>> {
    const overview = await this.overview.of(id);
    await this.accessLog.record(viewer, 'job-seeker-overview', [id]);
    return overview;
  }
}
