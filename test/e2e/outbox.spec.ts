/**
 * The mail outbox of the embedded default (SMTP_URL unset), as staff read it through the API: what the
 * demo's confirmations produced, and each message's text; reading it is recorded (A8.1).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SideEffects } from '../../src/application/side-effects/side-effects';
import { OutboxMailer } from '../../src/infrastructure/mail/outbox/outbox-mailer';
import { SmtpMailer } from '../../src/infrastructure/mail/smtp/smtp-mailer';
import { InProcessScheduler } from '../../src/infrastructure/scheduler/in-process/in-process-scheduler';
import { runBuilt, tempDataDir } from './built-service';
import { eventually, JST, requestBody, seed, startService, TestClock, type TestService } from './harness';

describe('the mail outbox through the API', () => {
  let service: TestService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  it('A6.3: shows the invitation of a confirmation, newest first and paginated; the read is recorded for the auditor', async () => {
    const clock = new TestClock();
    service = await startService({ clock, sideEffects: { scheduler: new InProcessScheduler(clock), mailer: new OutboxMailer(':memory:', clock) } });
    await service.app.get(SideEffects).started;
    const ids = await seed(service, 2);
    for (const [start, counselor] of [
      [JST('2026-12-01', '10:00'), 0],
      [JST('2026-12-02', '11:00'), 1],
    ] as const) {
      const requested = await service.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker, start));
      await service.send('POST', `/v1/reservations/${requested.body.reservationId}/confirmation`, {
        counselorId: ids.counselorIds[counselor],
        start,
      });
    }
    let outbox = await service.send('GET', '/v1/outbox?limit=1');
    for (let i = 0; i < 500 && outbox.body.total < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      outbox = await service.send('GET', '/v1/outbox?limit=1');
    }
    const second = await service.send('GET', '/v1/outbox?limit=1&offset=1');

    expect(outbox.status).toBe(200);
    expect(outbox.body).toMatchObject({ mailer: 'outbox', total: 2, offset: 0, limit: 1 });
    expect(outbox.body.items).toHaveLength(1);
    expect(second.body.items).toHaveLength(1);
    const texts = [outbox.body.items[0], second.body.items[0]].map((item: { text: string }) => item.text);
    expect(texts.some((text) => text.includes('2026年12月1日（火）10:00〜10:30'))).toBe(true);
    expect(texts.some((text) => text.includes('2026年12月2日（水）11:00〜11:30'))).toBe(true);
    expect(outbox.body.items[0]).toMatchObject({
      from: 'online@okayama.example.jp',
      to: 'taro@example.jp',
      jobSeekerId: ids.jobSeeker.jobSeekerId,
      subject: expect.stringContaining('オンライン職業相談のご案内'),
    });
    expect(outbox.body.items[0].raw).toContain('Content-Type: text/calendar');

    const auditor = { authorization: `Bearer ${await service.tokenFor('kansa', ['auditor'])}` };
    const views = await service.send('GET', '/v1/audit/personal-data-views?from=2026-11-26&to=2026-11-26', undefined, auditor);
    expect(views.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ viewer: 'staff:tanaka', view: 'outbox', jobSeekerIds: [ids.jobSeeker.jobSeekerId] })]),
    );
    expect((await service.send('GET', '/v1/outbox', undefined, auditor)).status).toBe(403);
  });

  it('A8.1: erasing a job seeker erases the copies of their e-mails: gone from the API and, byte for byte, from the outbox files', async () => {
    const clock = new TestClock();
    const dir = mkdtempSync(join(tmpdir(), 'madoguchi-outbox-erasure-'));
    try {
      service = await startService({
        clock,
        sideEffects: { scheduler: new InProcessScheduler(clock), mailer: new OutboxMailer(join(dir, 'outbox.sqlite'), clock) },
      });
      await service.app.get(SideEffects).started;
      const ids = await seed(service);
      const start = JST('2026-12-01', '10:00');
      const requested = await service.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker, start));
      await service.send('POST', `/v1/reservations/${requested.body.reservationId}/confirmation`, { counselorId: ids.counselorIds[0], start });
      await eventually(async () => (await service!.send('GET', '/v1/outbox')).body.total === 1, 'the invitation in the outbox');
      const outboxBytes = () => Buffer.concat(readdirSync(dir).map((file) => readFileSync(join(dir, file))));
      expect(outboxBytes().includes(Buffer.from('taro@example.jp'))).toBe(true);

      const erased = await service.send('POST', `/v1/job-seekers/${ids.jobSeeker.jobSeekerId}/erasure`, { reason: '保存期間の満了' });

      expect(erased.status).toBe(200);
      await eventually(async () => (await service!.send('GET', '/v1/outbox')).body.total === 0, 'the outbox emptied of the erased job seeker');
      for (const personal of ['taro@example.jp', ids.jobSeeker.name, '2026年12月1日'])
        expect(outboxBytes().includes(Buffer.from(personal))).toBe(false);
    } finally {
      await service?.close();
      service = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says the mail goes to SMTP, and shows nothing, when the instance sends through SMTP_URL', async () => {
    const clock = new TestClock();
    service = await startService({
      clock,
      sideEffects: { scheduler: new InProcessScheduler(clock), mailer: new SmtpMailer('smtp://127.0.0.1:2525') },
    });

    expect((await service.send('GET', '/v1/outbox')).body).toEqual({ mailer: 'smtp', items: [], total: 0, offset: 0, limit: 50 });
  });

  it('npm run demo fills it: the demo week’s confirmations are invitations in the outbox, read with the printed token', async () => {
    const dataDir = tempDataDir();
    const demo = runBuilt(['--demo'], { DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    try {
      const [, url] = await demo.waitForStdout(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const [, token] = await demo.waitForStdout(/demo: sign in as[^\n]*\n\s*(mdg_[0-9a-f]{32}_[A-Za-z0-9_-]{43})/);
      const read = async () => {
        const response = await fetch(`${url}/v1/outbox?limit=200`, { headers: { authorization: `Bearer ${token}` } });
        return (await response.json()) as { mailer: string; total: number; items: { subject: string; to: string; text: string }[] };
      };
      let outbox = await read();
      for (let i = 0; i < 3_000 && outbox.total < 5; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        outbox = await read();
      }

      expect(outbox.mailer).toBe('outbox');
      expect(outbox.total).toBeGreaterThanOrEqual(5);
      for (const item of outbox.items) {
        expect(item.subject).toMatch(
          /^【ハローワーク岡山】オンライン職業相談のご案内（\d{4}年\d{1,2}月\d{1,2}日（[月火水木金]）\d{2}:\d{2}〜\d{2}:\d{2}）$/,
        );
        expect(item.text).toContain('録音・録画');
      }
    } finally {
      await demo.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
