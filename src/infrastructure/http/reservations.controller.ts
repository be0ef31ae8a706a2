import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { CommandContext } from '../../application/event-sourcing/command-context';
import {
  ActOnReservation,
  BookFollowUp,
  ConfirmSlot,
  RequestReservation,
  ReservationAnswer,
  ReservationStep,
} from '../../application/reservation/reservation.commands';
import { Allow, COUNTER_STAFF } from './auth.guard';
import { AccessLog } from '../../application/privacy/access-log';
import { ReservationQueries } from '../../projections/reservations/reservations.read-model';
import { reservationAnswer } from './answers';
import { Query, reservationDetailSchema } from './read-model-docs';
import { Ctx, Viewer } from './command-context.decorator';
import { AnswerSchema, Authenticated, Documented, PathSchema } from './openapi';
import { BodySchema, fields, says, Valid } from './validation';

const attendance = z
  .object({ interpreter: z.boolean().default(false), assistant: z.boolean().default(false) })
  .strict()
  .default({ interpreter: false, assistant: false });
const jobSeekerNo = fields.jobSeekerNo;

const requestSchema = z
  .object({
    officeId: fields.id,
    jobSeekerNo,
    name: fields.text(100),
    email: fields.email,
    channel: z.enum(['phone', 'counter']),
    firstWish: fields.instant,
    secondWish: fields.instant.optional(),
    attendance,
  })
  .strict();
const confirmSchema = z.object({ counselorId: fields.id, start: fields.instant }).strict();
const followUpSchema = z
  .object({ jobSeekerNo, name: fields.text(100), email: fields.email, attendance, counselorId: fields.id, start: fields.instant })
  .strict();
const reasonSchema = z.object({ reason: fields.text(1000) }).strict();
const cancelSchema = z.object({ channel: z.enum(['phone', 'counter', 'staff']), reason: fields.text(1000) }).strict();
const interpreterSchema = z.object({ role: z.enum(['interpreter', 'assistant']), note: fields.text(1000) }).strict();
const empty = z.object({}).strict().default({});
const checkInSchema = z
  .object({
    deviceId: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .regex(/^[\x21-\x7e]+$/, says('input.device-id'))
      .optional(),
  })
  .strict()
  .default({});
const idParam = new Valid(fields.id);

