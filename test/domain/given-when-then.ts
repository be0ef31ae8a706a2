import { Decider, fold } from '../../src/domain/shared/decider';
import { RuleId, RuleViolation } from '../../src/domain/shared/errors';

/**
 * given(events).when(command).then(events) — or .thenRejected(ruleId).
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
              if (message) expect((thrown as RuleViolation).message).toMatch(message);
            },
          };
        },
      };
    },
  };
}
