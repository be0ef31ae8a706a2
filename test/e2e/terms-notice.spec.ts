/**
 * A13 through the running service: publishing a terms version e-mails its notice, once, to every job seeker
 * with a session on or after its effective date, over a real in-process SMTP server — also after a restart,
 * and with two instances on one store and one Redis.
 */
import { simpleParser } from 'mailparser';
import { SideEffects } from '../../src/application/side-effects/side-effects';
import { SmtpMailer } from '../../src/infrastructure/mail/smtp/smtp-mailer';
import { BullMqScheduler } from '../../src/infrastructure/scheduler/bullmq/bullmq-scheduler';
import { InProcessScheduler } from '../../src/infrastructure/scheduler/in-process/in-process-scheduler';
import { waitFor } from '../contracts/event-store.fixtures';
import { TestSmtpServer } from '../infrastructure/mail/smtp-server.fixtures';
import { dropPrefix, REDIS_URL, requireRedis, uniquePrefix } from '../infrastructure/scheduler/redis.fixtures';
import { JST, registerJobSeeker, requestBody, seed, startService, TestClock, type TestService, validConsent } from './harness';

const NEW_TERMS = {
  version: '2026-12-01',
  effectiveFrom: '2026-12-01',
  title: 'オンライン職業相談等利用規約（改定）',
  summary: '録画の禁止を明記しました。',
};