@ApiTags('reservations')
@Authenticated()
@Controller('v1/reservations')
export class ReservationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reservations: ReservationQueries,
    private readonly accessLog: AccessLog,
  ) {}

  @Get(':id')
  @Allow(...COUNTER_STAFF)
  @Query(
    'One reservation: status, wishes, slot, e-mail, and its timeline (who did what, when, under which rule; times JST). A8.1: the read is recorded for auditors.',
    reservationDetailSchema,
  )
  @PathSchema('id', fields.id)
  async get(@Param('id', idParam) id: string, @Viewer() viewer: string): Promise<z.infer<typeof reservationDetailSchema>> {
    const view = await this.reservations.one(id);
    await this.accessLog.record(viewer, 'reservation', [view.jobSeekerId]);
    return view;
  }

  @Post()
  @Allow(...COUNTER_STAFF)
  @Documented('A6.2: take a reservation request by phone or at the counter (1st and optional 2nd wish).')
  @BodySchema(requestSchema)
  @AnswerSchema(201, reservationAnswer)
  request(@Body(new Valid(requestSchema)) body: z.infer<typeof requestSchema>, @Ctx() context: CommandContext): Promise<ReservationAnswer> {
    const { firstWish, secondWish, ...rest } = body;
    return this.commands.execute(new RequestReservation({ ...rest, wishes: secondWish ? [firstWish, secondWish] : [firstWish] }, context));
  }

  @Post(':id/confirmation')
  @Allow(...COUNTER_STAFF)
  @HttpCode(200)
  @Documented('A6.1: confirm a slot with a counselor, by the day before the session.')
  @BodySchema(confirmSchema)
  @AnswerSchema(200, reservationAnswer)
  @PathSchema('id', fields.id)
  confirm(
    @Param('id', idParam) id: string,
    @Body(new Valid(confirmSchema)) body: z.infer<typeof confirmSchema>,
    @Ctx() context: CommandContext,
  ): Promise<ReservationAnswer> {
    return this.commands.execute(new ConfirmSlot(id, body.counselorId, body.start, context));
  }

  @Post(':id/follow-ups')
  @Allow(...COUNTER_STAFF)
  @Documented('A6.4: during a session, book and confirm the next one in one step.')
  @BodySchema(followUpSchema)
  @AnswerSchema(201, reservationAnswer)
  @PathSchema('id', fields.id)
  followUp(
    @Param('id', idParam) id: string,
    @Body(new Valid(followUpSchema)) body: z.infer<typeof followUpSchema>,
    @Ctx() context: CommandContext,
  ): Promise<ReservationAnswer> {
    return this.commands.execute(new BookFollowUp(id, body, context));
  }

  @Post(':id/cancellation')
  @Allow(...COUNTER_STAFF)
  @HttpCode(200)
  @Documented('A6.5: record a cancellation (job seekers cancel by phone).')
  @BodySchema(cancelSchema)
  @AnswerSchema(200, reservationAnswer)
  @PathSchema('id', fields.id)
  cancel(
    @Param('id', idParam) id: string,
    @Body(new Valid(cancelSchema)) body: z.infer<typeof cancelSchema>,
    @Ctx() context: CommandContext,
  ): Promise<ReservationAnswer> {
    return this.act(id, { type: 'CancelReservation', ...body }, context);
  }

  @Post(':id/check-in')
  @Allow(...COUNTER_STAFF)
  @HttpCode(200)
  @Documented(
    'A6.5: the job seeker joined; possible until 10 minutes after the start. A7.1: the device id the meeting app reports is recorded sealed; only its pseudonym is ever shown (A7.2).',
  )
  @BodySchema(checkInSchema)
  @AnswerSchema(200, reservationAnswer)
  @PathSchema('id', fields.id)
  checkIn(
    @Param('id', idParam) id: string,
    @Body(new Valid(checkInSchema)) body: z.infer<typeof checkInSchema>,
    @Ctx() context: CommandContext,
  ): Promise<ReservationAnswer> {
    return this.act(id, { type: 'CheckIn', deviceId: body.deviceId }, context);
  }

  @Post(':id/completion')
  @Allow(...COUNTER_STAFF)
  @HttpCode(200)
  @Documented('The session took place.')
  @BodySchema(empty)
  @AnswerSchema(200, reservationAnswer)
  @PathSchema('id', fields.id)
  complete(@Param('id', idParam) id: string, @Body(new Valid(empty)) _body: unknown, @Ctx() context: CommandContext): Promise<ReservationAnswer> {
    return this.act(id, { type: 'CompleteSession' }, context);
  }

  @Post(':id/stop')
  @Allow(...COUNTER_STAFF)
  @HttpCode(200)
  @Documented('A12.1: stop a session (threats, abuse, use for other purposes).')
  @BodySchema(reasonSchema)
  @AnswerSchema(200, reservationAnswer)
  @PathSchema('id', fields.id)
  stop(
    @Param('id', idParam) id: string,
    @Body(new Valid(reasonSchema)) body: z.infer<typeof reasonSchema>,
    @Ctx() context: CommandContext,
  ): Promise<ReservationAnswer> {
    return this.act(id, { type: 'StopSession', reason: body.reason }, context);
  }

  @Post(':id/interpreter-notifications')
  @Allow(...COUNTER_STAFF)
  @HttpCode(200)
  @Documented('A12.3: record that an interpreter or assistant will attend (before the session starts).')
  @BodySchema(interpreterSchema)
  @AnswerSchema(200, reservationAnswer)
  @PathSchema('id', fields.id)
  notifyInterpreter(
    @Param('id', idParam) id: string,
    @Body(new Valid(interpreterSchema)) body: z.infer<typeof interpreterSchema>,
    @Ctx() context: CommandContext,
  ): Promise<ReservationAnswer> {
    return this.act(id, { type: 'NotifyInterpreter', ...body }, context);
  }

  private act(id: string, step: ReservationStep, context: CommandContext): Promise<ReservationAnswer> {
    return this.commands.execute(new ActOnReservation(id, step, context));
  }
}
