import { JST, requestBody, seed, startService, TestService } from './harness';

describe('the reservation flow over HTTP', () => {
  let service: TestService;
  let ids: Awaited<ReturnType<typeof seed>>;

  beforeEach(async () => {
    service = await startService();
    ids = await seed(service);
  });
  afterEach(() => service.close());

  async function requestAndConfirm(start = JST('2026-12-01', '10:00')) {
    const requested = await service.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker, start));
    expect(requested.status).toBe(201);
    const confirmed = await service.send('POST', `/v1/reservations/${requested.body.reservationId}/confirmation`, {
      counselorId: ids.counselorIds[0],
      start,
    });
    expect(confirmed.status).toBe(200);
    return requested.body.reservationId as string;
  }

  it('takes a request, confirms it with a meeting URL (A4), checks in and completes, answering ids and revisions', async () => {
    const requested = await service.send('POST', '/v1/reservations', {
      ...requestBody(ids.officeId, ids.jobSeeker),
      secondWish: JST('2026-12-02', '14:30'),
    });
    expect(requested.status).toBe(201);
    const reservationId = requested.body.reservationId;
    expect(requested.body).toEqual({
      reservationId: expect.any(String),
      appended: ['ReservationRequested'],
      streams: [{ streamId: `reservation-${reservationId}`, revision: '0', appended: ['ReservationRequested'] }],
      replayed: false,
    });

    const confirmed = await service.send('POST', `/v1/reservations/${reservationId}/confirmation`, {
      counselorId: ids.counselorIds[0],
      start: JST('2026-12-01', '10:00'),
    });
    expect(confirmed.body).toEqual({
      reservationId,
      appended: ['SlotHeld', 'SlotConfirmed'],
      streams: [
        { streamId: `counselor-day-${ids.counselorIds[0]}-2026-12-01`, revision: '0', appended: ['SlotHeld'] },
        { streamId: `reservation-${reservationId}`, revision: '1', appended: ['SlotConfirmed'] },
      ],
      replayed: false,
    });
    const history = await service.store.readStream(`reservation-${reservationId}`);
    expect(history[1].data).toMatchObject({
      start: '2026-12-01T01:00:00.000Z',
      end: '2026-12-01T01:30:00.000Z',
      designatedApp: 'Webex',
      termsVersion: '2022-07-28',
    });
    expect(history[1].data.meetingUrl).toMatch(/^https:\/\/meet\.example\.jp\/j\/[0-9a-f-]{36}$/);
    expect(history[1].metadata).toMatchObject({
      actor: 'staff:tanaka',
      commandId: expect.any(String),
      correlationId: expect.any(String),
      recordedAt: '2026-11-26T01:00:00.000Z',
    });

    service.clock.set('2026-12-01T00:55:00Z');
    expect((await service.send('POST', `/v1/reservations/${reservationId}/check-in`, {})).body.appended).toEqual(['CheckedIn']);
    expect((await service.send('POST', `/v1/reservations/${reservationId}/completion`, {})).body.appended).toEqual(['SessionCompleted']);
  });

  it('A6.1: refuses a confirmation on the day itself with 422 and the rule id, and appends nothing', async () => {
    const requested = await service.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker));
    service.clock.set('2026-11-30T15:00:00Z'); // 2026-12-01 00:00 JST
    const head = await service.store.headPosition();
    const refused = await service.send('POST', `/v1/reservations/${requested.body.reservationId}/confirmation`, {
      counselorId: ids.counselorIds[0],
      start: JST('2026-12-01', '10:00'),
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      error: 'rule_violation',
      rule: 'A6.1',
      message: expect.stringContaining('前日の23:59（日本時間）までに確定'),
    });
    expect(await service.store.headPosition()).toBe(head);
  });

  it('A2.1: refuses a request for an unregistered job-seeker number (422), appending nothing', async () => {
    const head = await service.store.headPosition();
    const refused = await service.send('POST', '/v1/reservations', requestBody(ids.officeId, { jobSeekerNo: '99999-9999999', name: '未登録 者' }));
    expect(refused).toMatchObject({ status: 422, body: { rule: 'A2.1' } });
    expect(await service.store.headPosition()).toBe(head);
  });

  it('A6.2: refuses a wish on a national holiday, naming it', async () => {
    const refused = await service.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker, JST('2027-01-11', '10:00')));
    expect(refused).toMatchObject({ status: 422, body: { rule: 'A6.2', message: expect.stringContaining('祝日・休日（成人の日）') } });
  });

  it('answers 400 to malformed input (unknown field, bad date, broken JSON) and appends nothing', async () => {
    const head = await service.store.headPosition();
    const unknownField = await service.send('POST', '/v1/reservations', { ...requestBody(ids.officeId, ids.jobSeeker), price: 100 });
    expect(unknownField).toMatchObject({ status: 400, body: { error: 'bad_request', message: expect.stringContaining('price') } });
    const badDate = await service.send('POST', '/v1/reservations', { ...requestBody(ids.officeId, ids.jobSeeker), firstWish: 'next Tuesday' });
    expect(badDate.status).toBe(400);
    expect((await service.send('POST', '/v1/reservations', '{"officeId": ')).status).toBe(400);
    expect(await service.store.headPosition()).toBe(head);
  });

  it('answers 404 for an unknown reservation', async () => {
    const missing = await service.send('POST', '/v1/reservations/6f1c7d0e-0000-4000-8000-000000000000/check-in', {});
    expect(missing).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  it('re-sending with the same Idempotency-Key returns the first answer and appends nothing', async () => {
    const headers = { 'idempotency-key': 'req-2026-12-01-okayama-0001' };
    const first = await service.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker), headers);
    const head = await service.store.headPosition();
    const again = await service.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker), headers);
    expect(again.body).toEqual({ ...first.body, replayed: true });
    expect(await service.store.headPosition()).toBe(head);

    const confirmHeaders = { 'idempotency-key': 'confirm-2026-12-01-okayama-0001' };
    const confirm = { counselorId: ids.counselorIds[0], start: JST('2026-12-01', '10:00') };
    const confirmed = await service.send('POST', `/v1/reservations/${first.body.reservationId}/confirmation`, confirm, confirmHeaders);
    const afterConfirm = await service.store.headPosition();
    const reconfirmed = await service.send('POST', `/v1/reservations/${first.body.reservationId}/confirmation`, confirm, confirmHeaders);
    expect(reconfirmed.status).toBe(200);
    expect(reconfirmed.body).toEqual({ ...confirmed.body, replayed: true });
    expect(await service.store.headPosition()).toBe(afterConfirm);
  });

  it('an Idempotency-Key belongs to the staff member who sent it: the same key from a colleague is another command', async () => {
    const key = { 'idempotency-key': 'request-0001' };
    const mine = await service.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker), key);
    const colleague = { ...key, authorization: `Bearer ${await service.tokenFor('sato', ['counselor'])}` };
    const theirs = await service.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker, JST('2026-12-02', '11:00')), colleague);
    expect(theirs).toMatchObject({ status: 201, body: { replayed: false, appended: ['ReservationRequested'] } });
    expect(theirs.body.reservationId).not.toBe(mine.body.reservationId);
  });

  it('A6.5: a cancellation gives the slot back, so another reservation can take it', async () => {
    const first = await requestAndConfirm();
    const cancelled = await service.send('POST', `/v1/reservations/${first}/cancellation`, { channel: 'phone', reason: '体調不良' });
    expect(cancelled.body.appended).toEqual(['ReservationCancelled', 'SlotReleased']);
    await requestAndConfirm();
  });

  it('A6.4: books and confirms a follow-up during a session in one step', async () => {
    const first = await requestAndConfirm();
    service.clock.set('2026-12-01T01:05:00Z');
    await service.send('POST', `/v1/reservations/${first}/check-in`, {});
    const followUp = await service.send('POST', `/v1/reservations/${first}/follow-ups`, {
      jobSeekerNo: ids.jobSeeker.jobSeekerNo,
      name: ids.jobSeeker.name,
      email: 'taro@example.jp',
      counselorId: ids.counselorIds[0],
      start: JST('2026-12-08', '11:00'),
    });
    expect(followUp.status).toBe(201);
    expect(followUp.body.appended).toEqual(['SlotHeld', 'ReservationRequested', 'SlotConfirmed']);
  });

  it('COUNSELOR: deactivation is refused while the counselor holds future sessions, and lists them', async () => {
    const reservationId = await requestAndConfirm();
    const refused = await service.send('POST', `/v1/counselors/${ids.counselorIds[0]}/deactivate`, { reason: '異動' });
    expect(refused).toMatchObject({
      status: 422,
      body: { rule: 'COUNSELOR', details: { sessions: [{ reservationId, start: '2026-12-01T10:00:00.000+09:00' }] } },
    });
    await service.send('POST', `/v1/reservations/${reservationId}/cancellation`, { channel: 'staff', reason: '担当変更' });
    expect((await service.send('POST', `/v1/counselors/${ids.counselorIds[0]}/deactivate`, { reason: '異動' })).body.appended).toEqual([
      'CounselorDeactivated',
    ]);
  });

  it('serves the OpenAPI document and the health check', async () => {
    const docs = await service.send('GET', '/docs-json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/v1/reservations', '/v1/reservations/{id}/confirmation', '/v1/offices', '/health']),
    );
    expect(docs.body.paths['/v1/reservations'].post.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect((await service.send('GET', '/health')).status).toBe(200);
  });
});
