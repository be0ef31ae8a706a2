import { Language, Message, MessageArgs, render, Thing } from './messages';

/**
 * The rule ids of ../shared/docs/terms-rules.md, plus the configuration rules Madoguchi adds
 * (OFFICE, COUNSELOR, SLOT, RESERVATION). A violation carries the id and a message from the
 * catalogue (./messages.ts), Japanese by default.
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
  readonly text: Message;
  readonly details?: Record<string, unknown>;
  constructor(
    readonly rule: RuleId,
    ...[code, params, details]: MessageArgs
  ) {
    const text = { code, params } as Message;
    super(render('ja', text));
    this.name = 'RuleViolation';
    this.text = text;
    if (details) this.details = details;
  }

  messageIn(language: Language): string {
    return render(language, this.text);
  }
}

/** The thing a command addresses does not exist. Mapped to HTTP 404. */
export class NotFound extends Error {
  readonly text: Message;
  constructor(
    readonly what: Thing,
    readonly id: string,
  ) {
    const text: Message = { code: 'not-found', params: { what, id } };
    super(render('ja', text));
    this.name = 'NotFound';
    this.text = text;
  }

  messageIn(language: Language): string {
    return render(language, this.text);
  }
}
