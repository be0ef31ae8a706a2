/**
 * A6.3, crash mid-send: the service (the built `node dist/main.js`, a real process) is killed with SIGKILL
 * after the SMTP server has the invitation and before InvitationSent is recorded. After a restart, how many
 * e-mails arrived? The design (claim before sending = the job; record after) re-sends an unrecorded send on
 * purpose, under the same Message-ID: one duplicate per crash in that window, never more, and none after
 * InvitationSent is recorded. (Claiming with an event instead would make it at most once, and a crash there
 * a silent lost invitation unless staff phone the job seeker; we chose a recognisable copy over a lost one.)
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { toJst } from '../../src/domain/calendar/business-calendar';
import { businessDaysAfter } from '../../src/infrastructure/demo/demo';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite/sqlite-event-store';
import { TestSmtpServer } from '../infrastructure/mail/smtp-server.fixtures';
import { runBuilt, type ServiceProcess, tempDataDir } from './built-service';

describe('A6.3: kill -9 of the service between the SMTP server taking the invitation and InvitationSent', () => {
  let smtp: TestSmtpServer;
  let dataDir: string;
  let service: ServiceProcess | undefined;

  beforeEach(async () => {
    smtp = await TestSmtpServer.start();
    dataDir = tempDataDir();
  });
  afterEach(async () => {
    if (service && service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
    await service?.exited;
    await smtp.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    service = runBuilt([], { DATA_DIR: dataDir, SMTP_URL: smtp.url, LOG_LEVEL: 'silent' });
    const [, url] = await service.waitForStdout(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    return url;
  };

  it('after a restart the invitation is sent again under the same Message-ID: two copies arrived, one InvitationSent, nothing more later', async () => {
    let url = await start();
    const [, admin] = await service!.waitForStdout(/(mdg_[0-9a-f]{32}_[A-Za-z0-9_-]{43})/);
    const send = async (token: string, path: string, body: unknown) => {
      const response = await fetch(url + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as Record<string, string>;
      if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(answer)}`);
      return answer;
    };
    await send(admin, '/v1/staff', { staffId: 'tanaka', name: '田中', roles: ['counselor', 'supervisor'] });
    const { token } = await send(admin, '/v1/staff/tanaka/tokens', {});
    const today = toJst(new Date()).date;
    await send(token, '/v1/terms-versions', { version: 'v1', effectiveFrom: today, title: 'オンライン職業相談等利用規約', summary: '初版' });
    const { officeId } = await send(admin, '/v1/offices', {
      name: 'ハローワーク岡山',
      cancellationPhone: '086-222-2905',
      senderEmail: 'online@okayama.example.jp',
      designatedApp: { name: 'Webex', termsUrl: 'https://www.webex.com/terms.html' },
      meetingUrlPolicy: { kind: 'per-session', template: 'https://meet.example.jp/j/{token}' },
    });
    const { counselorId } = await send(admin, `/v1/offices/${officeId}/counselors`, { name: '相談員' });
    const jobSeeker = { jobSeekerNo: '33010-1234567', name: '岡山 太郎' };
    const { jobSeekerId } = await send(token, '/v1/job-seekers', {
      ...jobSeeker,
      registration: 'full',
      email: 'taro@example.jp',
      inPersonDifficulty: '育児のため外出が難しい',
    });
    await send(token, `/v1/job-seekers/${jobSeekerId}/consents`, {
      termsVersion: 'v1',
      environment: { 'A5.1': true, 'A5.2': true, 'A5.3': true, 'A5.4': true, 'A5.5': true, 'A5.6': true },
      deviceReadiness: { device: 'pc', hasWebCamera: true, appPrepared: true },
      designatedApp: { name: 'Webex', termsUrl: 'https://www.webex.com/terms.html' },
      recordingProhibitionAcknowledged: true,
    });
    const session = `${businessDaysAfter(today, 2)[1]}T10:00:00+09:00`;
    const { reservationId } = await send(token, '/v1/reservations', {
      officeId,
      ...jobSeeker,
      email: 'taro@example.jp',
      channel: 'phone',
      firstWish: session,
    });
    const killed = new Promise<void>((resolve) => {
      smtp.beforeAccepting = () => {
        smtp.beforeAccepting = () => undefined;
        service!.child.kill('SIGKILL');
        resolve();
      };
    });

    await send(token, `/v1/reservations/${reservationId}/confirmation`, { counselorId, start: session });
    await killed;
    await service!.exited;
    const afterKill = await typesOf(dataDir, reservationId);
    url = await start();
    await until(async () => (await typesOf(dataDir, reservationId)).includes('InvitationSent'), 'InvitationSent after the restart');
    await service!.stop();
    url = await start(); // and once more: nothing is sent again
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await service!.stop();

    const mails = await Promise.all(smtp.received.map((raw) => simpleParser(raw)));
    const sent = (await eventsOf(dataDir, reservationId)).filter((e) => e.type === 'InvitationSent');
    expect(afterKill).toEqual(['ReservationRequested', 'SlotConfirmed']);
    expect(mails).toHaveLength(2);
    expect(sent).toHaveLength(1);
    expect(mails.map((m) => m.messageId)).toEqual([`<${String(sent[0].data.messageId)}>`, `<${String(sent[0].data.messageId)}>`]);
    expect(mails[1].text).toBe(mails[0].text);
  }, 180_000);
});

async function eventsOf(dataDir: string, reservationId: string) {
  const store = SqliteEventStore.open(join(dataDir, 'events.sqlite'));
  try {
    return await store.readStream(`reservation-${reservationId}`);
  } finally {
    await store.close();
  }
}

async function typesOf(dataDir: string, reservationId: string): Promise<string[]> {
  return (await eventsOf(dataDir, reservationId)).map((e) => e.type);
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
