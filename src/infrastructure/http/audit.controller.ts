import { Controller, Get, Query as QueryParams } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { MAX_AUDIT_DAYS } from '../../application/privacy/access-log';
import { AuditQueries } from '../../projections/audit/audit.read-model';
import { Allow } from './auth.guard';
import { Authenticated, QuerySchema } from './openapi';
import { auditEntrySchema, cursorPage, eventTypeParam, pageOf, paged, Query } from './read-model-docs';
import { fields, says, Valid } from './validation';

const auditQuery = cursorPage
  .extend({
    from: fields.date,
    to: fields.date,
    jobSeekerId: z
      .string()
      .regex(/^[0-9a-f]{64}$/, says('input.job-seeker-id'))
      .optional()
      .describe('only events of this job seeker'),
    actor: z
      .string()
      .regex(/^(staff|system):[A-Za-z0-9._@-]{1,64}$/, says('input.actor'))
      .optional()
      .describe('only events by this actor, e.g. staff:tanaka'),
    type: eventTypeParam.optional(),
  })
  .strict()
  .refine((q) => q.from <= q.to, { ...says('input.from-after-to'), path: ['to'] })
  .refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 < MAX_AUDIT_DAYS, {
    ...says('input.range-too-long'),
    params: { days: MAX_AUDIT_DAYS },
    path: ['to'],
  });
const auditSchema = pageOf(auditEntrySchema);

@ApiTags('privacy')
@Authenticated()
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditQueries) {}

  @Get('events')
  @Allow('auditor')
  @Query(
    `The audit log: every event with its actor, time (JST), command id, correlation id and rule; filter by job seeker, actor (staff member), event type and JST dates from–to (at most ${MAX_AUDIT_DAYS} days); cursor pages. Ids only: no personal values, devices as pseudonyms (A7.2).`,
    auditSchema,
  )
  @QuerySchema(auditQuery)
  events(@QueryParams(new Valid(auditQuery)) query: z.infer<typeof auditQuery>): Promise<z.infer<typeof auditSchema>> {
    const { limit, after, ...filter } = query;
    return paged(() => this.audit.events(filter, { limit, after }));
  }
}
