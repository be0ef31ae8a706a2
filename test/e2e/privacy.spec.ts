import { existsSync, readFileSync } from 'node:fs';
import type { StoredEvent } from '../../src/application/ports/event-store';
import type { KeyStore } from '../../src/application/ports/key-store';
import { SqliteKeyStore } from '../../src/infrastructure/crypto/sqlite-key-store';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite/sqlite-event-store';
import { JST, seed, startService, TestService, validConsent } from './harness';

/** A job seeker whose every personal value is unique, so a search for it can only find it where it leaked. */
const HANAKO = {
  jobSeekerNo: '33010-7654321',
  registration: 'full',
  name: '備前 花子',
  email: 'hanako.bizen@example.jp',
  phone: '086-111-2233',
  inPersonDifficulty: '介護のため自宅を離れにくい',
};
const DEVICE_ID = 'webex-device-7f3a9c21-hanako-ipad';
const CANCEL_REASON = '備前 花子さん本人から電話: 体調不良';
const PERSONAL_VALUES = [HANAKO.jobSeekerNo, HANAKO.name, HANAKO.email, HANAKO.phone, HANAKO.inPersonDifficulty, DEVICE_ID, CANCEL_REASON];

/** Every event as the database file holds it, read past the encryption. */
async function rawEvents(dbFile: string): Promise<StoredEvent[]> {
  const raw = SqliteEventStore.open(dbFile);
  try {
    return await raw.readAll({ limit: 100_000 });
  } finally {
    await raw.close();
  }
}

