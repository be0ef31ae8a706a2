import { Controller, Get, Inject, Query as QueryParams } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { MAX_AUDIT_DAYS } from '../../application/privacy/access-log';
import { AuditQueries } from '../../projections/audit/audit.read-model';
import { AuditReplay, replaySubject } from '../../projections/audit/replay';
import type { Clock } from '../../application/ports/clock';
import { CLOCK } from '../../application/ports/clock';
import { Allow } from './auth.guard';
import { Authenticated, QuerySchema } from './openapi';
import { auditEntrySchema, cursorPage, eventTypeParam, pageOf, paged, Query, replaySchema } from './read-model-docs';
import { Viewer } from './command-context.decorator';
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

const replayQuery = z
  .object({
    subject: z
      .string()
      .refine((text) => replaySubject(text) !== undefined, says('input.replay-subject'))
      .describe('reservation:<id>, job-seeker:<id> or counselor-day:<counselor id>:<JST date>'),
    asOf: fields.instant.optional().describe('replay to this instant (what was known then); default: now'),
    since: fields.instant.optional().describe('also the state at this earlier instant, and what changed from it to asOf'),
  })
  .strict();

@ApiTags('privacy')
@Authenticated()
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditQueries,
    private readonly replays: AuditReplay,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

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

  @Get('replay')
  @Allow('auditor')
  @Query(
    'Issue 19: the history of a reservation, a job seeker (every stream) or a counselor’s day: who, when (JST), which command, which rule, and what each event says; the state as of `asOf` (what was known then); with `since`, the state then and what changed. A8.1: personal values are shown, so the replay itself is recorded.',
    replaySchema,
  )
  @QuerySchema(replayQuery)
  replay(@QueryParams(new Valid(replayQuery)) query: z.infer<typeof replayQuery>, @Viewer() viewer: string): Promise<z.infer<typeof replaySchema>> {
    return this.replays.replay({ subject: replaySubject(query.subject)!, asOf: query.asOf ?? this.clock.now(), since: query.since, viewer });
  }
}
