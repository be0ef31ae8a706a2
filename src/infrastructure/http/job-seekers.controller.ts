import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { CommandContext } from '../../application/event-sourcing/command-context';
import { ActOnJobSeeker, JobSeekerAnswer, RegisterJobSeeker } from '../../application/job-seeker/job-seeker.commands';
import { PublishTermsVersion, TermsAnswer, TermsCatalogue } from '../../application/terms/terms.commands';
import { Allow, COUNTER_STAFF } from './auth.guard';
import { AccessLog } from '../../application/privacy/access-log';
import { JobSeekerIds } from '../../application/job-seeker/job-seeker-ids';
import { ErasePersonalData } from '../../application/privacy/privacy.commands';
import { NotFound } from '../../domain/shared/errors';
import type { Page } from '../../application/page';
import { JobSeekerDirectoryProjection, JobSeekerListItem, JobSeekerView } from '../../projections/job-seeker/job-seeker-directory.projection';
import { erasureAnswer, jobSeekerAnswer, jobSeekerPage, jobSeekerView, termsAnswer, termsCatalogueAnswer } from './answers';
import { Ctx, Viewer } from './command-context.decorator';
import { AnswerSchema, Authenticated, Documented, PathSchema, QuerySchema, sendCreatedWhen } from './openapi';
import { BodySchema, fields, pagination, says, Valid } from './validation';

const registerSchema = z
  .object({
    jobSeekerNo: fields.jobSeekerNo,
    registration: z.enum(['pre', 'full']),
    name: fields.text(100),
    email: fields.email.optional(),
    phone: fields.phone.optional(),
    inPersonDifficulty: fields.text(1000).describe('A2.1: why coming to the office in person is difficult'),
  })
  .strict();
const yes = z.boolean();
const consentSchema = z
  .object({
    termsVersion: fields.text(50),
    environment: z.object({ 'A5.1': yes, 'A5.2': yes, 'A5.3': yes, 'A5.4': yes, 'A5.5': yes, 'A5.6': yes }).strict(),
    deviceReadiness: z.object({ device: z.enum(['smartphone', 'tablet', 'pc']), hasWebCamera: yes, appPrepared: yes }).strict(),
    designatedApp: z.object({ name: fields.text(100), termsUrl: fields.url }).strict(),
    recordingProhibitionAcknowledged: yes.describe('A12.2: recording the session by any means is prohibited'),
  })
  .strict();
const refuseSchema = z.object({ article: z.enum(['A12.1', 'A6.5']), reason: fields.text(1000) }).strict();
const liftSchema = z.object({ reason: fields.text(1000) }).strict();
const eraseSchema = z.object({ reason: fields.text(500).describe('why (e.g. the retention period ended); no personal data here') }).strict();
const termsSchema = z.object({ version: fields.text(50), effectiveFrom: fields.date, title: fields.text(200), summary: fields.text(4000) }).strict();
const jobSeekerId = z.string().regex(/^[0-9a-f]{64}$/, says('input.job-seeker-id'));
const idParam = new Valid(jobSeekerId);
const listQuery = pagination.extend({
  jobSeekerNo: fields.jobSeekerNo.optional().describe('the 求職番号 heard on the phone: only that job seeker (0 or 1 items)'),
});

