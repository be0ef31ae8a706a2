import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CounselorCommand, counselorDecider, HeldSession } from '../../domain/counselor/counselor';
import type { JstDate } from '../../domain/calendar/business-calendar';
import { AddClosureDay, OfficeCommand, officeDecider } from '../../domain/office/office';
import { NotFound } from '../../domain/shared/errors';
import { CommandContext, entityId } from '../event-sourcing/command-context';
import { CommandOutcome, outcomeOf } from '../event-sourcing/command-answer';
import { EventSourcing, StreamOutcome } from '../event-sourcing/event-sourcing';
import { streams } from '../streams';

export interface OfficeAnswer extends CommandOutcome {
  officeId: string;
}
export interface CounselorAnswer extends CommandOutcome {
  counselorId: string;
  /** The exception just added: what removing it takes. */
  exceptionId?: string;
}

type WithoutType<C> = C extends unknown ? Omit<C, 'type'> : never;

export class OpenOffice extends Command<OfficeAnswer> {
  constructor(
    readonly input: WithoutType<Extract<OfficeCommand, { type: 'OpenOffice' }>> extends infer T ? Omit<T, 'officeId'> : never,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** A staff command on an office; a closure day's sessions are looked up by the handler. */
export type OfficeStep = Exclude<OfficeCommand, { type: 'OpenOffice' } | { type: 'AddClosureDay' }> | Omit<AddClosureDay, 'sessions'>;

export class ActOnOffice extends Command<OfficeAnswer> {
  constructor(
    readonly officeId: string,
    readonly step: OfficeStep,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Where the sessions still held are known (the calendar read models): what deactivating a counselor or closing a day must not leave behind. */
export abstract class HeldSessions {
  abstract futureSessionsOf(counselorId: string, from: Date): Promise<HeldSession[]>;
  /** The office's sessions (confirmed, invited or in progress) on a JST date, earliest first. */
  abstract ofOfficeOn(officeId: string, date: JstDate): Promise<HeldSession[]>;
}

@CommandHandler(OpenOffice)
export class OpenOfficeHandler implements ICommandHandler<OpenOffice> {
  constructor(private readonly es: EventSourcing) {}

  async execute({ input, context }: OpenOffice): Promise<OfficeAnswer> {
    const officeId = entityId(context, 'office');
    const outcome = await this.es.execute(
      officeDecider,
      streams.office(officeId),
      () => ({ type: 'OpenOffice' as const, ...input, officeId }),
      context,
    );
    return { officeId, ...outcomeOf(outcome) };
  }
}

@CommandHandler(ActOnOffice)
export class ActOnOfficeHandler implements ICommandHandler<ActOnOffice> {
  constructor(
    private readonly es: EventSourcing,
    private readonly sessions: HeldSessions,
  ) {}

  async execute({ officeId, step, context }: ActOnOffice): Promise<OfficeAnswer> {
    const outcome = await this.es.execute(
      officeDecider,
      streams.office(officeId),
      async (state): Promise<OfficeCommand> => {
        if (state.status !== 'open') throw new NotFound('Office', officeId);
        if (step.type !== 'AddClosureDay') return step;
        return { ...step, sessions: await this.sessions.ofOfficeOn(officeId, step.date) };
      },
      context,
    );
    return { officeId, ...outcomeOf(outcome) };
  }
}

export class AddCounselor extends Command<CounselorAnswer> {
  constructor(
    readonly officeId: string,
    readonly input: { name: string; roomUrl?: string },
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(AddCounselor)
export class AddCounselorHandler implements ICommandHandler<AddCounselor> {
  constructor(private readonly es: EventSourcing) {}

  async execute({ officeId, input, context }: AddCounselor): Promise<CounselorAnswer> {
    const counselorId = entityId(context, 'counselor');
    const outcome = await this.es.execute(
      counselorDecider,
      streams.counselor(counselorId),
      async () => ({
        type: 'AddCounselor' as const,
        counselorId,
        officeId,
        officeExists: (await this.es.load(officeDecider, streams.office(officeId))).state.status === 'open',
        ...input,
      }),
      context,
    );
    return { counselorId, ...outcomeOf(outcome) };
  }
}

export type CounselorStep =
  Exclude<CounselorCommand, { type: 'AddCounselor' } | { type: 'DeactivateCounselor' }> | { type: 'DeactivateCounselor'; reason: string };

/** One or more steps on a counselor (a rename and a new room URL in one request): one answer listing every event. */
export class ActOnCounselor extends Command<CounselorAnswer> {
  readonly steps: CounselorStep[];
  constructor(
    readonly counselorId: string,
    step: CounselorStep | CounselorStep[],
    readonly context: CommandContext,
  ) {
    super();
    this.steps = Array.isArray(step) ? step : [step];
  }
}

@CommandHandler(ActOnCounselor)
export class ActOnCounselorHandler implements ICommandHandler<ActOnCounselor> {
  constructor(
    private readonly es: EventSourcing,
    private readonly sessions: HeldSessions,
  ) {}

  async execute({ counselorId, steps, context }: ActOnCounselor): Promise<CounselorAnswer> {
    // Several decisions on one stream: each step gets its own command id, so a re-send replays each.
    const outcomes: StreamOutcome[] = [];
    for (const [index, step] of steps.entries()) {
      outcomes.push(
        await this.decide(counselorId, step, steps.length === 1 ? context : { ...context, commandId: `${context.commandId}.${index + 1}` }),
      );
    }
    const added = steps.find((s) => s.type === 'AddAvailabilityException');
    return { counselorId, ...(added ? { exceptionId: added.exception.exceptionId } : {}), ...outcomeOf(outcomes[0], ...outcomes.slice(1)) };
  }

  private decide(counselorId: string, step: CounselorStep, context: CommandContext): Promise<StreamOutcome> {
    return this.es.execute(
      counselorDecider,
      streams.counselor(counselorId),
      async (state, now): Promise<CounselorCommand> => {
        if (state.status !== 'known') throw new NotFound('Counselor', counselorId);
        if (step.type !== 'DeactivateCounselor') return step;
        return { ...step, futureSessions: await this.sessions.futureSessionsOf(counselorId, now) };
      },
      context,
    );
  }
}

export const officeCommandHandlers = [OpenOfficeHandler, ActOnOfficeHandler, AddCounselorHandler, ActOnCounselorHandler];
