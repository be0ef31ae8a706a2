import { Controller, Get, Headers, Param, Query as QueryParams } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { languageOf } from '../../domain/shared/messages';
import { CalendarQueries } from '../../projections/calendar/calendar.read-model';
import { Allow, COUNTER_STAFF } from './auth.guard';
import { Authenticated, PathSchema, QuerySchema } from './openapi';
import { calendarSchema, Query } from './read-model-docs';
import { fields, Valid } from './validation';

const calendarQuery = z
  .object({ date: fields.date, span: z.enum(['day', 'week']).default('day').describe('the day, or its Monday-to-Sunday week') })
  .strict();
const idParam = new Valid(fields.id);
const SUMMARY =
  "Every 30-minute slot 10:00–17:00 JST: free / held / confirmed / checked-in / completed / stopped / missed / cancelled, with weekends, national holidays, 12/29–1/3, office closure days and the counselor's hours, leave and blocked periods marked, and whether a wish fits (bookable); the reasons in Japanese, or English with Accept-Language: en. No personal data.";

@ApiTags('calendar')
@Authenticated()
@Controller('v1')
export class CalendarController {
  constructor(private readonly calendar: CalendarQueries) {}

  @Get('offices/:id/calendar')
  @Allow(...COUNTER_STAFF)
  @Query(`The calendar of an office's counselors for a day or a week. ${SUMMARY}`, calendarSchema)
  @PathSchema('id', fields.id)
  @QuerySchema(calendarQuery)
  office(
    @Param('id', idParam) id: string,
    @QueryParams(new Valid(calendarQuery)) query: z.infer<typeof calendarQuery>,
    @Headers('accept-language') acceptLanguage?: string,
  ): Promise<z.infer<typeof calendarSchema>> {
    return this.calendar.ofOffice(id, query.date, query.span, languageOf(acceptLanguage));
  }

  @Get('counselors/:id/calendar')
  @Allow(...COUNTER_STAFF)
  @Query(`The calendar of one counselor for a day or a week. ${SUMMARY}`, calendarSchema)
  @PathSchema('id', fields.id)
  @QuerySchema(calendarQuery)
  counselor(
    @Param('id', idParam) id: string,
    @QueryParams(new Valid(calendarQuery)) query: z.infer<typeof calendarQuery>,
    @Headers('accept-language') acceptLanguage?: string,
  ): Promise<z.infer<typeof calendarSchema>> {
    return this.calendar.ofCounselor(id, query.date, query.span, languageOf(acceptLanguage));
  }
}
