import { JST, requestBody, seed, startService, TestService } from './harness';

/** The IETF Idempotency-Key draft: a key stands for one request; the same request again replays, another is refused. */
describe('Idempotency-Key reused for a different request', () => {
  let service: TestService;
  let ids: Awaited<ReturnType<typeof seed>>;

  beforeEach(async () => {
    service = await startService();
    ids = await seed(service, 2);
  });
  afterEach(() => service.close());

  /** Sends the request and checks that it was refused as a reused key and appended nothing. */
  async function expectRefusedAsReused(method: string, path: string, body: unknown, headers: Record<string, string>) {
    const head = await service.store.headPosition();
    const refused = await service.send(method, path, body, headers);
    expect(refused).toEqual({
      status: 422,
      body: { error: 'idempotency_key_reused', code: 'idempotency-key.reused', message: expect.stringMatching(/別の要求.*新しいキー/) },
    });
    expect(await service.store.headPosition()).toBe(head);
  }

  it('a different body under the same key is refused 422 and appends nothing; the same request again (keys in another order) still replays', async () => {
    const key = { 'idempotency-key': 'request-reuse-0001' };
    const first = await service.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker), key);
    expect(first).toMatchObject({ status: 201, body: { replayed: false } });

    await expectRefusedAsReused('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker, JST('2026-12-02', '11:00')), key);

    const reordered = Object.fromEntries(Object.entries(requestBody(ids.officeId, ids.jobSeeker)).reverse());
    const head = await service.store.headPosition();
    const again = await service.send('POST', '/v1/reservations', JSON.stringify(reordered, null, 2), { ...key, 'content-type': 'application/json' });
    expect(again).toEqual({ status: 201, body: { ...first.body, replayed: true } });
    expect(await service.store.headPosition()).toBe(head);
  });

  it('a different path under the same key is refused (a cancellation key re-sent to check in, or with another reason)', async () => {
    const reservationId = (await service.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker))).body.reservationId;
    const key = { 'idempotency-key': 'cancel-reuse-0001' };
    expect((await service.send('POST', `/v1/reservations/${reservationId}/cancellation`, { channel: 'phone', reason: '体調不良' }, key)).status).toBe(
      200,
    );

    await expectRefusedAsReused('POST', `/v1/reservations/${reservationId}/check-in`, {}, key);
    await expectRefusedAsReused('POST', `/v1/reservations/${reservationId}/cancellation`, { channel: 'phone', reason: '別の理由' }, key);
    expect(
      (await service.send('POST', `/v1/reservations/${reservationId}/cancellation`, { channel: 'phone', reason: '体調不良' }, key)).body,
    ).toMatchObject({ replayed: true });
  });

  it('a confirmation (two streams) re-sent with the same key for another slot is refused before any slot is taken', async () => {
    const reservationId = (await service.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker))).body.reservationId;
    const key = { 'idempotency-key': 'confirm-reuse-0001' };
    const confirm = { counselorId: ids.counselorIds[0], start: JST('2026-12-01', '10:00') };
    const confirmed = await service.send('POST', `/v1/reservations/${reservationId}/confirmation`, confirm, key);
    expect(confirmed.status).toBe(200);

    await expectRefusedAsReused('POST', `/v1/reservations/${reservationId}/confirmation`, { ...confirm, counselorId: ids.counselorIds[1] }, key);
    expect((await service.send('POST', `/v1/reservations/${reservationId}/confirmation`, confirm, key)).body).toEqual({
      ...confirmed.body,
      replayed: true,
    });
    // The second counselor's slot was never taken: another reservation can have it.
    const other = (await service.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker))).body.reservationId;
    expect((await service.send('POST', `/v1/reservations/${other}/confirmation`, { ...confirm, counselorId: ids.counselorIds[1] })).status).toBe(200);
  });

  it('a registration under a used key with other details is refused, not answered as if it had run', async () => {
    const key = { 'idempotency-key': 'register-reuse-0001' };
    const body = { jobSeekerNo: '33010-2222222', registration: 'full', name: '津山 一郎', inPersonDifficulty: '遠方に住んでいる' };
    expect((await service.send('POST', '/v1/job-seekers', body, key)).status).toBe(201);

    await expectRefusedAsReused('POST', '/v1/job-seekers', { ...body, name: '津山 二郎' }, key);
  });
});
