import { Decider, fold } from '../../src/domain/shared/decider';
import { RuleId, RuleViolation } from '../../src/domain/shared/errors';

/**
 * given(events).when(command).then(events) — or .thenRejected(ruleId, /words of its Japanese or English message/).
 * `then` compares the whole event list, so a rule taken out of a decider makes its spec fail.
 */
export function specFor<C, E, S>(decider: Decider<C, E, S>) {
  return {
    given(events: E[] = []) {
      return {
        when(command: C) {
          const run = () => decider.decide(command, fold(decider, events));
          return {
            then(expected: E[]) {
              expect(run()).toEqual(expected);
            },
            thenEvents(check: (events: E[]) => void) {
              check(run());
            },
            thenRejected(rule: RuleId, message?: RegExp) {
              let thrown: unknown;
              try {
                run();
              } catch (error) {
                thrown = error;
              }
              expect(thrown).toBeInstanceOf(RuleViolation);
              expect((thrown as RuleViolation).rule).toBe(rule);
              // The message staff read, in either language of the catalogue: specs may quote the Japanese.
              if (message)
                expect([(thrown as RuleViolation).messageIn('ja'), (thrown as RuleViolation).messageIn('en')]).toContainEqual(
                  expect.stringMatching(message),
                );
            },
          };
        },
      };
    },
  };
}
