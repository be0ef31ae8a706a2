import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CommandContext, entityId } from '../../application/event-sourcing/command-context';
import {
  ActOnCounselor,
  ActOnOffice,
  AddCounselor,
  CounselorAnswer,
  CounselorStep,
  OfficeAnswer,
  OpenOffice,
} from '../../application/office/office.commands';
import { NotFound } from '../../domain/shared/errors';
import type { Page } from '../../application/page';
import { CounselorView, DirectoryProjection, OfficeView } from '../../projections/directory/directory.projection';
import { Allow } from './auth.guard';
import { counselorAnswer, counselorPage, counselorView, officeAnswer, officePage, officeView } from './answers';
import { Ctx } from './command-context.decorator';
import { AnswerSchema, Authenticated, Documented, PathSchema, QuerySchema } from './openapi';
import { BodySchema, fields, pagination, says, Valid } from './validation';

const app = z.object({ name: fields.text(100), termsUrl: fields.url }).strict();
const meetingUrlPolicy = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('counselor-room') }).strict(),
  z.object({ kind: z.literal('per-session'), template: fields.url.refine((t) => t.includes('{token}'), says('input.url-token')) }).strict(),
]);
const profile = { name: fields.text(100), cancellationPhone: fields.phone, senderEmail: fields.email };
const openSchema = z.object({ ...profile, designatedApp: app, meetingUrlPolicy }).strict();
const profileSchema = z.object(profile).partial().strict();
const appSchema = z.object({ designatedApp: app, meetingUrlPolicy }).strict();
const closureSchema = z.object({ date: fields.date, reason: fields.text(200) }).strict();

const counselorSchema = z.object({ name: fields.text(100), roomUrl: fields.url.optional() }).strict();
const counselorPatchSchema = z
  .object({ name: fields.text(100).optional(), roomUrl: fields.url.optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.roomUrl !== undefined, says('input.name-or-room-url'));
const dayHours = z.object({ from: fields.hhmm, to: fields.hhmm }).strict().nullable();
const weeklySchema = z.object({ '1': dayHours, '2': dayHours, '3': dayHours, '4': dayHours, '5': dayHours }).strict();
const exceptionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('leave'), date: fields.date, reason: fields.text(200) }).strict(),
  z.object({ kind: z.literal('blocked'), from: fields.instant, to: fields.instant, reason: fields.text(200) }).strict(),
  z.object({ kind: z.literal('shorter-day'), date: fields.date, from: fields.hhmm, to: fields.hhmm, reason: fields.text(200) }).strict(),
]);
const deactivateSchema = z.object({ reason: fields.text(1000) }).strict();
const counselorListQuery = pagination
  .extend({ includeInactive: z.enum(['true', 'false']).default('false').describe('true: deactivated counselors too') })
  .strict();
const empty = z.object({}).strict().default({});
const idParam = new Valid(fields.id);

