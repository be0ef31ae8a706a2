import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { JstDate } from '../../domain/calendar/business-calendar';
import { termsDecider } from '../../domain/terms/terms';
import { CommandContext } from '../event-sourcing/command-context';
import { CommandOutcome, outcomeOf } from '../event-sourcing/command-answer';
import { EventSourcing } from '../event-sourcing/event-sourcing';
import { streams } from '../streams';

export interface TermsAnswer extends CommandOutcome {
  /** The version consents name (A13). */
  version: string;
}

export class PublishTermsVersion extends Command<TermsAnswer> {
  constructor(
    readonly input: { version: string; effectiveFrom: JstDate; title: string; summary: string },
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** A13: publishes a terms version; notifying registered users is the mail process manager's job. */
@CommandHandler(PublishTermsVersion)
export class PublishTermsVersionHandler implements ICommandHandler<PublishTermsVersion> {
  constructor(private readonly es: EventSourcing) {}

  async execute({ input, context }: PublishTermsVersion): Promise<TermsAnswer> {
    const outcome = await this.es.execute(
      termsDecider,
      streams.terms(),
      (_state, now) => ({ type: 'PublishTermsVersion' as const, ...input, now }),
      context,
    );
    return { version: input.version, ...outcomeOf(outcome) };
  }
}
