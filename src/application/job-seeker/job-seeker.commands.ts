import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  DeviceReadiness,
  EnvironmentDeclaration,
  jobSeekerDecider,
  JobSeekerCommand,
  PersonalDetails,
  RegistrationKind,
} from '../../domain/job-seeker/job-seeker';
import { NotFound } from '../../domain/shared/errors';
import { termsDecider } from '../../domain/terms/terms';
import { CommandContext } from '../event-sourcing/command-context';
import { CommandOutcome, outcomeOf } from '../event-sourcing/command-answer';
import { EventSourcing } from '../event-sourcing/event-sourcing';
import { streams } from '../streams';
import { JobSeekerIds, normalizeJobSeekerNo } from './job-seeker-ids';

export interface JobSeekerAnswer extends CommandOutcome {
  jobSeekerId: string;
}

export class RegisterJobSeeker extends Command<JobSeekerAnswer> {
  constructor(
    readonly input: { jobSeekerNo: string; registration: RegistrationKind } & PersonalDetails,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RegisterJobSeeker)
export class RegisterJobSeekerHandler implements ICommandHandler<RegisterJobSeeker> {
  constructor(
    private readonly es: EventSourcing,
    private readonly ids: JobSeekerIds,
  ) {}

  async execute({ input, context }: RegisterJobSeeker): Promise<JobSeekerAnswer> {
    // A8.1: after an erasure, the same number registers as a new record (the next generation).
    const { jobSeekerId, generation } = await this.ids.current(input.jobSeekerNo);
    const outcome = await this.es.execute(
      jobSeekerDecider,
      streams.jobSeeker(jobSeekerId),
      () => ({ type: 'RegisterJobSeeker' as const, ...input, jobSeekerNo: normalizeJobSeekerNo(input.jobSeekerNo), jobSeekerId, generation }),
      context,
    );
    return { jobSeekerId, ...outcomeOf(outcome) };
  }
}

/** The staff commands on a registered job seeker, each deciding on the job seeker's stream alone. */
export type JobSeekerStep =
  | {
      type: 'GiveConsent';
      termsVersion: string;
      environment: EnvironmentDeclaration;
      deviceReadiness: DeviceReadiness;
      designatedApp: { name: string; termsUrl: string };
      recordingProhibitionAcknowledged: boolean;
    }
  | { type: 'RefuseService'; article: 'A12.1' | 'A6.5'; reason: string }
  | { type: 'LiftRefusal'; reason: string };

export class ActOnJobSeeker extends Command<JobSeekerAnswer> {
  constructor(
    readonly jobSeekerId: string,
    readonly step: JobSeekerStep,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ActOnJobSeeker)
export class ActOnJobSeekerHandler implements ICommandHandler<ActOnJobSeeker> {
  constructor(private readonly es: EventSourcing) {}

  async execute({ jobSeekerId, step, context }: ActOnJobSeeker): Promise<JobSeekerAnswer> {
    const outcome = await this.es.execute(
      jobSeekerDecider,
      streams.jobSeeker(jobSeekerId),
      async (state, now): Promise<JobSeekerCommand> => {
        if (state.status === 'unknown') throw new NotFound('Job seeker', jobSeekerId);
        if (step.type !== 'GiveConsent') return { ...step, now };
        const terms = (await this.es.load(termsDecider, streams.terms())).state;
        return { ...step, publishedVersions: terms.versions.map((v) => v.version), now };
      },
      context,
    );
    return { jobSeekerId, ...outcomeOf(outcome) };
  }
}

export const jobSeekerCommandHandlers = [RegisterJobSeekerHandler, ActOnJobSeekerHandler];
