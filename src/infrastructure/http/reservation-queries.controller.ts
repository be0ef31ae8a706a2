import { Controller, Get, Query as QueryParams } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AccessLog } from '../../application/privacy/access-log';
import { ReservationQueries } from '../../projections/reservations/reservations.read-model';
import { Allow, COUNTER_STAFF } from './auth.guard';
import { Viewer } from './command-context.decorator';
import { Authenticated, QuerySchema } from './openapi';
import { cursorPage, pageOf, paged, Query, reservationStatus, reservationSummarySchema } from './read-model-docs';
import { fields, says, Valid } from './validation';

const jobSeekerId = z.string().regex(/^[0-9a-f]{64}$/, says('input.job-seeker-id'));
const listQuery = cursorPage
  .extend({
    officeId: fields.id.optional(),
    counselorId: fields.id.optional(),
    jobSeekerId: jobSeekerId.optional(),
    status: z
      .string()
      .transform((s) => s.split(','))
      .pipe(z.array(reservationStatus))
      .optional()
      .describe('one or more statuses, comma-separated'),
    from: fields.date.optional().describe('JST date, inclusive (the session, or the 1st wish while requested)'),
    to: fields.date.optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { ...says('input.from-after-to'), path: ['to'] });
const listSchema = pageOf(reservationSummarySchema);

@ApiTags('reservations')
@Authenticated()
@Controller('v1/reservations')
export class ReservationQueriesController {
  constructor(
    private readonly reservations: ReservationQueries,
    private readonly accessLog: AccessLog,
  ) {}

  @Get()
  @Allow(...COUNTER_STAFF)
  @Query(
    'List reservations by office, counselor, job seeker, status and JST date range, in time order (cursor pages). A8.1: the read is recorded for auditors.',
    listSchema,
  )
  @QuerySchema(listQuery)
  async list(@QueryParams(new Valid(listQuery)) query: z.infer<typeof listQuery>, @Viewer() viewer: string): Promise<z.infer<typeof listSchema>> {
    const { limit, after, ...filter } = query;
    const page = await paged(() => this.reservations.list(filter, { limit, after }));
    await this.accessLog.record(
      viewer,
      'reservation-list',
      page.items.map((r) => r.jobSeekerId),
    );
    return page;
  }
}