@ApiTags('job seekers')
@Authenticated()
@Controller('v1/job-seekers')
export class JobSeekersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly directory: JobSeekerDirectoryProjection,
    private readonly accessLog: AccessLog,
    private readonly ids: JobSeekerIds,
  ) {}

  @Get()
  @Allow(...COUNTER_STAFF)
  @ApiOperation({
    summary:
      'List job seekers by name (paginated), or find one by the 求職番号 (`jobSeekerNo`, as registration accepts it). A8.1: the read is recorded for auditors.',
  })
  @QuerySchema(listQuery)
  @AnswerSchema(200, jobSeekerPage)
  async list(@Query(new Valid(listQuery)) query: z.infer<typeof listQuery>, @Viewer() viewer: string): Promise<Page<JobSeekerListItem>> {
    // The number's current record (past every erased one, A8.1).
    const page =
      query.jobSeekerNo === undefined
        ? await this.directory.list(query.offset, query.limit)
        : await this.directory.listOne((await this.ids.current(query.jobSeekerNo)).jobSeekerId, query.offset, query.limit);
    await this.accessLog.record(
      viewer,
      query.jobSeekerNo === undefined ? 'job-seeker-list' : 'job-seeker-lookup',
      page.items.map((i) => i.jobSeekerId),
    );
    return page;
  }

  @Get(':id')
  @Allow(...COUNTER_STAFF)
  @ApiOperation({
    summary: 'One job seeker: details, consents, no-shows, refusal, reservations, devices (pseudonyms only, A7.2). A8.1: the read is recorded.',
  })
  @AnswerSchema(200, jobSeekerView)
  @PathSchema('id', jobSeekerId)
  async get(@Param('id', idParam) id: string, @Viewer() viewer: string): Promise<JobSeekerView> {
    const view = await this.directory.jobSeeker(id);
    if (!view) throw new NotFound('Job seeker', id);
    await this.accessLog.record(viewer, 'job-seeker', [id]);
    return view;
  }

  @Post(':id/erasure')
  @Allow('supervisor')
  @HttpCode(200)
  @Documented("A8.1: erase the job seeker's personal data (their key is destroyed); the history stays, its personal fields read as erased.")
  @BodySchema(eraseSchema)
  @AnswerSchema(200, erasureAnswer)
  @PathSchema('id', jobSeekerId)
  erase(
    @Param('id', idParam) id: string,
    @Body(new Valid(eraseSchema)) body: z.infer<typeof eraseSchema>,
    @Ctx() context: CommandContext,
  ): Promise<JobSeekerAnswer> {
    return this.commands.execute(new ErasePersonalData(id, body.reason, context));
  }

  @Post()
  @Allow(...COUNTER_STAFF)
  @Documented('A2.1: register a job seeker (201), or update their details (200; same job-seeker number: same job seeker).')
  @BodySchema(registerSchema)
  @AnswerSchema([201, 200], jobSeekerAnswer)
  async register(
    @Body(new Valid(registerSchema)) body: z.infer<typeof registerSchema>,
    @Ctx() context: CommandContext,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answer: JobSeekerAnswer = await this.commands.execute(new RegisterJobSeeker(body, context));
    await sendCreatedWhen(reply, 'JobSeekerRegistered', answer);
  }

  @Post(':id/consents')
  @Allow(...COUNTER_STAFF)
  @Documented('A2.3 / A4 / A5 / A12.2: record consent to a terms version, with the environment declaration item by item.')
  @BodySchema(consentSchema)
  @AnswerSchema(201, jobSeekerAnswer)
  @PathSchema('id', jobSeekerId)
  consent(
    @Param('id', idParam) id: string,
    @Body(new Valid(consentSchema)) body: z.infer<typeof consentSchema>,
    @Ctx() context: CommandContext,
  ): Promise<JobSeekerAnswer> {
    return this.commands.execute(new ActOnJobSeeker(id, { type: 'GiveConsent', ...body }, context));
  }

  @Post(':id/refusal')
  @Allow('supervisor')
  @HttpCode(200)
  @Documented(
    'A12.1 / A6.5: refuse service to a job seeker. Their open reservations (requests, and sessions not yet joined) are then cancelled by the system, the refusal as the reason, and the slots given back; no invitation is sent to them.',
  )
  @BodySchema(refuseSchema)
  @AnswerSchema(200, jobSeekerAnswer)
  @PathSchema('id', jobSeekerId)
  refuse(
    @Param('id', idParam) id: string,
    @Body(new Valid(refuseSchema)) body: z.infer<typeof refuseSchema>,
    @Ctx() context: CommandContext,
  ): Promise<JobSeekerAnswer> {
    return this.commands.execute(new ActOnJobSeeker(id, { type: 'RefuseService', ...body }, context));
  }

  @Post(':id/refusal/lift')
  @Allow('supervisor')
  @HttpCode(200)
  @Documented('A12.1: lift a refusal.')
  @BodySchema(liftSchema)
  @AnswerSchema(200, jobSeekerAnswer)
  @PathSchema('id', jobSeekerId)
  lift(
    @Param('id', idParam) id: string,
    @Body(new Valid(liftSchema)) body: z.infer<typeof liftSchema>,
    @Ctx() context: CommandContext,
  ): Promise<JobSeekerAnswer> {
    return this.commands.execute(new ActOnJobSeeker(id, { type: 'LiftRefusal', ...body }, context));
  }
}

@ApiTags('terms')
@Authenticated()
@Controller('v1/terms-versions')
export class TermsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly catalogue: TermsCatalogue,
  ) {}

  @Get()
  @Allow(...COUNTER_STAFF)
  @ApiOperation({ summary: 'A13: the published terms versions, and the one in force today (JST) that a consent given now names.' })
  @AnswerSchema(200, termsCatalogueAnswer)
  versions(): Promise<z.infer<typeof termsCatalogueAnswer>> {
    return this.catalogue.versions();
  }

  @Post()
  @Allow('supervisor')
  @Documented('A13: publish a terms version with its effective date (JST).')
  @BodySchema(termsSchema)
  @AnswerSchema(201, termsAnswer)
  publish(@Body(new Valid(termsSchema)) body: z.infer<typeof termsSchema>, @Ctx() context: CommandContext): Promise<TermsAnswer> {
    return this.commands.execute(new PublishTermsVersion(body, context));
  }
}
