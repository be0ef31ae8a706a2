import { JstDate, toJst } from '../calendar/business-calendar';
import { assertNever, Decider, DomainEvent } from '../shared/decider';
import { RuleViolation } from '../shared/errors';

/** A13: the terms of use are versioned; each version takes effect on a JST date. One stream: 'terms'. */
export type TermsVersionPublished = DomainEvent<
  'TermsVersionPublished',
  { version: string; effectiveFrom: JstDate; title: string; summary: string; publishedAt: string }
>;
export type TermsEvent = TermsVersionPublished;

export interface TermsVersion {
  version: string;
  effectiveFrom: JstDate;
}

/** Versions ordered by effective date. */
export interface TermsState {
  versions: TermsVersion[];
}

export type PublishTermsVersion = {
  type: 'PublishTermsVersion';
  version: string;
  effectiveFrom: JstDate;
  title: string;
  summary: string;
  now: Date;
};
export type TermsCommand = PublishTermsVersion;

/** A13: the version in force on a JST date: the latest one effective on or before it. */
export function termsVersionInForce(state: TermsState, date: JstDate): TermsVersion | undefined {
  return state.versions.filter((v) => v.effectiveFrom <= date).at(-1);
}

export const termsDecider: Decider<TermsCommand, TermsEvent, TermsState> = {
  initialState: () => ({ versions: [] }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'TermsVersionPublished':
        return {
          versions: [...state.versions, { version: event.data.version, effectiveFrom: event.data.effectiveFrom }].sort((a, b) =>
            a.effectiveFrom.localeCompare(b.effectiveFrom),
          ),
        };
      default:
        return assertNever(event.type, 'terms event');
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'PublishTermsVersion': {
        if (state.versions.some((v) => v.version === command.version)) {
          throw new RuleViolation('A13', 'terms.already-published', { version: command.version });
        }
        const today = toJst(command.now).date;
        if (command.effectiveFrom < today) {
          throw new RuleViolation('A13', 'terms.effective-in-past', { effectiveFrom: command.effectiveFrom, today });
        }
        const latest = state.versions.at(-1);
        if (latest && command.effectiveFrom <= latest.effectiveFrom) {
          throw new RuleViolation('A13', 'terms.not-after-latest', {
            version: command.version,
            latest: latest.version,
            latestFrom: latest.effectiveFrom,
          });
        }
        return [
          {
            type: 'TermsVersionPublished',
            data: {
              version: command.version,
              effectiveFrom: command.effectiveFrom,
              title: command.title,
              summary: command.summary,
              publishedAt: command.now.toISOString(),
            },
          },
        ];
      }
      default:
        return assertNever(command.type, 'terms command');
    }
  },
};