function fileBytes(dbFile: string): Buffer {
  return Buffer.concat([dbFile, `${dbFile}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
}

describe('A8.1 / A7.2: personal data and devices over HTTP', () => {
  let service: TestService;
  let ids: Awaited<ReturnType<typeof seed>>;
  let jobSeekerId: string;
  let confirmedId: string;
  let cancelledId: string;

  beforeEach(async () => {
    service = await startService();
    ids = await seed(service, 2);
    const registered = await service.send('POST', '/v1/job-seekers', HANAKO);
    jobSeekerId = registered.body.jobSeekerId;
    expect((await service.send('POST', `/v1/job-seekers/${jobSeekerId}/consents`, validConsent())).status).toBe(201);
    const request = (firstWish: string) =>
      service.send('POST', '/v1/reservations', {
        officeId: ids.officeId,
        jobSeekerNo: HANAKO.jobSeekerNo,
        name: HANAKO.name,
        email: HANAKO.email,
        channel: 'phone',
        firstWish,
      });
    confirmedId = (await request(JST('2026-12-01', '10:00'))).body.reservationId;
    expect(
      (
        await service.send('POST', `/v1/reservations/${confirmedId}/confirmation`, {
          counselorId: ids.counselorIds[0],
          start: JST('2026-12-01', '10:00'),
        })
      ).status,
    ).toBe(200);
    cancelledId = (await request(JST('2026-12-02', '11:00'))).body.reservationId;
    expect((await service.send('POST', `/v1/reservations/${cancelledId}/cancellation`, { channel: 'phone', reason: CANCEL_REASON })).status).toBe(
      200,
    );
    service.clock.set('2026-12-01T00:55:00Z'); // 09:55 JST, check-in is open
    expect((await service.send('POST', `/v1/reservations/${confirmedId}/check-in`, { deviceId: DEVICE_ID })).status).toBe(200);
  });
  afterEach(() => service.close());

  it('A8.1: no personal value is in the database file or in any stored event in the clear; staff read them back', async () => {
    const raw = JSON.stringify(await rawEvents(service.dbFile), (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    const bytes = fileBytes(service.dbFile);
    for (const value of PERSONAL_VALUES) {
      expect(raw).not.toContain(value);
      expect(bytes.includes(Buffer.from(value, 'utf8'))).toBe(false);
    }
    const jobSeeker = await service.send('GET', `/v1/job-seekers/${jobSeekerId}`);
    expect(jobSeeker.body).toMatchObject({
      name: HANAKO.name,
      email: HANAKO.email,
      phone: HANAKO.phone,
      inPersonDifficulty: HANAKO.inPersonDifficulty,
    });
    expect((await service.send('GET', `/v1/reservations/${confirmedId}`)).body).toMatchObject({ status: 'checked-in', email: HANAKO.email });
  });

  it('A8.1: erasure destroys the key: every read model, every replay and a restarted instance show the data as erased; the history stays', async () => {
    const before = await rawEvents(service.dbFile);
    const erased = await service.send('POST', `/v1/job-seekers/${jobSeekerId}/erasure`, { reason: '保存期間の満了' });
    expect(erased).toMatchObject({ status: 200, body: { appended: ['PersonalDataErased'] } });

    const check = async (running: TestService) => {
      const view = (await running.send('GET', `/v1/job-seekers/${jobSeekerId}`)).body;
      expect(view).toMatchObject({
        name: '[erased]',
        email: '[erased]',
        phone: '[erased]',
        inPersonDifficulty: '[erased]',
        erasedAt: '2026-12-01T09:55:00.000+09:00',
      });
      expect(view.reservations).toEqual([confirmedId, cancelledId]);
      const list = (await running.send('GET', '/v1/job-seekers?limit=200')).body.items;
      expect(list.find((j: { jobSeekerId: string }) => j.jobSeekerId === jobSeekerId)).toMatchObject({ name: '[erased]' });
      expect((await running.send('GET', `/v1/reservations/${confirmedId}`)).body).toMatchObject({ status: 'checked-in', email: '[erased]' });
      const replayed = [
        ...(await running.store.readStream(`jobseeker-${jobSeekerId}`)),
        ...(await running.store.readStream(`reservation-${cancelledId}`)),
      ];
      const text = JSON.stringify(replayed, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
      for (const value of PERSONAL_VALUES) expect(text).not.toContain(value);
      expect(replayed.find((e) => e.type === 'ReservationCancelled')?.data.reason).toBe('[erased]');
    };
    await check(service);

    // The history stays: the same events, plus PersonalDataErased (and the reads just made, in the access log).
    const after = (await rawEvents(service.dbFile)).filter((e) => !e.streamId.startsWith('access-log-'));
    expect(after.map((e) => e.eventId)).toEqual([...before.map((e) => e.eventId), expect.any(String)]);
    expect(after.at(-1)!.type).toBe('PersonalDataErased');

    await service.close();
    service = await startService({ dbFile: service.dbFile, clock: service.clock });
    await check(service); // the rebuilt read models and replays never see the data again

    // Nothing personal can be recorded in the erased record any more; a re-sent erasure changes nothing.
    const head = await service.store.headPosition();
    expect(await service.send('POST', `/v1/job-seekers/${jobSeekerId}/consents`, validConsent())).toMatchObject({
      status: 422,
      body: { rule: 'A8.1' },
    });
    const again = await service.send('POST', `/v1/job-seekers/${jobSeekerId}/erasure`, { reason: '保存期間の満了' });
    expect(again).toMatchObject({ status: 200, body: { appended: [] } });
    expect(await service.store.headPosition()).toBe(head);
  });

  it('A8.1: erased, not banned: the same 求職番号 registers again as a new record with a new key; the old one stays erased', async () => {
    expect((await service.send('POST', `/v1/job-seekers/${jobSeekerId}/erasure`, { reason: '保存期間の満了' })).status).toBe(200);

    const returning = { ...HANAKO, name: '備前 花子（再登録）', email: 'hanako.again@example.jp' };
    const registered = await service.send('POST', '/v1/job-seekers', returning);
    expect(registered).toMatchObject({ status: 201, body: { appended: ['JobSeekerRegistered'], replayed: false } });
    const newId = registered.body.jobSeekerId as string;
    expect(newId).not.toBe(jobSeekerId);
    expect((await service.send('POST', `/v1/job-seekers/${newId}/consents`, validConsent())).status).toBe(201);

    // Lookups by the number find the new record: a registration updates it, a reservation request goes to it.
    expect(await service.send('POST', '/v1/job-seekers', { ...returning, phone: '086-999-0000' })).toMatchObject({
      status: 200,
      body: { jobSeekerId: newId, appended: ['JobSeekerDetailsUpdated'] },
    });
    const requested = await service.send('POST', '/v1/reservations', {
      officeId: ids.officeId,
      jobSeekerNo: '３３０１０-７６５４３２１',
      name: returning.name,
      email: returning.email,
      channel: 'phone',
      firstWish: JST('2026-12-03', '10:00'),
    });
    expect(requested.status).toBe(201);
    expect((await service.send('GET', `/v1/reservations/${requested.body.reservationId}`)).body).toMatchObject({
      jobSeekerId: newId,
      email: returning.email,
    });

    const check = async (running: TestService) => {
      expect((await running.send('GET', `/v1/job-seekers/${jobSeekerId}`)).body).toMatchObject({
        name: '[erased]',
        email: '[erased]',
        reservations: [confirmedId, cancelledId],
      });
      expect((await running.send('GET', `/v1/job-seekers/${newId}`)).body).toMatchObject({
        name: returning.name,
        email: returning.email,
        phone: '086-999-0000',
        consents: [expect.objectContaining({ termsVersion: '2022-07-28' })],
        reservations: [requested.body.reservationId],
      });
      expect((await running.send('GET', `/v1/job-seekers/${newId}`)).body.erasedAt).toBeUndefined();
    };
    await check(service);
    await service.close();
    service = await startService({ dbFile: service.dbFile, clock: service.clock });
    await check(service);

    const keys = SqliteKeyStore.open(`${service.dbFile}.keys`, Buffer.alloc(32, 9));
    try {
      expect(await keys.find(jobSeekerId)).toBe('erased');
      expect(await keys.find(newId)).toBeInstanceOf(Buffer);
    } finally {
      await keys.close();
    }
    const registrations = (await rawEvents(service.dbFile)).filter((e) => e.type === 'JobSeekerRegistered' && e.data.jobSeekerId === newId);
    expect(registrations.map((e) => e.data.generation)).toEqual([1]);
  });

  it('A8.1: erasure is for supervisors; a counselor gets 403 and nothing is erased', async () => {
    const counselor = await service.tokenFor('kato', ['counselor']);
    const refused = await service.send('POST', `/v1/job-seekers/${jobSeekerId}/erasure`, { reason: 'x' }, { authorization: `Bearer ${counselor}` });
    expect(refused).toMatchObject({ status: 403, body: { rule: 'A8.1' } });
    expect((await service.send('GET', `/v1/job-seekers/${jobSeekerId}`)).body.name).toBe(HANAKO.name);
  });

  it('A7.2: a device shows only as its pseudonym in read models and event reads; never in the clear', async () => {
    const view = (await service.send('GET', `/v1/job-seekers/${jobSeekerId}`)).body;
    expect(view.devices).toEqual([
      { reservationId: confirmedId, checkedInAt: '2026-12-01T09:55:00.000+09:00', pseudonym: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    const checkedIn = (await service.store.readStream(`reservation-${confirmedId}`)).find((e) => e.type === 'CheckedIn')!;
    expect(checkedIn.data.device).toEqual({ identifier: '[sealed]', pseudonym: view.devices[0].pseudonym });
    expect(JSON.stringify(view)).not.toContain(DEVICE_ID);
  });

  it('A7.2: the raw device id leaves only through a legal-request export by a supervisor, recorded as an event before it is answered', async () => {
    const body = { jobSeekerId, authority: '岡山県警察本部', reference: '岡本捜第1234号', reason: '刑事訴訟法第197条第2項に基づく照会' };
    const counselor = await service.tokenFor('kato', ['counselor']);
    const head = await service.store.headPosition();
    expect(await service.send('POST', '/v1/legal-requests', body, { authorization: `Bearer ${counselor}` })).toMatchObject({ status: 403 });
    expect(await service.store.headPosition()).toBe(head);

    const supervisor = await service.tokenFor('suzuki', ['supervisor']);
    const headers = { authorization: `Bearer ${supervisor}`, 'idempotency-key': 'legal-request-0001' };
    const disclosed = await service.send('POST', '/v1/legal-requests', body, headers);
    expect(disclosed).toMatchObject({
      status: 201,
      body: { appended: ['LegalDisclosureMade'], devices: [{ reservationId: confirmedId, identifier: DEVICE_ID }] },
    });
    const [event] = await service.store.readStream(`legal-request-${disclosed.body.requestId}`);
    expect(event).toMatchObject({
      type: 'LegalDisclosureMade',
      data: { jobSeekerId, authority: body.authority, reference: body.reference, devicePseudonyms: [disclosed.body.devices[0].pseudonym] },
      metadata: { actor: 'staff:suzuki' },
    });
    expect(JSON.stringify(event.data)).not.toContain(DEVICE_ID);

    const resent = await service.send('POST', '/v1/legal-requests', body, headers);
    expect(resent).toMatchObject({ status: 201, body: { requestId: disclosed.body.requestId, replayed: true, devices: disclosed.body.devices } });
    expect(await service.store.readStream(`legal-request-${disclosed.body.requestId}`)).toHaveLength(1);

    // After erasure there is nothing left to disclose, and nothing is recorded.
    await service.send('POST', `/v1/job-seekers/${jobSeekerId}/erasure`, { reason: '保存期間の満了' });
    const afterErasure = await service.store.headPosition();
    expect(await service.send('POST', '/v1/legal-requests', body, { authorization: `Bearer ${supervisor}` })).toMatchObject({
      status: 422,
      body: { rule: 'A8.1' },
    });
    expect(await service.store.headPosition()).toBe(afterErasure);
  });

  it('A8.1: every read of personal data is recorded (who, what, whose, when) and auditors can query it; others cannot', async () => {
    const sato = await service.tokenFor('sato', ['counselor']);
    await service.send('GET', `/v1/job-seekers/${jobSeekerId}`, undefined, { authorization: `Bearer ${sato}` });
    await service.send('GET', `/v1/reservations/${confirmedId}`, undefined, { authorization: `Bearer ${sato}` });
    await service.send('GET', '/v1/job-seekers', undefined, { authorization: `Bearer ${sato}` });

    const auditor = { authorization: `Bearer ${await service.tokenFor('yamamoto', ['auditor'])}` };
    const query = `/v1/audit/personal-data-views?from=2026-12-01&to=2026-12-01&jobSeekerId=${jobSeekerId}&viewer=staff:sato`;
    const views = await service.send('GET', query, undefined, auditor);
    expect(views.status).toBe(200);
    expect(views.body.items.map((v: { view: string }) => v.view)).toEqual(['job-seeker', 'reservation', 'job-seeker-list']);
    expect(views.body.items[0]).toMatchObject({ viewer: 'staff:sato', jobSeekerIds: [jobSeekerId], viewedAt: '2026-12-01T09:55:00.000+09:00' });
    expect(views.body.items[2].jobSeekerIds).toEqual(expect.arrayContaining([jobSeekerId, ids.jobSeeker.jobSeekerId]));
    expect(JSON.stringify(views.body)).not.toContain(HANAKO.name);

    expect((await service.send('GET', query, undefined, { authorization: `Bearer ${sato}` })).status).toBe(403);
    expect((await service.send('GET', '/v1/audit/personal-data-views?from=2026-12-01&to=2027-01-15', undefined, auditor)).status).toBe(400);
    // A read that shows nothing (unknown id) records nothing.
    const head = await service.store.headPosition();
    expect((await service.send('GET', `/v1/job-seekers/${'0'.repeat(64)}`)).status).toBe(404);
    expect(await service.store.headPosition()).toBe(head);
  });

  it('A8.1: a crash between recording the erasure and destroying the key is finished by the next instance that reads the event', async () => {
    await service.close();
    const crashing = await startService({
      dbFile: service.dbFile,
      clock: service.clock,
      keyStore: (keys) => Object.assign(Object.create(keys) as KeyStore, { destroy: () => Promise.reject(new Error('power cut')) }),
    });
    const erased = await crashing.send('POST', `/v1/job-seekers/${jobSeekerId}/erasure`, { reason: '保存期間の満了' });
    expect(erased.status).toBe(500);
    expect((await rawEvents(service.dbFile)).filter((e) => e.streamId === `jobseeker-${jobSeekerId}`).at(-1)!.type).toBe('PersonalDataErased');
    await crashing.close();

    service = await startService({ dbFile: service.dbFile, clock: service.clock });
    expect((await service.send('GET', `/v1/job-seekers/${jobSeekerId}`)).body).toMatchObject({ name: '[erased]', email: '[erased]' });
    expect((await service.send('GET', `/v1/reservations/${confirmedId}`)).body.email).toBe('[erased]');
    const raw = SqliteKeyStore.open(`${service.dbFile}.keys`, Buffer.alloc(32, 9));
    expect(await raw.find(jobSeekerId)).toBe('erased');
    await raw.close();
  });

  it('A8.1: an erasure through one instance shows at once in another instance on the same store', async () => {
    const other = await startService({ dbFile: service.dbFile, clock: service.clock });
    try {
      expect((await other.send('GET', `/v1/reservations/${confirmedId}`)).body.email).toBe(HANAKO.email);
      expect((await other.send('GET', `/v1/job-seekers/${jobSeekerId}`)).body.name).toBe(HANAKO.name);
      await service.send('POST', `/v1/job-seekers/${jobSeekerId}/erasure`, { reason: '保存期間の満了' });
      expect((await other.send('GET', `/v1/reservations/${confirmedId}`)).body.email).toBe('[erased]');
      expect((await other.send('GET', `/v1/job-seekers/${jobSeekerId}`)).body.name).toBe('[erased]');
    } finally {
      await other.close();
    }
  });
});
