import { createTransport, type Transporter } from 'nodemailer';
import { type Mailer, type MailMessage, MailNotSent, type SentMail } from '../../../application/ports/mailer';
import { stripAngles, toNodemailer } from '../mime';

/** Failures of the connection itself: the server may be back later. */
const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY']);

/** Mail through an SMTP server (SMTP_URL, e.g. smtp://user:pass@mail.example:587). */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    url: string,
    /** The domain of the Message-IDs this service makes, e.g. the office's mail domain. */
    private readonly messageIdDomain = 'madoguchi.invalid',
  ) {
    this.transport = createTransport(url);
  }

  async send(message: MailMessage): Promise<SentMail> {
    try {
      const info = await this.transport.sendMail(toNodemailer(message, this.messageIdDomain));
      return { messageId: stripAngles(info.messageId) };
    } catch (error) {
      throw notSent(error as Error & { code?: string; responseCode?: number; command?: string });
    }
  }

  /** Keeps no copy: the messages are with the recipients' servers. */
  async forget(_jobSeekerId: string): Promise<number> {
    return 0;
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/** 5xx: refused for good; 4xx or a broken connection: try again later. The reason keeps no address. */
function notSent(error: Error & { code?: string; responseCode?: number; command?: string }): MailNotSent {
  const code = error.responseCode;
  const retryable = code === undefined ? CONNECTION_CODES.has(error.code ?? '') || error.code === undefined : code < 500;
  const answer = code === undefined ? (error.code ?? error.name) : `${code} to ${error.command ?? 'SMTP'}`;
  return new MailNotSent(retryable, `SMTP ${answer}: ${withoutAddresses(error.message)}`);
}

const withoutAddresses = (text: string): string => text.replace(/<?[^\s<>@]+@[^\s<>]+>?/g, '[address]').slice(0, 300);
