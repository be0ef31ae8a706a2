/**
 * The rule ids of ../shared/docs/terms-rules.md, plus the configuration rules Madoguchi adds
 * (OFFICE, COUNSELOR, INPUT). A violation carries the id and a message for staff.
 */
export type RuleId =
  | 'A2.1'
  | 'A2.2'
  | 'A2.3'
  | 'A4'
  | 'A5'
  | 'A6.1'
  | 'A6.2'
  | 'A6.3'
  | 'A6.4'
  | 'A6.5'
  | 'A7.1'
  | 'A7.2'
  | 'A8.1'
  | 'A12.1'
  | 'A12.2'
  | 'A12.3'
  | 'A12.4'
  | 'A13'
  | 'OFFICE'
  | 'COUNSELOR'
  | 'SLOT'
  | 'RESERVATION';

/** A command that the terms (or the office's configuration) forbid. Mapped to HTTP 422. */
export class RuleViolation extends Error {
  constructor(
    readonly rule: RuleId,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'RuleViolation';
  }
}

/** The thing a command addresses does not exist. Mapped to HTTP 404. */
export class NotFound extends Error {
  constructor(
    readonly what: string,
    readonly id: string,
  ) {
    super(`${what} ${id} was not found.`);
    this.name = 'NotFound';
  }
}
