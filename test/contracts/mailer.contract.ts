/** The behaviour every Mailer adapter must have (see src/application/ports/mailer.ts). */
import { randomUUID } from 'node:crypto';
import { type ParsedMail, simpleParser } from 'mailparser';
import type { Mailer, MailMessage } from '../../src/application/ports/mailer';
import { times } from './event-store.fixtures';

/** An adapter under test, and the raw messages as they arrived at the far end (SMTP server, outbox). */
export interface MailerUnderTest {
  mailer: Mailer;
  delivered(): Promise<Buffer[]>;
  close(): Promise<void>;
}

export const newMessage = (overrides: Partial<MailMessage> = {}): MailMessage => ({
  from: { name: 'ハローワーク岡山', address: 'okayama@hellowork.example' },
  to: { name: '山田 花子', address: `hanako-${randomUUID()}@example.jp` },
  subject: 'オンライン職業相談のご案内',
  text: '山田 花子 様\n\nオンライン職業相談のご予約が確定しました。\n',
  html: '<p>山田 花子 様</p><p>オンライン職業相談のご予約が確定しました。</p>',
  ...overrides,
});

export async function deliveredTo(under: MailerUnderTest, address: string): Promise<ParsedMail[]> {
  const parsed = await Promise.all((await under.delivered()).map((raw) => simpleParser(raw)));
  return parsed.filter((mail) => (Array.isArray(mail.to) ? mail.to : [mail.to]).some((to) => to?.value.some((v) => v.address === address)));
}

export function mailerContract(name: string, open: () => Promise<MailerUnderTest>): void {
  describe(`Mailer contract: ${name}`, () => {
    let under: MailerUnderTest;

    beforeEach(async () => {
      under = await open();
    });

    afterEach(async () => {
      await under.close();
    });

    it('delivers sender, recipient, Japanese subject, text, HTML and attachments, under the Message-ID it returns', async () => {
      const message = newMessage({
        attachments: [
          {
            filename: 'invitation.ics',
            contentType: 'text/calendar; method=REQUEST; charset=UTF-8',
            content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n',
          },
        ],
      });

      const sent = await under.mailer.send(message);
      const [mail, ...more] = await deliveredTo(under, message.to.address);

      expect(more).toHaveLength(0);
      expect(mail.messageId).toBe(`<${sent.messageId}>`);
      expect(mail.from?.value).toEqual([{ name: 'ハローワーク岡山', address: 'okayama@hellowork.example' }]);
      expect(mail.subject).toBe('オンライン職業相談のご案内');
      expect(mail.text).toBe(message.text);
      expect(mail.html).toBe(message.html);
      expect(mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content.toString('utf8') }))).toEqual([
        { filename: 'invitation.ics', contentType: 'text/calendar', content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' },
      ]);
    });

    it('uses the Message-ID the caller derives, so a retried send carries the same one', async () => {
      const messageId = `invitation-${randomUUID()}@madoguchi.example`;
      const message = newMessage({ messageId });

      const sent = await under.mailer.send(message);
      const [mail] = await deliveredTo(under, message.to.address);

      expect(sent.messageId).toBe(messageId);
      expect(mail.messageId).toBe(`<${messageId}>`);
    });

    it('gives every message its own Message-ID when the caller sets none', async () => {
      const messages = times(5, () => newMessage());

      const sent = await Promise.all(messages.map((message) => under.mailer.send(message)));

      expect(new Set(sent.map((s) => s.messageId)).size).toBe(5);
      for (const message of messages) expect(await deliveredTo(under, message.to.address)).toHaveLength(1);
    });
  });
}
