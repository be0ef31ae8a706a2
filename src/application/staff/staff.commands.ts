import { Command, CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Role, staffDecider, tokenExpiry } from '../../domain/staff/staff';
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
  /** When the token stops working (an instant, UTC). Absent on a re-send of the same command. */
  expiresAt?: string;
  /** The bearer token, shown once: only its hash is recorded. Absent on a re-send of the same command. */
  token?: string;
}

export class EnrollStaffMember extends Command<StaffAnswer> {
  constructor(
    readonly input: { staffId: string; name: string; roles: Role[] },
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class IssueStaffToken extends Command<TokenAnswer> {
  constructor(
    readonly staffId: string,
    readonly validDays: number,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class RevokeStaffToken extends Command<StaffAnswer> {
  constructor(
    readonly staffId: string,
    readonly tokenId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(EnrollStaffMember)
export class EnrollStaffMemberHandler implements ICommandHandler<EnrollStaffMember> {
  constructor(private readonly es: EventSourcing) {}

  async execute({ input, context }: EnrollStaffMember): Promise<StaffAnswer> {
    const outcome = await this.es.execute(
      staffDecider,
      streams.staff(input.staffId),
      (_s, now) => ({ type: 'EnrollStaffMember' as const, ...input, now }),
      context,
    );
    return { staffId: input.staffId, ...outcomeOf(outcome) };
  }
}

@CommandHandler(IssueStaffToken)
export class IssueStaffTokenHandler implements ICommandHandler<IssueStaffToken> {
  constructor(private readonly es: EventSourcing) {}

  async execute({ staffId, validDays, context }: IssueStaffToken): Promise<TokenAnswer> {
    const issued = newStaffToken(deterministicUuid('staff-token', context.commandId).replaceAll('-', ''));
    let expiresAt = '';
    const outcome = await this.es.execute(
      staffDecider,
      streams.staff(staffId),
      (state, now) => {
        if (state.status === 'unknown') throw new NotFound('Staff member', staffId);
        expiresAt = tokenExpiry(now, validDays).toISOString();
        return { type: 'IssueStaffToken' as const, tokenId: issued.tokenId, secretHash: issued.secretHash, validDays, now };
      },
      context,
    );
    return { staffId, tokenId: issued.tokenId, ...outcomeOf(outcome), ...(outcome.replayed ? {} : { token: issued.token, expiresAt }) };
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
/**
 * The administrator's tokens (first start and `--new-admin-token`) last a year: an office administers
 * staff rarely (new staff, personnel changes in April), so a shorter life mostly means finding the token
 * dead the day it is needed. Where a token is printed its expiry is printed too, with how to get a new one.
 */
export const ADMIN_TOKEN_DAYS = 365;

/** A token just issued (shown once) and when it stops working. */
export interface IssuedToken {
  staffId: string;
  tokenId: string;
  token: string;
  expiresAt: Date;
}

/**
 * Staff access outside HTTP: the first start of an embedded installation, an operator on the
 * server, the demo. Enrolment uses fixed command ids, so it happens once even when several
 * instances start together on one store. The application must be initialised (its command
 * handlers registered) before these are called.
 */
@Injectable()
export class StaffAccess {
  constructor(private readonly commands: CommandBus) {}

  /**
   * Enrolls the administrator and issues their first token (to be shown once). Fixed command ids: of all
   * instances starting on one store only the first issues it, and a start that crashed between the
   * two steps issues it on the next start. Undefined on every later start.
   */
  async firstStart(): Promise<IssuedToken | undefined> {
    await this.enroll(ADMIN_STAFF_ID, 'Administrator', ['admin'], newCommandContext('system:first-start', 'first-start-enroll-admin'));
    const issued = await this.commands.execute(
      new IssueStaffToken(ADMIN_STAFF_ID, ADMIN_TOKEN_DAYS, newCommandContext('system:first-start', 'first-start-admin-token')),
    );
    if (!issued.token) return undefined;
    new Logger('Auth').log({ msg: 'first start: administrator enrolled and token issued', tokenId: issued.tokenId, expiresAt: issued.expiresAt });
    return { staffId: ADMIN_STAFF_ID, tokenId: issued.tokenId, token: issued.token, expiresAt: new Date(issued.expiresAt!) };
  }

  /** An operator on the server lost the administrator's token: a new one (earlier ones stay valid until revoked or expired). */
  async newAdminToken(): Promise<IssuedToken> {
    const issued = await this.issuedTokenFor(ADMIN_STAFF_ID, 'Administrator', ['admin'], ADMIN_TOKEN_DAYS, 'system:operator');
    new Logger('Auth').log({ msg: 'operator: new administrator token issued', tokenId: issued.tokenId, expiresAt: issued.expiresAt.toISOString() });
    return issued;
  }

  /** Enrolls the staff member with exactly these roles (changing them if they differ) and issues a new token. */
  async tokenFor(staffId: string, name: string, roles: Role[], validDays: number, actor: string): Promise<string> {
    return (await this.issuedTokenFor(staffId, name, roles, validDays, actor)).token;
  }

  /** As `tokenFor`, with the token's id and expiry. */
  async issuedTokenFor(staffId: string, name: string, roles: Role[], validDays: number, actor: string): Promise<IssuedToken> {
    await this.enroll(staffId, name, roles, newCommandContext(actor, randomUUID()));
    const issued = await this.commands.execute(new IssueStaffToken(staffId, validDays, newCommandContext(actor, randomUUID())));
    return { staffId, tokenId: issued.tokenId, token: issued.token!, expiresAt: new Date(issued.expiresAt!) };
  }

  private enroll(staffId: string, name: string, roles: Role[], context: CommandContext): Promise<StaffAnswer> {
    return this.commands.execute(new EnrollStaffMember({ staffId, name, roles }, context));
  }
}

export const staffCommandHandlers = [EnrollStaffMemberHandler, IssueStaffTokenHandler, RevokeStaffTokenHandler];
