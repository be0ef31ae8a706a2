/**
 * The mailer port: hand one e-mail to the transport (A6.3 invitations, A13 terms notices).
 *
 * Sending cannot be exactly-once (SMTP may accept a message and the answer be lost), so callers claim a
 * send before calling `send` and record its outcome after (see ../../../shared architecture notes).
 * `send` resolves with the transport's id of the accepted message, or rejects with `MailNotSent`, whose
 * `retryable` says whether trying again later can succeed (a busy or unreachable server, a 4xx answer) or
 * not (a 5xx answer: the address or the message is refused for good).
 */
export interface MailAddress {
  /** Display name, e.g. ハローワーク岡山. */
  name?: string;
  address: string;
}

export interface MailAttachment {
  filename: string;
  /** e.g. 'text/calendar; method=REQUEST; charset=UTF-8' */
  contentType: string;
  content: string;
}

export interface MailMessage {
  from: MailAddress;
  to: MailAddress;
  subject: string;
  text: string;
  html: string;
  attachments?: readonly MailAttachment[];
  /**
   * The Message-ID header, without angle brackets (e.g. derived from the event that caused the mail), so a
   * retry after a crash carries the same id and the outbox keeps one copy. Unset: the adapter makes one.
   */
  messageId?: string;
  /**
   * A8.1: the job seeker whose personal data the message carries (name, address, session). Not a header: the
   * outbox keeps it so that staff reading the message is recorded as a read of that person's data.
   */
  jobSeekerId?: string;
}

export interface SentMail {
  /** The Message-ID the transport accepted, without angle brackets: what InvitationSent records. */
  messageId: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<SentMail>;
  /**
   * A8.1 erasure: destroys every copy the adapter keeps of the messages about this job seeker (`jobSeekerId`)
   * and resolves with how many it destroyed. Idempotent. A transport that keeps no copy (SMTP) has none to destroy;
   * what was delivered is beyond reach.
   */
  forget(jobSeekerId: string): Promise<number>;
  close(): Promise<void>;
}

export const MAILER = Symbol('Mailer');

export class MailNotSent extends Error {
  constructor(
    /** Trying again later can succeed (4xx answer, connection failure); false: refused for good (5xx). */
    readonly retryable: boolean,
    /** The transport's answer, without personal data (no address, no content), fit for InvitationFailed. */
    readonly reason: string,
  ) {
    super(`Mail not sent (${retryable ? 'retryable' : 'permanent'}): ${reason}`);
    this.name = 'MailNotSent';
  }
}
