import { randomUUID } from 'node:crypto';
import type { MailAddress, MailMessage } from '../../application/ports/mailer';

/** The message in nodemailer's terms, shared by the SMTP transport and the outbox's MIME composer. */
export function toNodemailer(message: MailMessage, messageIdDomain: string) {
  return {
    from: address(message.from),
    to: address(message.to),
    subject: message.subject,
    text: message.text,
    html: message.html,
    attachments: (message.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    messageId: `<${message.messageId ?? `${randomUUID()}@${messageIdDomain}`}>`,
    // Never fetch a file or URL named in a message: its content is ours, not the reader's.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

const address = (a: MailAddress) => (a.name ? { name: a.name, address: a.address } : a.address);

export const stripAngles = (messageId: string): string => messageId.replace(/^<|>$/g, '');
