import { Controller, Get, Query as QueryParams, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { UsageExports } from '../../application/privacy/usage-exports';
import { UsageRecords, usageCsv } from '../../projections/reservations/usage-records';
import { Allow } from './auth.guard';
import { Viewer } from './command-context.decorator';
import { Authenticated, QuerySchema } from './openapi';
import { fields, says, Valid } from './validation';

const usageQuery = z
  .object({
    officeId: fields.id.describe('the office'),
    month: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, says('input.month'))
      .describe('the month (JST), YYYY-MM'),
  })
  .strict();

@ApiTags('privacy')
@Authenticated()
@Controller('v1/usage-records')
export class UsageController {
  constructor(
    private readonly records: UsageRecords,
    private readonly exports: UsageExports,
  ) {}

  @Get()
  @Allow('supervisor', 'auditor')
  @ApiOperation({
    summary:
      'A7: the usage records of an office and month as CSV for statistics: one line per session (date, times, status, channel, check-in and how early or late, whether a device was recorded, interpreter or assistant). A7.2: no person and no device can be identified from it; the export is recorded (UsageRecordsExported).',
  })
  @ApiProduces('text/csv')
  @ApiResponse({ status: 200, description: 'CSV (RFC 4180, UTF-8, header line).', content: { 'text/csv': { schema: { type: 'string' } } } })
  @QuerySchema(usageQuery)
  async export(
    @QueryParams(new Valid(usageQuery)) query: z.infer<typeof usageQuery>,
    @Viewer() viewer: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const records = await this.records.month(query.officeId, query.month);
    // A7.2: no record, no file.
    await this.exports.record(viewer, query.officeId, query.month, records.length);
    void reply.header('content-type', 'text/csv; charset=utf-8');
    void reply.header('content-disposition', `attachment; filename="usage-${query.month}.csv"`);
    return usageCsv(records);
  }
}
