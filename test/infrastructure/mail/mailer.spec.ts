import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { MailNotSent } from '../../../src/application/ports/mailer';
import { SystemClock } from '../../../src/infrastructure/clock/system-clock';
import { OutboxMailer } from '../../../src/infrastructure/mail/outbox/outbox-mailer';
import { SmtpMailer } from '../../../src/infrastructure/mail/smtp/smtp-mailer';
import { deliveredTo, mailerContract, newMessage } from '../../contracts/mailer.contract';
import { rejection } from '../../contracts/event-store.fixtures';
import { TestSmtpServer } from './smtp-server.fixtures';
import { fileIdentity, track, WalSyncGate } from '../../support/wal-sync-gate';

const clock = new SystemClock();

mailerContract('SMTP (nodemailer → an in-process smtp-server)', async () => {
  const server = await TestSmtpServer.start();
  const mailer = new SmtpMailer(server.url);
  return {
    mailer,
    delivered: async () => server.received,
    close: async () => {
      await mailer.close();
      await server.close();
    },
  };
});

mailerContract('outbox (SQLite file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-outbox-'));
  const outbox = new OutboxMailer(join(dir, 'outbox.sqlite'), clock);
  return {
    mailer: outbox,
    delivered: async () => outbox.list(0, 1_000).map((entry) => entry.raw),
    close: async () => {
      await outbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('A8.1: forgetting a job seeker’s messages (erasure)', () => {
  it('the outbox destroys every copy about that job seeker and nothing else, leaving none of its bytes in its files; a second time finds none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'madoguchi-outbox-'));
    const outbox = new OutboxMailer(join(dir, 'outbox.sqlite'), clock);
    try {
      const erased = [newMessage({ jobSeekerId: 'js-erased' }), newMessage({ jobSeekerId: 'js-erased' })];
      const kept = newMessage({ jobSeekerId: 'js-kept' });
      for (const message of [...erased, kept]) await outbox.send(message);

      const forgotten = await outbox.forget('js-erased');

      expect(forgotten).toBe(2);
      expect(outbox.list().map((entry) => entry.to)).toEqual([kept.to.address]);
      const bytes = Buffer.concat(readdirSync(dir).map((file) => readFileSync(join(dir, file))));
      for (const message of erased) expect(bytes.includes(Buffer.from(message.to.address))).toBe(false);
      expect(bytes.includes(Buffer.from(kept.to.address))).toBe(true);
      expect(await outbox.forget('js-erased')).toBe(0);
    } finally {
      await outbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SMTP keeps no copy, so it has none to forget', async () => {
    const mailer = new SmtpMailer('smtp://127.0.0.1:2525');
    expect(await mailer.forget('js-erased')).toBe(0);
    await mailer.close();
  });
});

describe('SmtpMailer when the server refuses', () => {
  let server: TestSmtpServer;
  let mailer: SmtpMailer;

  beforeEach(async () => {
    server = await TestSmtpServer.start();
    mailer = new SmtpMailer(server.url);
  });

  afterEach(async () => {
    await mailer.close();
    await server.close();
  });

  it.each([
    ['after DATA', 'data' as const],
    ['at RCPT TO', 'rcpt' as const],
  ])('surfaces a temporary refusal %s (451) as a retryable MailNotSent without the address, then delivers on retry', async (_, refuse) => {
    server.answers.push({ refuse, code: 451 });
    const message = newMessage();

    const error = await rejection(mailer.send(message));
    const sent = await mailer.send(message);

    expect(error).toBeInstanceOf(MailNotSent);
    expect(error).toMatchObject({ retryable: true });
    expect((error as MailNotSent).reason).toMatch(/^SMTP 451/);
    expect((error as MailNotSent).reason).not.toContain(message.to.address);
    const delivered = await deliveredTo({ mailer, delivered: async () => server.received, close: async () => undefined }, message.to.address);
    expect(delivered.map((mail) => mail.messageId)).toEqual([`<${sent.messageId}>`]);
  });

  it('surfaces a permanent refusal (550) as a MailNotSent that is not retryable', async () => {
    server.answers.push({ refuse: 'rcpt', code: 550 });

    const error = await rejection(mailer.send(newMessage()));

    expect(error).toMatchObject({ name: 'MailNotSent', retryable: false });
    expect(server.received).toHaveLength(0);
  });

  it('surfaces an unreachable server as a retryable MailNotSent', async () => {
    await server.close();

    const error = await rejection(mailer.send(newMessage()));

    expect(error).toMatchObject({ name: 'MailNotSent', retryable: true });
  });
});

describe('OutboxMailer', () => {
  it('answers a send only once its message is on disk (the WAL synced off the event loop); the sends made meanwhile share the next sync', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'madoguchi-outbox-'));
    const file = join(dir, 'outbox.sqlite');
    const gate = new WalSyncGate();
    const outbox = new OutboxMailer(file, clock, undefined, gate.syncFile);
    try {
      const first = track(outbox.send(newMessage()));
      while (gate.waiting === 0) await new Promise((resolve) => setImmediate(resolve));
      const later = [track(outbox.send(newMessage())), track(outbox.send(newMessage()))];
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect([first, ...later].map((send) => send.settled)).toEqual([false, false, false]);

      gate.release();
      await first.promise;
      expect(later.map((send) => send.settled)).toEqual([false, false]);
      while (gate.waiting === 0) await new Promise((resolve) => setImmediate(resolve));
      gate.release();
      await Promise.all(later.map((send) => send.promise));
      expect(gate.files).toEqual([fileIdentity(`${file}-wal`), fileIdentity(`${file}-wal`)]);
      expect(outbox.count()).toBe(3);
    } finally {
      gate.openUp();
      await outbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps its messages across a restart, and one copy per Message-ID', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'madoguchi-outbox-'));
    const file = join(dir, 'outbox.sqlite');
    try {
      const message = newMessage({ messageId: 'invitation-1@madoguchi.example' });
      const first = new OutboxMailer(file, clock);
      await first.send(message);
      await first.close();

      const reopened = new OutboxMailer(file, clock);
      await reopened.send(message);
      const entries = reopened.list();
      await reopened.close();

      expect(entries.map((e) => [e.messageId, e.subject])).toEqual([['invitation-1@madoguchi.example', message.subject]]);
      expect((await simpleParser(entries[0].raw)).text).toBe(message.text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
