import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { CommandContext } from '../../application/event-sourcing/command-context';
import { AccessLog, AccessRecord, MAX_AUDIT_DAYS } from '../../application/privacy/access-log';
import { DiscloseDeviceIdentifiers, DisclosureAnswer } from '../../application/privacy/privacy.commands';
import type { Page } from '../../application/page';
import { Allow } from './auth.guard';
import { accessPage, disclosureAnswer } from './answers';
import { Ctx } from './command-context.decorator';
import { AnswerSchema, Authenticated, Documented, QuerySchema } from './openapi';
import { BodySchema, fields, pagination, says, Valid } from './validation';

const jobSeekerId = z.string().regex(/^[0-9a-f]{64}$/, says('input.job-seeker-id'));
const disclosureSchema = z
  .object({
    jobSeekerId,
    authority: fields.text(200).describe('the authority that asked, e.g. 岡山県警察本部'),
    reference: fields.text(200).describe("the authority's reference for the request (照会書番号)"),
    reason: fields.text(1000),
  })
  .strict();
/** The range is checked only once both dates are dates: an invalid date is one problem, not three. */
function onlyValidDates(payload: { issues: readonly unknown[] }): boolean {
  return payload.issues.length === 0;
}
const auditQuery = pagination
  .extend({
    from: fields.date.describe('first day, a JST date (YYYY-MM-DD)'),
    to: fields.date.describe(`last day, a JST date; at most ${MAX_AUDIT_DAYS} days from \`from\``),
    jobSeekerId: jobSeekerId.optional().describe('only reads of this job seeker'),
    viewer: z
      .string()
      .regex(/^staff:[A-Za-z0-9._@-]{1,64}$/, says('input.viewer'))
      .optional()
      .describe('only reads by this staff member, e.g. staff:tanaka'),
  })
  .strict()
  .refine((q) => q.from <= q.to, { ...says('input.from-after-to'), path: ['to'], when: onlyValidDates })
  .refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 < MAX_AUDIT_DAYS, {
    ...says('input.range-too-long'),
    params: { days: MAX_AUDIT_DAYS },
    path: ['to'],
    when: onlyValidDates,
  });

@ApiTags('privacy')
@Authenticated()
@Controller('v1')
export class PrivacyController {
  constructor(
    private readonly commands: CommandBus,
    private readonly accessLog: AccessLog,
  ) {}

  @Post('legal-requests')
  @Allow('supervisor')
  @Documented(
    'A7.2: on a legal request from the authorities, disclose the device identifiers a job seeker checked in from. The disclosure is recorded (LegalDisclosureMade) before it is answered.',
  )
  @BodySchema(disclosureSchema)
  @AnswerSchema(201, disclosureAnswer)
  disclose(@Body(new Valid(disclosureSchema)) body: z.infer<typeof disclosureSchema>, @Ctx() context: CommandContext): Promise<DisclosureAnswer> {
    return this.commands.execute(new DiscloseDeviceIdentifiers(body, context));
  }

  @Get('audit/personal-data-views')
  @Allow('auditor')
  @ApiOperation({
    summary: `A8.1: who read whose personal data, when (JST dates from–to, at most ${MAX_AUDIT_DAYS} days; filter by job seeker or viewer; paginated).`,
  })
  @QuerySchema(auditQuery)
  @AnswerSchema(200, accessPage)
  views(@Query(new Valid(auditQuery)) query: z.infer<typeof auditQuery>): Promise<Page<AccessRecord>> {
    return this.accessLog.query(query);
  }
}
