import type { StoredEvent } from '../../src/application/ports/event-store';
import { Answer, JST, registerJobSeeker, requestBody, seed, startService, TestService, validConsent } from './harness';
import { documentedAnswers } from './openapi-check';

/**
 * Every command answers with every event type it appended, on every stream, and the ids a client
 * needs next; a re-send with the same Idempotency-Key answers the same (replayed) and appends nothing.
 * Each answer is checked against what the store actually gained, so a step that appends somewhere
 * the answer does not say fails here, and against the answer the OpenAPI document describes.
 */
describe('command answers say what happened', () => {
  let service: TestService;
  let ids: Awaited<ReturnType<typeof seed>>;
  let sent = 0;
  let expectDocumented: ReturnType<typeof documentedAnswers>;

  beforeAll(async () => {
    service = await startService();
    ids = await seed(service);
    expectDocumented = documentedAnswers((await service.send('GET', '/docs-json')).body);
  });
  afterAll(() => service.close());

  function byStream(events: StoredEvent[]) {
    const streams: Array<{ streamId: string; revision: string; appended: string[] }> = [];
    for (const event of events) {
      const known = streams.find((s) => s.streamId === event.streamId);
      if (known) {
        known.appended.push(event.type);
        known.revision = String(event.revision);
      } else {
        streams.push({ streamId: event.streamId, revision: String(event.revision), appended: [event.type] });
      }
    }
    return streams;
  }

  /** Sends a command, checks its answer against what the store gained, re-sends it and checks the replay. */
  async function command(method: string, path: string, body: unknown, status: 200 | 201, appended: string[]): Promise<Answer['body']> {
    const key = { 'idempotency-key': `answers-${++sent}-${Date.now()}` };
    const head = await service.store.headPosition();
    const first = await service.send(method, path, body, key);
    expect({ status: first.status, body: first.body }).toMatchObject({ status, body: { appended, replayed: false } });
    expectDocumented(method, path, first);
    const gained = await service.store.readAll({ after: head });
    expect(first.body.appended).toEqual(gained.map((e) => e.type));
    expect(first.body.streams).toEqual(byStream(gained));

    const after = await service.store.headPosition();
    const again = await service.send(method, path, body, key);
    const { token: _shownOnce, expiresAt: _withTheToken, ...rest } = first.body as { token?: string; expiresAt?: string };
    expect(again).toEqual({ status, body: { ...rest, replayed: true } });
    expect(await service.store.headPosition()).toBe(after);
    return first.body;
  }

  it('terms, job seekers and erasure', async () => {
    const terms = await command(
      'POST',
      '/v1/terms-versions',
      { version: '2027-04', effectiveFrom: '2027-04-01', title: '改定', summary: '第5条を改定' },
      201,
      ['TermsVersionPublished'],
    );
    expect(terms.version).toBe('2027-04');

    const registered = await command(
      'POST',
      '/v1/job-seekers',
      { jobSeekerNo: '33010-5555555', registration: 'full', name: '備前 一郎', inPersonDifficulty: '遠方に住んでいる' },
      201,
      ['JobSeekerRegistered'],
    );
    const jobSeekerId = registered.jobSeekerId as string;
    expect(jobSeekerId).toMatch(/^[0-9a-f]{64}$/);
    await command(
      'POST',
      '/v1/job-seekers',
      { jobSeekerNo: '33010-5555555', registration: 'full', name: '備前 一郎', phone: '086-000-0000', inPersonDifficulty: '遠方に住んでいる' },
      200,
      ['JobSeekerDetailsUpdated'],
    );
    await command('POST', `/v1/job-seekers/${jobSeekerId}/consents`, validConsent(), 201, ['ConsentGiven']);
    await command('POST', `/v1/job-seekers/${jobSeekerId}/refusal`, { article: 'A12.1', reason: '暴言' }, 200, ['ServiceRefused']);
    await command('POST', `/v1/job-seekers/${jobSeekerId}/refusal/lift`, { reason: '改善を確認' }, 200, ['ServiceRefusalLifted']);
    const erased = await command('POST', `/v1/job-seekers/${jobSeekerId}/erasure`, { reason: '保存期間の満了' }, 200, ['PersonalDataErased']);
    expect(erased.jobSeekerId).toBe(jobSeekerId);
  });

  it('reservations: a confirmation lists SlotHeld, a cancellation SlotReleased, a follow-up both streams', async () => {
    const counselorId = ids.counselorIds[0];
    const start = JST('2026-12-01', '10:00');
    const requested = await command('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker, start), 201, ['ReservationRequested']);
    const reservationId = requested.reservationId as string;
    const confirmed = await command('POST', `/v1/reservations/${reservationId}/confirmation`, { counselorId, start }, 200, [
      'SlotHeld',
      'SlotConfirmed',
    ]);
    expect(confirmed.streams.map((s: { streamId: string }) => s.streamId)).toEqual([
      `counselor-day-${counselorId}-2026-12-01`,
      `reservation-${reservationId}`,
    ]);
    await command('POST', `/v1/reservations/${reservationId}/interpreter-notifications`, { role: 'interpreter', note: 'ベトナム語' }, 200, [
      'InterpreterNotified',
    ]);

    service.clock.set('2026-12-01T00:55:00Z');
    await command('POST', `/v1/reservations/${reservationId}/check-in`, { deviceId: 'device-0001' }, 200, ['CheckedIn']);
    const followUp = await command(
      'POST',
      `/v1/reservations/${reservationId}/follow-ups`,
      { jobSeekerNo: ids.jobSeeker.jobSeekerNo, name: ids.jobSeeker.name, email: 'taro@example.jp', counselorId, start: JST('2026-12-08', '11:00') },
      201,
      ['SlotHeld', 'ReservationRequested', 'SlotConfirmed'],
    );
    await command('POST', `/v1/reservations/${reservationId}/completion`, {}, 200, ['SessionCompleted']);
    await command('POST', `/v1/reservations/${followUp.reservationId}/cancellation`, { channel: 'phone', reason: '体調不良' }, 200, [
      'ReservationCancelled',
      'SlotReleased',
    ]);

    const other = await registerJobSeeker(service, '33010-2222222', '倉敷 花子');
    const second = await command('POST', '/v1/reservations', requestBody(ids.officeId, other, JST('2026-12-02', '10:00')), 201, [
      'ReservationRequested',
    ]);
    await command('POST', `/v1/reservations/${second.reservationId}/confirmation`, { counselorId, start: JST('2026-12-02', '10:00') }, 200, [
      'SlotHeld',
      'SlotConfirmed',
    ]);
    service.clock.set('2026-12-02T01:02:00Z');
    await command('POST', `/v1/reservations/${second.reservationId}/check-in`, {}, 200, ['CheckedIn']);
    await command('POST', `/v1/reservations/${second.reservationId}/stop`, { reason: '威圧的な言動が続いたため' }, 200, ['SessionStopped']);

    const disclosed = await command(
      'POST',
      '/v1/legal-requests',
      { jobSeekerId: ids.jobSeeker.jobSeekerId, authority: '岡山県警察本部', reference: '照会 第1号', reason: '捜査関係事項照会' },
      201,
      ['LegalDisclosureMade'],
    );
    expect(disclosed).toMatchObject({ requestId: expect.any(String), devices: [{ reservationId, identifier: 'device-0001' }] });
  });

  it('offices and counselors: PATCH lists every change, an added exception answers the id that removes it', async () => {
    const office = await command(
      'POST',
      '/v1/offices',
      {
        name: 'ハローワーク倉敷中央',
        cancellationPhone: '086-424-3333',
        senderEmail: 'online@kurashiki.example.jp',
        designatedApp: { name: 'Webex', termsUrl: 'https://www.webex.com/terms.html' },
        meetingUrlPolicy: { kind: 'counselor-room' },
      },
      201,
      ['OfficeOpened'],
    );
    const officeId = office.officeId as string;
    await command('PATCH', `/v1/offices/${officeId}`, { name: 'ハローワーク倉敷' }, 200, ['OfficeProfileChanged']);
    await command(
      'PUT',
      `/v1/offices/${officeId}/designated-app`,
      { designatedApp: { name: 'Zoom', termsUrl: 'https://zoom.us/terms' }, meetingUrlPolicy: { kind: 'counselor-room' } },
      200,
      ['DesignatedAppChanged'],
    );
    await command('POST', `/v1/offices/${officeId}/closure-days`, { date: '2026-12-25', reason: '庁舎点検' }, 201, ['OfficeClosureDayAdded']);
    await command('DELETE', `/v1/offices/${officeId}/closure-days/2026-12-25`, undefined, 200, ['OfficeClosureDayRemoved']);

    const counselor = await command('POST', `/v1/offices/${officeId}/counselors`, { name: '相談員A' }, 201, ['CounselorAdded']);
    const counselorId = counselor.counselorId as string;
    await command('PATCH', `/v1/counselors/${counselorId}`, { name: '相談員B', roomUrl: 'https://meet.example.jp/room/b' }, 200, [
      'CounselorRenamed',
      'CounselorRoomUrlSet',
    ]);
    const hours = { from: '10:00', to: '15:00' };
    await command('PUT', `/v1/counselors/${counselorId}/weekly-hours`, { '1': hours, '2': hours, '3': null, '4': hours, '5': hours }, 200, [
      'WeeklyHoursSet',
    ]);

    const added = await command('POST', `/v1/counselors/${counselorId}/exceptions`, { kind: 'leave', date: '2026-12-03', reason: '年休' }, 201, [
      'AvailabilityExceptionAdded',
    ]);
    expect(added.exceptionId).toEqual(expect.any(String));
    expect((await service.send('GET', `/v1/counselors/${counselorId}`)).body.exceptions).toEqual([
      expect.objectContaining({ exceptionId: added.exceptionId }),
    ]);
    await command('DELETE', `/v1/counselors/${counselorId}/exceptions/${added.exceptionId}`, undefined, 200, ['AvailabilityExceptionRemoved']);
    expect((await service.send('GET', `/v1/counselors/${counselorId}`)).body.exceptions).toEqual([]);

    await command('POST', `/v1/counselors/${counselorId}/deactivate`, { reason: '異動' }, 200, ['CounselorDeactivated']);
    await command('POST', `/v1/counselors/${counselorId}/reactivate`, {}, 200, ['CounselorReactivated']);
  });

  it('staff and tokens: enrolling creates (201), changing roles does not (200); the token is shown once', async () => {
    const enrolled = await command('POST', '/v1/staff', { staffId: 'yamada', name: '山田', roles: ['counselor'] }, 201, ['StaffMemberEnrolled']);
    expect(enrolled.staffId).toBe('yamada');
    await command('POST', '/v1/staff', { staffId: 'yamada', name: '山田', roles: ['counselor', 'supervisor'] }, 200, ['StaffRolesChanged']);
    const issued = await command('POST', '/v1/staff/yamada/tokens', { validDays: 7 }, 201, ['StaffTokenIssued']);
    expect(issued).toMatchObject({ tokenId: expect.stringMatching(/^[0-9a-f]{32}$/), token: expect.stringMatching(/^mdg_/) });
    await command('POST', `/v1/staff/yamada/tokens/${issued.tokenId}/revocation`, {}, 200, ['StaffTokenRevoked']);
  });

  it('a command that changes nothing answers the stream it looked at, with nothing appended', async () => {
    const same = {
      jobSeekerNo: ids.jobSeeker.jobSeekerNo,
      registration: 'full',
      name: ids.jobSeeker.name,
      email: 'taro@example.jp',
      inPersonDifficulty: '育児のため外出が難しい',
    };
    const answer = await service.send('POST', '/v1/job-seekers', same);
    expect(answer).toEqual({
      status: 200,
      body: {
        jobSeekerId: ids.jobSeeker.jobSeekerId,
        appended: [],
        streams: [{ streamId: `jobseeker-${ids.jobSeeker.jobSeekerId}`, revision: expect.any(String), appended: [] }],
        replayed: false,
      },
    });
  });
});
