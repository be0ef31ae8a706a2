import { Inject, Injectable } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { JstDate, toJst } from '../../domain/calendar/business-calendar';
import { termsDecider, TermsVersion, termsVersionInForce } from '../../domain/terms/terms';
import { Clock, CLOCK } from '../ports/clock';
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

/** A13: the published versions and the one in force today (JST), which a consent given now names. */
@Injectable()
export class TermsCatalogue {
  constructor(
    private readonly es: EventSourcing,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async versions(): Promise<{ versions: TermsVersion[]; inForce?: string }> {
    const { state } = await this.es.load(termsDecider, streams.terms());
    const inForce = termsVersionInForce(state, toJst(this.clock.now()).date);
    return { versions: state.versions, ...(inForce ? { inForce: inForce.version } : {}) };
  }
}