describe('A13: the notice of a new terms version', () => {
  let smtp: TestSmtpServer;
  const services: TestService[] = [];
  const prefix = uniquePrefix();

  beforeEach(async () => {
    smtp = await TestSmtpServer.start();
  });
  afterEach(async () => {
    for (const service of services.splice(0)) await service.close();
    await smtp.close();
  });
  afterAll(() => dropPrefix(prefix));

  const inProcess = async (dbFile?: string) => {
    const clock = new TestClock();
    const service = await startService({
      dbFile,
      clock,
      sideEffects: { scheduler: new InProcessScheduler(clock), mailer: new SmtpMailer(smtp.url) },
    });
    await service.app.get(SideEffects).started;
    services.push(service);
    return service;
  };

  /** Two job seekers: 太郎 with two sessions on and after the effective date, 花子 with one the day before it. */
  async function sessions(service: TestService) {
    const ids = await seed(service, 2);
    const hanako = await registerJobSeeker(service, '33010-7654321', '岡山 花子');
    const confirm = async (jobSeeker: { jobSeekerNo: string; name: string }, email: string, start: string, counselor = 0) => {
      const requested = await service.send('POST', '/v1/reservations', { ...requestBody(ids.officeId, jobSeeker, start), email });
      const confirmed = await service.send('POST', `/v1/reservations/${requested.body.reservationId}/confirmation`, {
        counselorId: ids.counselorIds[counselor],
        start,
      });
      expect(confirmed.status).toBe(200);
    };
    await confirm(ids.jobSeeker, 'taro@example.jp', JST('2026-12-01', '10:00'));
    await confirm(ids.jobSeeker, 'taro@example.jp', JST('2026-12-02', '11:00'));
    await confirm(hanako, 'hanako@example.jp', JST('2026-11-30', '10:00'), 1);
    await waitFor(() => smtp.received.length >= 3, 'the three invitations');
    service.clock.set(JST('2026-11-26', '10:30')); // the new terms are published after these confirmations
    return { ...ids, hanako };
  }

  const notices = async () => (await Promise.all(smtp.received.map((raw) => simpleParser(raw)))).filter((m) => m.subject?.includes('規約'));
  const recorded = async (service: TestService) => (await service.store.readAll()).filter((e) => e.type.startsWith('TermsNotice'));

  it('e-mails the job seeker with a session on or after the effective date, once, and records TermsNoticeSent with its Message-ID', async () => {
    const service = await inProcess();
    const { jobSeeker } = await sessions(service);

    expect((await service.send('POST', '/v1/terms-versions', NEW_TERMS)).status).toBe(201);
    await until(async () => (await recorded(service)).length > 0, 'TermsNoticeSent');
    await new Promise((resolve) => setTimeout(resolve, 300));

    const [mail, ...others] = await notices();
    const [sent, ...more] = await recorded(service);
    expect(others).toHaveLength(0);
    expect(more).toHaveLength(0);
    expect(sent).toMatchObject({ type: 'TermsNoticeSent', data: { jobSeekerId: jobSeeker.jobSeekerId, termsVersion: '2026-12-01' } });
    expect(mail.messageId).toBe(`<${String(sent.data.messageId)}>`);
    expect(mail.to).toMatchObject({ value: [{ address: 'taro@example.jp' }] });
    expect(mail.from).toMatchObject({ value: [{ name: 'ハローワーク岡山', address: 'online@okayama.example.jp' }] });
    expect(mail.subject).toBe('【ハローワーク岡山】オンライン職業相談等利用規約の改定のお知らせ');
    expect(mail.text).toContain('2026年12月1日（火）から適用します。');
    expect(mail.text).toContain('録画の禁止を明記しました。');
    expect(mail.text).toContain('086-222-2905');
  });

  it('sends nothing more after a restart (the start-up sweep finds the notice recorded), and nothing to a session confirmed after the publication', async () => {
    const first = await inProcess();
    const { officeId, counselorIds } = await sessions(first);
    await first.send('POST', '/v1/terms-versions', NEW_TERMS);
    await until(async () => (await recorded(first)).length > 0, 'TermsNoticeSent');
    first.clock.set(JST('2026-11-26', '11:00'));
    const later = await registerJobSeeker(first, '33010-1111111', '岡山 次郎');
    await first.send('POST', `/v1/job-seekers/${later.jobSeekerId}/consents`, { ...validConsent(), termsVersion: '2026-12-01' });
    const requested = await first.send('POST', '/v1/reservations', {
      ...requestBody(officeId, later, JST('2026-12-03', '10:00')),
      email: 'jiro@example.jp',
    });
    const confirmed = await first.send('POST', `/v1/reservations/${requested.body.reservationId}/confirmation`, {
      counselorId: counselorIds[0],
      start: JST('2026-12-03', '10:00'),
    });
    expect(confirmed.status).toBe(200);
    await waitFor(() => smtp.received.length >= 5, 'the fourth invitation');
    const dbFile = first.dbFile;
    await first.close();
    services.splice(0);

    const second = await inProcess(dbFile);
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect((await notices()).map((m) => m.to)).toEqual([
      expect.objectContaining({ value: [expect.objectContaining({ address: 'taro@example.jp' })] }),
    ]);
    expect(await recorded(second)).toHaveLength(1);
  });

  it('records TermsNoticeFailed once when the SMTP server refuses the address for good (550)', async () => {
    const service = await inProcess();
    const { jobSeeker } = await sessions(service);
    smtp.answers.push({ refuse: 'rcpt', code: 550 });

    await service.send('POST', '/v1/terms-versions', NEW_TERMS);
    await until(async () => (await recorded(service)).length > 0, 'TermsNoticeFailed');

    expect(await recorded(service)).toEqual([
      expect.objectContaining({
        type: 'TermsNoticeFailed',
        data: expect.objectContaining({ jobSeekerId: jobSeeker.jobSeekerId, reason: expect.stringMatching(/^SMTP 550/) }),
      }),
    ]);
    expect(await notices()).toHaveLength(0);
  });

  it('A13 a notice refused for good is on the staff to-do list, with the reason, until the job seeker consents to that version', async () => {
    const service = await inProcess();
    const { jobSeeker, officeId } = await sessions(service);
    smtp.answers.push({ refuse: 'rcpt', code: 550 });
    await service.send('POST', '/v1/terms-versions', NEW_TERMS);
    await until(async () => (await recorded(service)).length > 0, 'TermsNoticeFailed');

    const todo = async () => (await service.send('GET', `/v1/offices/${officeId}/todo`)).body;
    expect((await todo()).failedTermsNotices).toEqual([
      {
        jobSeekerId: jobSeeker.jobSeekerId,
        name: jobSeeker.name,
        termsVersion: '2026-12-01',
        failedAt: '2026-11-26T10:30:00+09:00',
        reason: expect.stringMatching(/^SMTP 550/),
      },
    ]);

    // Told by telephone, the job seeker consents to the new version: nothing is left to do.
    const consent = await service.send('POST', `/v1/job-seekers/${jobSeeker.jobSeekerId}/consents`, {
      ...validConsent(),
      termsVersion: '2026-12-01',
    });
    expect(consent.status).toBeLessThan(300);
    expect((await todo()).failedTermsNotices).toEqual([]);
  });

  it('two instances on one store and one Redis: one notice and one TermsNoticeSent per job seeker', async () => {
    await requireRedis();
    const clock = new TestClock();
    const instance = async (dbFile?: string) => {
      const scheduler = new BullMqScheduler(clock, { url: REDIS_URL, prefix });
      const service = await startService({ dbFile, clock, sideEffects: { scheduler, mailer: new SmtpMailer(smtp.url) } });
      await service.app.get(SideEffects).started;
      services.push(service);
      return service;
    };
    const first = await instance();
    const second = await instance(first.dbFile);
    const { officeId, counselorIds } = await sessions(first);
    // Five more job seekers with sessions after the effective date, confirmed through the second instance.
    for (let i = 0; i < 5; i++) {
      const person = await registerJobSeeker(second, `33010-200000${i}`, `岡山 ${i}`);
      const start = JST('2026-12-04', `1${i}:00`);
      const requested = await second.send('POST', '/v1/reservations', { ...requestBody(officeId, person, start), email: `person${i}@example.jp` });
      expect(
        (await second.send('POST', `/v1/reservations/${requested.body.reservationId}/confirmation`, { counselorId: counselorIds[0], start })).status,
      ).toBe(200);
    }
    await waitFor(() => smtp.received.length >= 8, 'the eight invitations', 20_000);
    clock.set(JST('2026-11-26', '10:45'));

    await first.send('POST', '/v1/terms-versions', NEW_TERMS);
    await until(async () => (await recorded(first)).length >= 6, 'six TermsNoticeSent', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const mails = await notices();
    const sent = await recorded(first);
    expect(sent).toHaveLength(6);
    expect(new Set(sent.map((e) => e.data.jobSeekerId)).size).toBe(6);
    expect(mails).toHaveLength(6);
    expect(mails.map((m) => m.messageId).sort()).toEqual(sent.map((e) => `<${String(e.data.messageId)}>`).sort());
  });
});

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
