import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { CommandContext } from '../../application/event-sourcing/command-context';
import { EnrollStaffMember, IssueStaffToken, RevokeStaffToken, StaffAnswer, TokenAnswer } from '../../application/staff/staff.commands';
import { MAX_TOKEN_DAYS, ROLES } from '../../domain/staff/staff';
import type { Page } from '../../application/page';
import { StaffDirectoryProjection, StaffMemberView } from '../../projections/staff/staff-directory.projection';
import { Allow, AuthenticatedRequest } from './auth.guard';
import { principalAnswer, staffAnswer, staffPage, tokenAnswer } from './answers';
import { AUTHENTICATOR, Authenticator } from '../../application/ports/authenticator';
import { RuleViolation } from '../../domain/shared/errors';
import { StoreTokenAuthenticator } from '../auth/store-token-authenticator';
import { Ctx } from './command-context.decorator';
import { AnswerSchema, Authenticated, Documented, PathSchema, QuerySchema, sendCreatedWhen } from './openapi';
import { BodySchema, fields, pagination, says, Valid } from './validation';

const staffId = z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, says('input.staff-id'));
const enrollSchema = z
  .object({ staffId, name: fields.text(100), roles: z.array(z.enum(ROLES)).min(1, says('input.at-least-one-role')).max(ROLES.length) })
  .strict();
const issueSchema = z
  .object({ validDays: z.number().int().min(1).max(MAX_TOKEN_DAYS).default(90) })
  .strict()
  .default({ validDays: 90 });
const tokenIdSchema = z.string().regex(/^[0-9a-f]{32}$/, says('input.token-id'));
const tokenId = new Valid(tokenIdSchema);

/** Staff accounts of the embedded identity provider (with JWTs, roles come from the identity provider instead). */
@ApiTags('staff')
@Authenticated()
@Controller('v1/staff')
export class StaffController {
  constructor(
    private readonly commands: CommandBus,
    private readonly directory: StaffDirectoryProjection,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
  ) {}

  @Post()
  @Allow('admin')
  @Documented('A8.1: enroll a staff member with their roles (201), or change their roles (200).')
  @BodySchema(enrollSchema)
  @AnswerSchema([201, 200], staffAnswer)
  async enroll(
    @Body(new Valid(enrollSchema)) body: z.infer<typeof enrollSchema>,
    @Ctx() context: CommandContext,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answer: StaffAnswer = await this.commands.execute(new EnrollStaffMember(body, context));
    await sendCreatedWhen(reply, 'StaffMemberEnrolled', answer);
  }

  @Get()
  @Allow('admin')
  @ApiOperation({ summary: 'Staff members, their roles and tokens (never the tokens themselves; paginated).' })
  @QuerySchema(pagination)
  @AnswerSchema(200, staffPage)
  list(@Query(new Valid(pagination)) query: z.infer<typeof pagination>): Promise<Page<StaffMemberView>> {
    return this.directory.list(query.offset, query.limit);
  }

  @Post(':staffId/tokens')
  @Allow('admin')
  @Documented('Issue a bearer token to a staff member. The token is in this answer only: hand it over now.')
  @BodySchema(issueSchema)
  @AnswerSchema(201, tokenAnswer)
  @PathSchema('staffId', staffId)
  issue(
    @Param('staffId', new Valid(staffId)) id: string,
    @Body(new Valid(issueSchema)) body: z.infer<typeof issueSchema>,
    @Ctx() context: CommandContext,
  ): Promise<TokenAnswer> {
    if (!(this.authenticator instanceof StoreTokenAuthenticator)) {
      // With JWTs of an identity provider, a token issued here would never be accepted.
      throw new RuleViolation('A8.1', 'staff.tokens-from-identity-provider');
    }
    return this.commands.execute(new IssueStaffToken(id, body.validDays, context));
  }

  @Post(':staffId/tokens/:tokenId/revocation')
  @Allow('admin')
  @HttpCode(200)
  @Documented('Revoke a token (lost, or the staff member left); it stops working on every instance.')
  @BodySchema(z.object({}).strict())
  @AnswerSchema(200, staffAnswer)
  @PathSchema('staffId', staffId)
  @PathSchema('tokenId', tokenIdSchema)
  revoke(
    @Param('staffId', new Valid(staffId)) id: string,
    @Param('tokenId', tokenId) token: string,
    @Body(new Valid(z.object({}).strict().default({}))) _body: unknown,
    @Ctx() context: CommandContext,
  ): Promise<StaffAnswer> {
    return this.commands.execute(new RevokeStaffToken(id, token, context));
  }
}

/** Who is signed in and with which roles, so that a client (the staff page at /ui/) offers only what they may do (A8.1). */
@ApiTags('staff')
@Authenticated()
@Controller('v1/me')
export class SignedInController {
  @Get()
  @Allow(...ROLES)
  @ApiOperation({ summary: 'A8.1: the signed-in staff member and their roles (any valid token).' })
  @AnswerSchema(200, principalAnswer)
  me(@Req() request: AuthenticatedRequest): z.infer<typeof principalAnswer> {
    const principal = request.principal!;
    return { staffId: principal.staffId, roles: principal.roles };
  }
}
