/**
 * The invitation (A6.3, A6.4) and the terms notice (A13) as a job seeker receives them: composed, sent through
 * the real SMTP adapter to an in-process SMTP server, parsed with mailparser; the .ics with ical.js.
 */
import ICAL from 'ical.js';
import { simpleParser, type ParsedMail } from 'mailparser';
import { type Invitation, invitationMessage, type OfficeSender, termsNoticeMessage } from '../../../src/application/notifications/messages';
import { SmtpMailer } from '../../../src/infrastructure/mail/smtp/smtp-mailer';
import { loadMessageTemplates } from '../../../src/infrastructure/mail/templates';
import { TestSmtpServer } from '../../infrastructure/mail/smtp-server.fixtures';

const templates = loadMessageTemplates();
const office: OfficeSender = {
  officeId: 'office-1',
  name: 'ハローワーク岡山',
  senderEmail: 'okayama@hellowork.example',
  cancellationPhone: '086-241-3222',
};
const invitation: Invitation = {
  reservationId: 'b1f0c6a2-5d3e-4c1b-9a57-0d2b8e4f6a11',
  jobSeekerId: '83a0d90abf00006b1c363d4dff6034b6248cf22421f43dcd264714e1e1b2945f',
  confirmationEventId: '6f1d2c3b-aaaa-4bbb-8ccc-123456789abc',
  office,
  to: { name: '山田 花子', address: 'hanako@example.jp' },
  start: new Date('2026-12-01T05:00:00.000Z'),
  end: new Date('2026-12-01T05:30:00.000Z'),
  meetingUrl: 'https://meet.example/okayama/room-7?pwd=a1b2',
  designatedApp: 'Webex',
  confirmedAt: new Date('2026-11-27T01:15:00.000Z'),
};

async function receive(message: ReturnType<typeof invitationMessage>): Promise<{ mail: ParsedMail; raw: string }> {
  const server = await TestSmtpServer.start();
  const mailer = new SmtpMailer(server.url);
  try {
    await mailer.send(message);
    const raw = server.received[0];
    return { mail: await simpleParser(raw), raw: raw.toString('utf8') };
  } finally {
    await mailer.close();
    await server.close();
  }
}

function sessionEvent(mail: ParsedMail): ICAL.Event {
  const ics = mail.attachments.find((a) => a.filename === 'invitation.ics');
  if (!ics) throw new Error('no invitation.ics attached');
  const calendar = new ICAL.Component(ICAL.parse(ics.content.toString('utf8')));
  const events = calendar.getAllSubcomponents('vevent');
  expect(events).toHaveLength(1);
  return new ICAL.Event(events[0]);
}

