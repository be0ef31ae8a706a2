import { Command, CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Role, staffDecider } from '../../domain/staff/staff';
import { NotFound } from '../../domain/shared/errors';
import { CommandContext, deterministicUuid, newCommandContext } from '../event-sourcing/command-context';
import { CommandOutcome, outcomeOf } from '../event-sourcing/command-answer';
import { EventSourcing } from '../event-sourcing/event-sourcing';
import { streams } from '../streams';
import { newStaffToken } from './staff-token';

export interface StaffAnswer extends CommandOutcome {
  staffId: string;
}
export interface TokenAnswer extends StaffAnswer {
  tokenId: string;
  /** The bearer token, shown once: only its hash is recorded. Absent on a re-send of the same command. */
  token?: string;
}

export class EnrollStaffMember extends Command<StaffAnswer> {
  constructor(readonly input: { staffId: string; name: string; roles: Role[] }, readonly context: CommandContext) {
    super();
  }
}

export class IssueStaffToken extends Command<TokenAnswer> {
  constructor(readonly staffId: string, readonly validDays: number, readonly context: CommandContext) {
    super();
  }
}

export class RevokeStaffToken extends Command<StaffAnswer> {
  constructor(readonly staffId: string, readonly tokenId: string, readonly context: CommandContext) {
    super();
  }
}

@CommandHandler(EnrollStaffMember)
export class EnrollStaffMemberHandler implements ICommandHandler<EnrollStaffMember> {
  constructor(private readonly es: EventSourcing) {}

  async execute({ input, context }: EnrollStaffMember): Promise<StaffAnswer> {
    const outcome = await this.es.execute(staffDecider, streams.staff(input.staffId), (_s, now) => ({ type: 'EnrollStaffMember' as const, ...input, now }), context);
    return { staffId: input.staffId, ...outcomeOf(outcome) };
  }
}

@CommandHandler(IssueStaffToken)
export class IssueStaffTokenHandler implements ICommandHandler<IssueStaffToken> {
  constructor(private readonly es: EventSourcing) {}

  async execute({ staffId, validDays, context }: IssueStaffToken): Promise<TokenAnswer> {
    const issued = newStaffToken(deterministicUuid('staff-token', context.commandId).replaceAll('-', ''));
    const outcome = await this.es.execute(
      staffDecider,
      streams.staff(staffId),
      (state, now) => {
        if (state.status === 'unknown') throw new NotFound('Staff member', staffId);
        return { type: 'IssueStaffToken' as const, tokenId: issued.tokenId, secretHash: issued.secretHash, validDays, now };
      },
      context,
    );
    return { staffId, tokenId: issued.tokenId, ...outcomeOf(outcome), ...(outcome.replayed ? {} : { token: issued.token }) };
  }
}

@CommandHandler(RevokeStaffToken)
export class RevokeStaffTokenHandler implements ICommandHandler<RevokeStaffToken> {
  constructor(private readonly es: EventSourcing) {}

  async execute({ staffId, tokenId, context }: RevokeStaffToken): Promise<StaffAnswer> {
    const outcome = await this.es.execute(
      staffDecider,
      streams.staff(staffId),
      (state, now) => {
        if (state.status === 'unknown') throw new NotFound('Staff member', staffId);
        return { type: 'RevokeStaffToken' as const, tokenId, now };
      },
      context,
    );
    return { staffId, ...outcomeOf(outcome) };
  }
}

export const ADMIN_STAFF_ID = 'admin';
const ADMIN_TOKEN_DAYS = 30;

/**
 * Staff access outside HTTP: the first start of an embedded installation, an operator on the
 * server, the demo. Enrolment uses fixed command ids, so it happens once even when several
 * instances start together on one store.
 */
@Injectable()
export class StaffAccess {
  constructor(private readonly commands: CommandBus) {}

  /**
   * Enrolls the administrator and issues their first token (to be shown once). Fixed command ids: of all
   * instances starting on one store only the first issues it, and a start that crashed between the
   * two steps issues it on the next start. Undefined on every later start.
   */
  async firstStart(): Promise<string | undefined> {
    await this.enroll(ADMIN_STAFF_ID, 'Administrator', ['admin'], newCommandContext('system:first-start', 'first-start-enroll-admin'));
    const issued = await this.commands.execute(
      new IssueStaffToken(ADMIN_STAFF_ID, ADMIN_TOKEN_DAYS, newCommandContext('system:first-start', 'first-start-admin-token')),
    );
    if (issued.token) new Logger('Auth').log({ msg: 'first start: administrator enrolled and token issued', expiresInDays: ADMIN_TOKEN_DAYS });
    return issued.token;
  }

  /** Enrolls the staff member with exactly these roles (changing them if they differ) and issues a new token. */
  async tokenFor(staffId: string, name: string, roles: Role[], validDays: number, actor: string): Promise<string> {
    await this.enroll(staffId, name, roles, newCommandContext(actor, randomUUID()));
    return this.issue(staffId, validDays, actor);
  }

  private enroll(staffId: string, name: string, roles: Role[], context: CommandContext): Promise<StaffAnswer> {
    return this.commands.execute(new EnrollStaffMember({ staffId, name, roles }, context));
  }

  private async issue(staffId: string, validDays: number, actor: string): Promise<string> {
    const issued = await this.commands.execute(new IssueStaffToken(staffId, validDays, newCommandContext(actor, randomUUID())));
    return issued.token!;
  }
}

export const staffCommandHandlers = [EnrollStaffMemberHandler, IssueStaffTokenHandler, RevokeStaffTokenHandler];
