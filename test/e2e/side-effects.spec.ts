/**
 * Issue 17 through the running service: the invitation (A6.3) over a real in-process SMTP server, and the
 * no-show (A6.5) on the in-process scheduler whose timers follow the test's clock.
 */
import { simpleParser } from 'mailparser';
import type { StoredEvent } from '../../src/application/ports/event-store';
import { ReadModels } from '../../src/application/consumers/read-models';
import { InvitationReactor } from '../../src/application/reservation/invitation.reactor';
import { NoShowReactor } from '../../src/application/reservation/no-show.reactor';
import { PENDING_SESSIONS_CONSUMER } from '../../src/application/side-effects/pending-sessions';
import { SideEffects } from '../../src/application/side-effects/side-effects';
import { SmtpMailer } from '../../src/infrastructure/mail/smtp/smtp-mailer';
import { InProcessScheduler } from '../../src/infrastructure/scheduler/in-process/in-process-scheduler';
import { ClockTimers } from '../infrastructure/scheduler/clock-timers';
import { waitFor } from '../contracts/event-store.fixtures';
import { TestSmtpServer } from '../infrastructure/mail/smtp-server.fixtures';
import { JST, requestBody, seed, startService, TestClock, type TestService } from './harness';

describe('issue 17: side effects of a confirmation', () => {
  let smtp: TestSmtpServer;
  let service: TestService;
  let timers: ClockTimers;
  let ids: Awaited<ReturnType<typeof seed>>;
  const start = JST('2026-11-27', '14:00');

  /** Ids of jobs the scheduler loses the first time they are scheduled, as a flushed Redis or a restart would. */
  let lose: (id: string) => boolean = () => false;
  const open = async (dbFile?: string, clock = new TestClock()) => {
    timers = new ClockTimers(clock);
    const scheduler = new InProcessScheduler(clock, timers, { backoffMs: 60_000 });
    const schedule = scheduler.schedule.bind(scheduler);
    const lost = new Set<string>();
    scheduler.schedule = async (job) => {
      if (!lost.has(job.id) && lose(job.id)) return void lost.add(job.id);
      return schedule(job);
    };
    service = await startService({ dbFile, clock, sideEffects: { scheduler, mailer: new SmtpMailer(smtp.url) } });
    await service.app.get(SideEffects).started;
  };
  const events = async (reservationId: string): Promise<StoredEvent[]> => service.store.readStream(`reservation-${reservationId}`);
  const types = async (reservationId: string) => (await events(reservationId)).map((e) => e.type);
  const confirmed = async (): Promise<string> => {
    const requested = await service.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker, start));
    const answer = await service.send('POST', `/v1/reservations/${requested.body.reservationId}/confirmation`, {
      counselorId: ids.counselorIds[0],
      start,
    });
    expect(answer.status).toBe(200);
    return requested.body.reservationId as string;
  };
  const noShowsOf = async (jobSeekerId: string) =>
    (await service.store.readStream(`jobseeker-${jobSeekerId}`)).filter((e) => e.type === 'NoShowCounted');

  beforeEach(async () => {
    smtp = await TestSmtpServer.start();
    await open();
    ids = await seed(service);
  });

  afterEach(async () => {
    lose = () => false;
    await service.close();
    await smtp.close();
  });

  it('A6.3: e-mails the invitation once and records InvitationSent with its Message-ID', async () => {
    const reservationId = await confirmed();

    await waitFor(() => smtp.received.length > 0, 'the invitation');
    await waitForEvent(events, reservationId, 'InvitationSent');
    const mail = await simpleParser(smtp.received[0]);
    const sent = (await events(reservationId)).find((e) => e.type === 'InvitationSent')!;

    expect(await types(reservationId)).toEqual(['ReservationRequested', 'SlotConfirmed', 'InvitationSent']);
    expect(mail.messageId).toBe(`<${String(sent.data.messageId)}>`);
    expect(mail.to).toMatchObject({ value: [{ address: 'taro@example.jp' }] });
    expect(mail.from).toMatchObject({ value: [{ name: 'ハローワーク岡山', address: 'online@okayama.example.jp' }] });
    expect(mail.text).toContain('2026年11月27日（金）14:00〜14:30');
    expect(mail.text).toContain('086-222-2905');
    expect(smtp.received).toHaveLength(1);
  });

  it('A6.3: an SMTP server refusing (451) then accepting records InvitationFailed, then InvitationSent after the backoff; one e-mail', async () => {
    smtp.answers.push({ refuse: 'data', code: 451 });
    const reservationId = await confirmed();

    await waitForEvent(events, reservationId, 'InvitationFailed');
    expect(smtp.received).toHaveLength(0);
    timers.advanceTo(JST('2026-11-26', '10:02'));
    await waitForEvent(events, reservationId, 'InvitationSent');

    expect(await types(reservationId)).toEqual(['ReservationRequested', 'SlotConfirmed', 'InvitationFailed', 'InvitationSent']);
    expect((await events(reservationId)).find((e) => e.type === 'InvitationFailed')?.data.reason).toMatch(/^SMTP 451/);
    expect(smtp.received).toHaveLength(1);
  });

  it('A6.3: an invitation whose job was lost is sent by the next minute sweep, once', async () => {
    lose = (id) => id.startsWith('invitation-');
    const reservationId = await confirmed();
    await service.app.get(ReadModels).caughtUp(PENDING_SESSIONS_CONSUMER);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.received).toHaveLength(0);

    timers.advanceTo(JST('2026-11-26', '10:01'));
    await waitForEvent(events, reservationId, 'InvitationSent');
    timers.advanceTo(JST('2026-11-26', '10:02'));
    await service.app.get(InvitationReactor).sweep(false);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(smtp.received).toHaveLength(1);
    expect((await types(reservationId)).filter((t) => t === 'InvitationSent')).toHaveLength(1);
  });

  it('A6.3: a permanent refusal (550) is recorded once and left to staff: the minute sweep does not send it again', async () => {
    smtp.answers.push({ refuse: 'rcpt', code: 550 });
    const reservationId = await confirmed();
    await waitForEvent(events, reservationId, 'InvitationFailed');
    await service.app.get(ReadModels).caughtUp(PENDING_SESSIONS_CONSUMER);

    for (const minute of ['10:01', '10:02', '10:03']) timers.advanceTo(JST('2026-11-26', minute));
    await service.app.get(InvitationReactor).sweep(false);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(smtp.received).toHaveLength(0);
    expect(await types(reservationId)).toEqual(['ReservationRequested', 'SlotConfirmed', 'InvitationFailed']);
  });

  it('A6.5: ten minutes after the start without check-in, records SessionMissed and counts it once, even when the job runs again', async () => {
    const reservationId = await confirmed();
    await waitForEvent(events, reservationId, 'InvitationSent');

    timers.advanceTo(JST('2026-11-27', '14:09'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await types(reservationId)).not.toContain('SessionMissed');
    timers.advanceTo(JST('2026-11-27', '14:10'));
    await waitForEvent(events, reservationId, 'SessionMissed');
    const noShow = service.app.get(NoShowReactor);
    await Promise.all([noShow.markMissed(reservationId), noShow.markMissed(reservationId)]);
    timers.advanceTo(JST('2026-11-27', '14:12'));

    expect((await types(reservationId)).filter((t) => t === 'SessionMissed')).toHaveLength(1);
    expect(await noShowsOf(ids.jobSeeker.jobSeekerId)).toHaveLength(1);
    const checkIn = await service.send('POST', `/v1/reservations/${reservationId}/check-in`, {});
    expect(checkIn.body).toMatchObject({ rule: 'A6.5' });
  });

  it('A6.5: a check-in before the deadline removes the job: nothing is missed', async () => {
    const reservationId = await confirmed();
    timers.advanceTo(JST('2026-11-27', '13:58'));
    expect((await service.send('POST', `/v1/reservations/${reservationId}/check-in`, {})).status).toBe(200);

    timers.advanceTo(JST('2026-11-27', '14:30'));
    await service.app.get(NoShowReactor).sweep(false);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(await types(reservationId)).not.toContain('SessionMissed');
    expect(await noShowsOf(ids.jobSeeker.jobSeekerId)).toHaveLength(0);
  });

  it('A6.5: a deadline that passed while the service was down is found by the start-up sweep, once', async () => {
    const reservationId = await confirmed();
    await waitForEvent(events, reservationId, 'InvitationSent');
    const dbFile = service.dbFile;
    await service.close();

    await open(dbFile, new TestClock(new Date(JST('2026-11-27', '15:00'))));
    await waitForEvent(events, reservationId, 'SessionMissed');

    expect((await types(reservationId)).filter((t) => t === 'SessionMissed')).toHaveLength(1);
    await waitForCount(() => noShowsOf(ids.jobSeeker.jobSeekerId), 1);
    expect(smtp.received).toHaveLength(1);
  });
});

async function waitForEvent(events: (id: string) => Promise<StoredEvent[]>, reservationId: string, type: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await events(reservationId)).some((e) => e.type === type)) {
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${type} on ${reservationId}: ${(await events(reservationId)).map((e) => e.type).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function waitForCount(read: () => Promise<unknown[]>, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await read()).length < count) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