describe('A6.3: the invitation as the job seeker receives it', () => {
  let mail: ParsedMail;
  let raw: string;

  beforeAll(async () => {
    ({ mail, raw } = await receive(invitationMessage(templates, invitation)));
    if (process.env.PRINT_INVITATION) process.stdout.write(`${raw}\n`);
  });

  it('comes from the office (its profile) to the job seeker, under a Message-ID derived from SlotConfirmed', () => {
    expect(mail.from?.value).toEqual([{ name: 'ハローワーク岡山', address: 'okayama@hellowork.example' }]);
    expect(mail.to).toMatchObject({ value: [{ name: '山田 花子', address: 'hanako@example.jp' }] });
    expect(mail.messageId).toBe('<invitation-6f1d2c3b-aaaa-4bbb-8ccc-123456789abc@madoguchi>');
    expect(mail.subject).toBe('【ハローワーク岡山】オンライン職業相談のご案内（2026年12月1日（火）14:00〜14:30）');
  });

  it.each([
    ['A6.3: the date and time in JST with the weekday', '2026年12月1日（火）14:00〜14:30'],
    ['A6.3, A4: the meeting URL recorded in SlotConfirmed, and the app', 'https://meet.example/okayama/room-7?pwd=a1b2'],
    ['A4: the designated app', 'Webex'],
    ['A6.5: cancel by telephone, with the office’s number', 'キャンセルや変更は、お電話でご連絡ください。'],
    ['A6.5: the office’s number', '086-241-3222'],
    ['A6.5: no contact for 10 minutes counts as cancelled', '開始時刻から10分を過ぎた場合は、キャンセルとして取り扱います'],
    ['A12.2: recording is prohibited', '録音・録画・撮影することは、方法を問わず禁止'],
    ['A12.4: prepare the app and test the connection beforehand', '接続テストを行ってください'],
    ['A3, A12.5: free, connection costs are the user’s', '相談は無料です。ただし、通信料等の接続に係る費用はご利用者の負担'],
  ])('%s — in the text and the HTML', (_, words) => {
    expect(mail.text).toContain(words);
    expect(mail.html).toContain(words.replace(/&/g, '&amp;'));
  });

  it('A6.3: links the meeting URL in the HTML', () => {
    expect(mail.html).toContain('<a href="https://meet.example/okayama/room-7?pwd=a1b2">');
  });

  it('attaches an .ics whose event is the session in UTC (never floating), with the URL and the office', () => {
    const event = sessionEvent(mail);

    expect(event.startDate.zone?.tzid).toBe('UTC');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-12-01T05:00:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2026-12-01T05:30:00.000Z');
    expect(event.uid).toBe('reservation-b1f0c6a2-5d3e-4c1b-9a57-0d2b8e4f6a11@madoguchi');
    expect(event.summary).toBe('オンライン職業相談（ハローワーク岡山）');
    expect(event.location).toBe('https://meet.example/okayama/room-7?pwd=a1b2');
    expect(event.component.getFirstPropertyValue('url')).toBe('https://meet.example/okayama/room-7?pwd=a1b2');
    expect(event.description).toContain('086-241-3222');
    expect(event.organizer).toBe('mailto:okayama@hellowork.example');
  });

  it('A6.4: a follow-up’s invitation is the same message for its own session', async () => {
    const followUp = await receive(
      invitationMessage(templates, {
        ...invitation,
        reservationId: 'follow-up-1',
        confirmationEventId: 'e-2',
        start: new Date('2026-12-08T01:30:00.000Z'),
        end: new Date('2026-12-08T02:00:00.000Z'),
      }),
    );

    expect(followUp.mail.text).toContain('2026年12月8日（火）10:30〜11:00');
    expect(sessionEvent(followUp.mail).startDate.toJSDate().toISOString()).toBe('2026-12-08T01:30:00.000Z');
  });
});

describe('personal values in HTML are escaped', () => {
  const hostile = '<script>alert("x")</script> & \'花子\'';

  it('shows a hostile name as text in the HTML and unchanged in the text', async () => {
    const { mail } = await receive(invitationMessage(templates, { ...invitation, to: { name: hostile, address: 'hanako@example.jp' } }));

    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;花子&#39; 様');
    expect(mail.text).toContain(`${hostile} 様`);
  });

  it('refuses a meeting URL that is not http(s), so it never becomes a script link', () => {
    expect(() => invitationMessage(templates, { ...invitation, meetingUrl: 'javascript:alert(1)' })).toThrow(/http\(s\)/);
  });
});

describe('A13: the terms notice', () => {
  it('announces the new version, its effective date with the weekday, and what changed, escaped in HTML', async () => {
    const { mail } = await receive(
      termsNoticeMessage(templates, {
        publishedEventId: 'ev-terms-2',
        jobSeekerId: 'js-1',
        office,
        to: { name: '山田 花子', address: 'hanako@example.jp' },
        version: '2027-04',
        title: 'オンライン職業相談等利用規約',
        summary: '第5条を改めました。\n<b>無料Wi-Fi</b>の利用について明記しました。',
        effectiveFrom: '2027-04-01',
      }),
    );

    expect(mail.from?.value).toEqual([{ name: 'ハローワーク岡山', address: 'okayama@hellowork.example' }]);
    expect(mail.messageId).toBe('<terms-ev-terms-2-js-1@madoguchi>');
    expect(mail.subject).toBe('【ハローワーク岡山】オンライン職業相談等利用規約の改定のお知らせ');
    expect(mail.text).toContain('2027年4月1日（木）から適用します。');
    expect(mail.text).toContain('オンライン職業相談等利用規約（2027-04）');
    expect(mail.text).toContain('第5条を改めました。\n<b>無料Wi-Fi</b>の利用について明記しました。');
    expect(mail.html).toContain('第5条を改めました。<br>\n&lt;b&gt;無料Wi-Fi&lt;/b&gt;の利用について明記しました。');
    expect(mail.text).toContain('086-241-3222');
  });
});
