/**
 * Issue 17, two instances on one event store and one Redis (BullMQ): both react to every SlotConfirmed, yet
 * each confirmed session gets one e-mail and one InvitationSent.
 */
import { simpleParser } from 'mailparser';
import { BullMqScheduler } from '../../src/infrastructure/scheduler/bullmq/bullmq-scheduler';
import { SmtpMailer } from '../../src/infrastructure/mail/smtp/smtp-mailer';
import { SideEffects } from '../../src/application/side-effects/side-effects';
import { waitFor } from '../contracts/event-store.fixtures';
import { TestSmtpServer } from '../infrastructure/mail/smtp-server.fixtures';
import { dropPrefix, REDIS_URL, requireRedis, uniquePrefix } from '../infrastructure/scheduler/redis.fixtures';
import { JST, requestBody, seed, startService, TestClock, type TestService } from './harness';

describe('issue 17: two instances on one store and one Redis', () => {
  const prefix = uniquePrefix();
  let smtp: TestSmtpServer;
  const services: TestService[] = [];

  beforeAll(() => requireRedis());
  afterAll(() => dropPrefix(prefix));
  afterEach(async () => {
    for (const service of services.splice(0)) await service.close();
    await smtp.close();
  });

  it('A6.3: 12 confirmations split between the instances: 12 e-mails, 12 InvitationSent, 0 duplicated', async () => {
    smtp = await TestSmtpServer.start();
    const clock = new TestClock();
    const instance = async (dbFile?: string) => {
      const service = await startService({
        dbFile,
        clock,
        sideEffects: { scheduler: new BullMqScheduler(clock, { url: REDIS_URL, prefix }), mailer: new SmtpMailer(smtp.url) },
      });
      await service.app.get(SideEffects).started;
      services.push(service);
      return service;
    };
    const first = await instance();
    const second = await instance(first.dbFile);
    const ids = await seed(first);
    const starts = ['10:00', '10:30', '11:00', '11:30', '12:00', '12:30', '13:00', '13:30', '14:00', '14:30', '15:00', '15:30'].map((t) =>
      JST('2026-11-27', t),
    );

    const reservationIds = await Promise.all(
      starts.map(async (start, i) => {
        const via = i % 2 === 0 ? first : second;
        const requested = await via.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker, start));
        // Twelve confirmations on one counselor's day at once: a 409 (changed at the same moment) is tried again, as staff would.
        let confirmed = await via.send('POST', `/v1/reservations/${requested.body.reservationId}/confirmation`, {
          counselorId: ids.counselorIds[0],
          start,
        });
        for (let retry = 0; retry < 5 && confirmed.status === 409; retry++)
          confirmed = await via.send('POST', `/v1/reservations/${requested.body.reservationId}/confirmation`, {
            counselorId: ids.counselorIds[0],
            start,
          });
        expect(confirmed.status).toBe(200);
        return requested.body.reservationId as string;
      }),
    );
    const sentEvents = async () => (await first.store.readAll()).filter((e) => e.type === 'InvitationSent');
    const deadline = Date.now() + 20_000;
    while ((await sentEvents()).length < starts.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await waitFor(() => smtp.received.length >= starts.length, `${starts.length} e-mails (got ${smtp.received.length})`, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const sent = await sentEvents();
    const mails = await Promise.all(smtp.received.map((raw) => simpleParser(raw)));
    expect(sent.map((e) => e.data.reservationId).sort()).toEqual([...reservationIds].sort());
    expect(mails).toHaveLength(starts.length);
    expect(mails.map((m) => m.messageId).sort()).toEqual(sent.map((e) => `<${String(e.data.messageId)}>`).sort());
  });
});