@ApiTags('offices and counselors')
@Authenticated()
@Controller('v1')
export class OfficesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly directory: DirectoryProjection,
  ) {}

  @Post('offices')
  @Allow('admin')
  @Documented('Open an office: name, cancellation phone (A6.5), sender address, designated app (A4) and how meeting URLs are made.')
  @BodySchema(openSchema)
  @AnswerSchema(201, officeAnswer)
  open(@Body(new Valid(openSchema)) body: z.infer<typeof openSchema>, @Ctx() context: CommandContext): Promise<OfficeAnswer> {
    return this.commands.execute(new OpenOffice(body, context));
  }

  @Get('offices')
  @Allow('counselor', 'supervisor', 'auditor', 'admin')
  @ApiOperation({ summary: 'List offices (paginated: offset, limit ≤ 200).' })
  @QuerySchema(pagination)
  @AnswerSchema(200, officePage)
  offices(@Query(new Valid(pagination)) query: z.infer<typeof pagination>): Promise<Page<OfficeView>> {
    return this.directory.listOffices(query.offset, query.limit);
  }

  @Get('offices/:id')
  @Allow('counselor', 'supervisor', 'auditor', 'admin')
  @ApiOperation({ summary: 'One office with its closure days.' })
  @AnswerSchema(200, officeView)
  @PathSchema('id', fields.id)
  async office(@Param('id', idParam) id: string): Promise<OfficeView> {
    const office = await this.directory.office(id);
    if (!office) throw new NotFound('Office', id);
    return office;
  }

  @Patch('offices/:id')
  @Allow('admin')
  @Documented("Change an office's name, cancellation phone or sender address.")
  @BodySchema(profileSchema)
  @AnswerSchema(200, officeAnswer)
  @PathSchema('id', fields.id)
  changeProfile(
    @Param('id', idParam) id: string,
    @Body(new Valid(profileSchema)) body: z.infer<typeof profileSchema>,
    @Ctx() context: CommandContext,
  ): Promise<OfficeAnswer> {
    return this.commands.execute(new ActOnOffice(id, { type: 'ChangeOfficeProfile', ...body }, context));
  }

  @Put('offices/:id/designated-app')
  @Allow('admin')
  @Documented('A4: change the designated app and how meeting URLs are made (applies to new confirmations only).')
  @BodySchema(appSchema)
  @AnswerSchema(200, officeAnswer)
  @PathSchema('id', fields.id)
  changeApp(
    @Param('id', idParam) id: string,
    @Body(new Valid(appSchema)) body: z.infer<typeof appSchema>,
    @Ctx() context: CommandContext,
  ): Promise<OfficeAnswer> {
    return this.commands.execute(new ActOnOffice(id, { type: 'ChangeDesignatedApp', ...body }, context));
  }

  @Post('offices/:id/closure-days')
  @Allow('supervisor', 'admin')
  @Documented(
    'Close the office on a day (on top of national holidays and 12/29–1/3). Refused (422 OFFICE, the sessions in `details.sessions`) while the office has sessions that day: move or cancel them first.',
  )
  @BodySchema(closureSchema)
  @AnswerSchema(201, officeAnswer)
  @PathSchema('id', fields.id)
  addClosure(
    @Param('id', idParam) id: string,
    @Body(new Valid(closureSchema)) body: z.infer<typeof closureSchema>,
    @Ctx() context: CommandContext,
  ): Promise<OfficeAnswer> {
    return this.commands.execute(new ActOnOffice(id, { type: 'AddClosureDay', ...body }, context));
  }

  @Delete('offices/:id/closure-days/:date')
  @Allow('supervisor', 'admin')
  @HttpCode(200)
  @Documented('Open the office again on a closure day.')
  @AnswerSchema(200, officeAnswer)
  @PathSchema('id', fields.id)
  @PathSchema('date', fields.date)
  removeClosure(
    @Param('id', idParam) id: string,
    @Param('date', new Valid(fields.date)) date: string,
    @Ctx() context: CommandContext,
  ): Promise<OfficeAnswer> {
    return this.commands.execute(new ActOnOffice(id, { type: 'RemoveClosureDay', date }, context));
  }

  @Post('offices/:id/counselors')
  @Allow('supervisor', 'admin')
  @Documented('Add a counselor to an office (available every business day 10:00–17:00 until told otherwise).')
  @BodySchema(counselorSchema)
  @AnswerSchema(201, counselorAnswer)
  @PathSchema('id', fields.id)
  addCounselor(
    @Param('id', idParam) id: string,
    @Body(new Valid(counselorSchema)) body: z.infer<typeof counselorSchema>,
    @Ctx() context: CommandContext,
  ): Promise<CounselorAnswer> {
    return this.commands.execute(new AddCounselor(id, body, context));
  }

  @Get('offices/:id/counselors')
  @Allow('counselor', 'supervisor', 'auditor', 'admin')
  @ApiOperation({ summary: "List an office's counselors (paginated; includeInactive=true to see deactivated ones)." })
  @QuerySchema(counselorListQuery)
  @AnswerSchema(200, counselorPage)
  @PathSchema('id', fields.id)
  async counselors(
    @Param('id', idParam) id: string,
    @Query(new Valid(counselorListQuery)) query: z.infer<typeof counselorListQuery>,
  ): Promise<Page<CounselorView>> {
    if (!(await this.directory.office(id))) throw new NotFound('Office', id);
    return this.directory.listCounselors(id, query.offset, query.limit, query.includeInactive === 'true');
  }

  @Get('counselors/:id')
  @Allow('counselor', 'supervisor', 'auditor', 'admin')
  @ApiOperation({ summary: 'One counselor with availability and exceptions.' })
  @AnswerSchema(200, counselorView)
  @PathSchema('id', fields.id)
  async counselor(@Param('id', idParam) id: string): Promise<CounselorView> {
    const counselor = await this.directory.counselor(id);
    if (!counselor) throw new NotFound('Counselor', id);
    return counselor;
  }

  @Patch('counselors/:id')
  @Allow('supervisor', 'admin')
  @HttpCode(200)
  @Documented('Rename a counselor or set their fixed meeting room URL (A4).')
  @BodySchema(counselorPatchSchema)
  @AnswerSchema(200, counselorAnswer)
  @PathSchema('id', fields.id)
  changeCounselor(
    @Param('id', idParam) id: string,
    @Body(new Valid(counselorPatchSchema)) body: z.infer<typeof counselorPatchSchema>,
    @Ctx() context: CommandContext,
  ): Promise<CounselorAnswer> {
    const steps: CounselorStep[] = [];
    if (body.name !== undefined) steps.push({ type: 'RenameCounselor', name: body.name });
    if (body.roomUrl !== undefined) steps.push({ type: 'SetRoomUrl', roomUrl: body.roomUrl });
    return this.act(id, steps, context);
  }

  @Put('counselors/:id/weekly-hours')
  @Allow('supervisor', 'admin')
  @HttpCode(200)
  @Documented('Set working hours per weekday (1 = Monday … 5 = Friday; null = not working).')
  @BodySchema(weeklySchema)
  @AnswerSchema(200, counselorAnswer)
  @PathSchema('id', fields.id)
  weeklyHours(
    @Param('id', idParam) id: string,
    @Body(new Valid(weeklySchema)) body: z.infer<typeof weeklySchema>,
    @Ctx() context: CommandContext,
  ): Promise<CounselorAnswer> {
    return this.act(id, { type: 'SetWeeklyHours', weeklyHours: body }, context);
  }

  @Post('counselors/:id/exceptions')
  @Allow('supervisor', 'admin')
  @Documented('Add an availability exception: a leave day, a blocked period, or a shorter day.')
  @BodySchema(exceptionSchema)
  @AnswerSchema(201, counselorAnswer)
  @PathSchema('id', fields.id)
  addException(
    @Param('id', idParam) id: string,
    @Body(new Valid(exceptionSchema)) body: z.infer<typeof exceptionSchema>,
    @Ctx() context: CommandContext,
  ): Promise<CounselorAnswer> {
    const exceptionId = entityId(context, 'availability-exception');
    const exception =
      body.kind === 'blocked' ? { ...body, exceptionId, from: body.from.toISOString(), to: body.to.toISOString() } : { ...body, exceptionId };
    return this.act(id, { type: 'AddAvailabilityException', exception }, context);
  }

  @Delete('counselors/:id/exceptions/:exceptionId')
  @Allow('supervisor', 'admin')
  @HttpCode(200)
  @Documented('Remove an availability exception.')
  @AnswerSchema(200, counselorAnswer)
  @PathSchema('id', fields.id)
  @PathSchema('exceptionId', fields.text(128))
  removeException(
    @Param('id', idParam) id: string,
    @Param('exceptionId', new Valid(fields.text(128))) exceptionId: string,
    @Ctx() context: CommandContext,
  ): Promise<CounselorAnswer> {
    return this.act(id, { type: 'RemoveAvailabilityException', exceptionId }, context);
  }

  @Post('counselors/:id/deactivate')
  @Allow('supervisor', 'admin')
  @HttpCode(200)
  @Documented('Deactivate a counselor; refused while they still hold future sessions (the answer lists them).')
  @BodySchema(deactivateSchema)
  @AnswerSchema(200, counselorAnswer)
  @PathSchema('id', fields.id)
  deactivate(
    @Param('id', idParam) id: string,
    @Body(new Valid(deactivateSchema)) body: z.infer<typeof deactivateSchema>,
    @Ctx() context: CommandContext,
  ): Promise<CounselorAnswer> {
    return this.act(id, { type: 'DeactivateCounselor', reason: body.reason }, context);
  }

  @Post('counselors/:id/reactivate')
  @Allow('supervisor', 'admin')
  @HttpCode(200)
  @Documented('Reactivate a counselor.')
  @BodySchema(empty)
  @AnswerSchema(200, counselorAnswer)
  @PathSchema('id', fields.id)
  reactivate(@Param('id', idParam) id: string, @Body(new Valid(empty)) _body: unknown, @Ctx() context: CommandContext): Promise<CounselorAnswer> {
    return this.act(id, { type: 'ReactivateCounselor' }, context);
  }

  private act(id: string, step: CounselorStep | CounselorStep[], context: CommandContext): Promise<CounselorAnswer> {
    return this.commands.execute(new ActOnCounselor(id, step, context));
  }
}
