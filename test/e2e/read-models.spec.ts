import { JST, registerJobSeeker, requestBody, seed, startService, TestService } from './harness';

/** The read models through HTTP: calendar, reservations with their timeline, job seekers, to-do lists, audit log. */
describe('read models and their queries', () => {
  let service: TestService;
  afterEach(() => service.close());

  const ok = <T = any>(answer: { status: number; body: T }, status = 200): T => {
    if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const slotAt = (day: any, time: string) => day.counselors[0].slots.find((s: any) => s.start.endsWith(`T${time}:00+09:00`));

  async function book(officeId: string, seeker: { jobSeekerNo: string; name: string }, counselorId: string, start: string): Promise<string> {
    const { reservationId } = ok(await service.send('POST', '/v1/reservations', requestBody(officeId, seeker, start)), 201);
    ok(await service.send('POST', `/v1/reservations/${reservationId}/confirmation`, { counselorId, start }));
    return reservationId;
  }

  it('A6.1 calendar: slot states, holidays, 12/29–1/3, office closure days, leave and hours marked, times in JST', async () => {
    service = await startService();
    const { officeId, counselorIds, jobSeeker } = await seed(service);
    const counselorId = counselorIds[0];
    ok(await service.send('POST', `/v1/offices/${officeId}/closure-days`, { date: '2026-12-04', reason: '庁舎設備点検' }), 201);
    ok(await service.send('POST', `/v1/counselors/${counselorId}/exceptions`, { kind: 'leave', date: '2026-12-03', reason: '年次休暇' }), 201);
    const confirmed = await book(officeId, jobSeeker, counselorId, JST('2026-12-01', '10:00'));
    const cancelled = await book(officeId, jobSeeker, counselorId, JST('2026-12-01', '11:00'));
    ok(await service.send('POST', `/v1/reservations/${cancelled}/cancellation`, { channel: 'phone', reason: '都合がつかない' }));

    const week = ok(await service.send('GET', `/v1/offices/${officeId}/calendar?date=2026-12-02&span=week`));
    expect(week).toMatchObject({ officeId, from: '2026-11-30', to: '2026-12-06' });
    const days = Object.fromEntries(week.days.map((d: any) => [d.date, d]));
    expect(slotAt(days['2026-12-01'], '10:00')).toMatchObject({
      start: '2026-12-01T10:00:00+09:00',
      end: '2026-12-01T10:30:00+09:00',
      state: 'confirmed',
      reservationId: confirmed,
      bookable: false,
    });
    expect(slotAt(days['2026-12-01'], '11:00')).toMatchObject({ state: 'cancelled', reservationId: cancelled, bookable: true });
    expect(slotAt(days['2026-12-01'], '10:30')).toMatchObject({ state: 'free', bookable: true });
    expect(days['2026-12-01'].counselors[0].slots).toHaveLength(14); // 10:00 … 16:30
    expect(days['2026-12-03'].closed).toBeUndefined();
    expect(slotAt(days['2026-12-03'], '10:00')).toMatchObject({ state: 'free', bookable: false, unavailable: expect.stringContaining('休暇') });
    expect(days['2026-12-04'].closed).toContain('庁舎設備点検');
    expect(days['2026-12-05'].closed).toContain('土曜日');
    expect(slotAt(days['2026-12-04'], '10:00')).toMatchObject({ bookable: false, unavailable: expect.stringContaining('予約不可') });

    const holiday = ok(await service.send('GET', `/v1/counselors/${counselorId}/calendar?date=2026-11-23`));
    expect(holiday).toMatchObject({ counselorId, from: '2026-11-23', to: '2026-11-23' });
    expect(holiday.days[0].closed).toContain('勤労感謝の日');
    expect(ok(await service.send('GET', `/v1/offices/${officeId}/calendar?date=2026-12-29`)).days[0].closed).toContain('12月29日〜1月3日');
    const english = ok(await service.send('GET', `/v1/offices/${officeId}/calendar?date=2026-12-29`, undefined, { 'accept-language': 'en' }));
    expect(english.days[0].closed).toBe('2026-12-29 falls in the year-end closure (12/29 – 1/3)');
    // A6.1: the day itself is too late to confirm.
    service.clock.set('2026-12-01T00:55:00Z');
    expect(slotAt(ok(await service.send('GET', `/v1/offices/${officeId}/calendar?date=2026-12-01`)).days[0], '10:30')).toMatchObject({
      state: 'free',
      bookable: false,
    });

    ok(await service.send('POST', `/v1/reservations/${confirmed}/check-in`, {}));
    expect(slotAt(ok(await service.send('GET', `/v1/offices/${officeId}/calendar?date=2026-12-01`)).days[0], '10:00')).toMatchObject({
      state: 'checked-in',
    });
    ok(await service.send('POST', `/v1/reservations/${confirmed}/completion`, {}));
    expect(slotAt(ok(await service.send('GET', `/v1/offices/${officeId}/calendar?date=2026-12-01`)).days[0], '10:00')).toMatchObject({
      state: 'completed',
    });

    expect((await service.send('GET', `/v1/offices/${officeId}/calendar?date=2026-13-01`)).status).toBe(400);
    expect((await service.send('GET', `/v1/offices/${officeId}/calendar`)).status).toBe(400);
    expect((await service.send('GET', `/v1/offices/5f0e8a52-3c1b-4d7e-9a6f-2b8c4d1e0f37/calendar?date=2026-12-01`)).status).toBe(404);
  });

  it('reservations: filters, cursor pages, and one reservation with its timeline and no internal fields', async () => {
    service = await startService();
    const { officeId, counselorIds, jobSeeker } = await seed(service, 2);
    const other = await registerJobSeeker(service, '33010-7654321', '倉敷 花子');
    const a = await book(officeId, jobSeeker, counselorIds[0], JST('2026-12-01', '10:00'));
    const b = await book(officeId, other, counselorIds[1], JST('2026-12-01', '10:00'));
    const c = ok(
      await service.send('POST', '/v1/reservations', {
        ...requestBody(officeId, other, JST('2026-12-02', '14:00')),
        secondWish: JST('2026-12-03', '14:00'),
      }),
      201,
    ).reservationId;

    const all = ok(await service.send('GET', `/v1/reservations?officeId=${officeId}`));
    expect(all.items.map((r: any) => r.reservationId)).toEqual([a, b, c].sort((x, y) => (x === c ? 1 : y === c ? -1 : x.localeCompare(y))));
    expect(all.next).toBeUndefined();
    expect(all.items.find((r: any) => r.reservationId === c)).toMatchObject({
      status: 'requested',
      when: '2026-12-02T14:00:00+09:00',
      wishes: ['2026-12-02T14:00:00+09:00', '2026-12-03T14:00:00+09:00'],
      name: '倉敷 花子',
    });

    const first = ok(await service.send('GET', `/v1/reservations?officeId=${officeId}&limit=2`));
    expect(first.items).toHaveLength(2);
    const second = ok(await service.send('GET', `/v1/reservations?officeId=${officeId}&limit=2&after=${first.next}`));
    expect(second.next).toBeUndefined();
    expect([...first.items, ...second.items].map((r: any) => r.reservationId)).toEqual(all.items.map((r: any) => r.reservationId));
    expect((await service.send('GET', `/v1/reservations?officeId=${officeId}&after=bm90LWEtY3Vyc29y`)).status).toBe(400);

    const ids = async (query: string) =>
      ok(await service.send('GET', `/v1/reservations?${query}`))
        .items.map((r: any) => r.reservationId)
        .sort();
    expect(await ids(`status=confirmed`)).toEqual([a, b].sort());
    expect(await ids(`status=requested,cancelled`)).toEqual([c]);
    expect(await ids(`counselorId=${counselorIds[1]}`)).toEqual([b]);
    expect(await ids(`jobSeekerId=${other.jobSeekerId}`)).toEqual([b, c].sort());
    expect(await ids(`from=2026-12-02&to=2026-12-31`)).toEqual([c]);
    expect(await ids(`from=2026-11-01&to=2026-12-01`)).toEqual([a, b].sort());
    expect((await service.send('GET', '/v1/reservations?status=lost')).status).toBe(400);
    expect((await service.send('GET', '/v1/reservations?from=2026-12-05&to=2026-12-01')).status).toBe(400);

    const detail = await service.send('GET', `/v1/reservations/${a}`);
    expect(detail.status).toBe(200);
    expect(JSON.stringify(detail.body)).not.toMatch(/hold/i);
    expect(detail.body).toMatchObject({
      reservationId: a,
      status: 'confirmed',
      email: 'taro@example.jp',
      name: '岡山 太郎',
      slot: { counselorId: counselorIds[0], start: '2026-12-01T10:00:00+09:00' },
    });
    expect(detail.body.timeline.map((t: any) => [t.event, t.rule, t.actor])).toEqual([
      ['ReservationRequested', 'A6.2', 'staff:tanaka'],
      ['SlotHeld', 'SLOT', 'staff:tanaka'],
      ['SlotConfirmed', 'A6.1', 'staff:tanaka'],
    ]);
    expect(detail.body.timeline[0]).toMatchObject({
      at: '2026-11-26T10:00:00+09:00',
      summary: '予約受付（電話）',
      commandId: expect.any(String),
      correlationId: expect.any(String),
    });
  });

  it('A8.1 job seeker overview and erasure: consent, readiness, sessions; afterwards [erased] in every read model, reads recorded', async () => {
    service = await startService();
    const { officeId, counselorIds, jobSeeker } = await seed(service);
    const reservationId = await book(officeId, jobSeeker, counselorIds[0], JST('2026-12-01', '10:00'));
    ok(
      await service.send('POST', `/v1/reservations/${reservationId}/interpreter-notifications`, {
        role: 'interpreter',
        note: 'ベトナム語の通訳が同席',
      }),
    );

    const overview = ok(await service.send('GET', `/v1/job-seekers/${jobSeeker.jobSeekerId}/overview`));
    expect(overview).toMatchObject({
      jobSeekerId: jobSeeker.jobSeekerId,
      registration: 'full',
      name: '岡山 太郎',
      consent: {
        termsVersion: '2022-07-28',
        deviceReadiness: { device: 'pc', hasWebCamera: true, appPrepared: true },
        environment: { 'A5.1': true },
        designatedApp: 'Webex',
      },
      termsVersions: ['2022-07-28'],
      noShowCount: 0,
      upcomingSessions: [{ reservationId, status: 'confirmed', when: '2026-12-01T10:00:00+09:00', counselorId: counselorIds[0] }],
      pastSessions: [],
    });
    service.clock.set('2026-12-01T00:55:00Z');
    ok(await service.send('POST', `/v1/reservations/${reservationId}/check-in`, { deviceId: 'DEVICE-RAW-0042' }));
    ok(await service.send('POST', `/v1/reservations/${reservationId}/completion`, {}));
    const after = ok(await service.send('GET', `/v1/job-seekers/${jobSeeker.jobSeekerId}/overview`));
    expect(after).toMatchObject({
      upcomingSessions: [],
      pastSessions: [{ reservationId, status: 'completed' }],
      devicePseudonyms: [expect.any(String)],
    });
    expect(JSON.stringify(after)).not.toContain('DEVICE-RAW-0042');

    ok(await service.send('POST', `/v1/job-seekers/${jobSeeker.jobSeekerId}/erasure`, { reason: '保存期間満了' }));
    const erased = ok(await service.send('GET', `/v1/job-seekers/${jobSeeker.jobSeekerId}/overview`));
    expect(erased).toMatchObject({
      name: '[erased]',
      email: '[erased]',
      inPersonDifficulty: '[erased]',
      erasedAt: expect.stringMatching(/\+09:00$/),
    });
    const reservation = ok(await service.send('GET', `/v1/reservations/${reservationId}`));
    expect(reservation).toMatchObject({ name: '[erased]', email: '[erased]', erased: true });
    expect(reservation.timeline.find((t: any) => t.event === 'InterpreterNotified').details.note).toBe('[erased]');
    expect(ok(await service.send('GET', `/v1/reservations?jobSeekerId=${jobSeeker.jobSeekerId}`)).items[0].name).toBe('[erased]');
    expect(JSON.stringify(reservation) + JSON.stringify(erased)).not.toMatch(/岡山 太郎|taro@example\.jp|ベトナム語|育児/);

    const auditor = await service.tokenFor('suzuki', ['auditor']);
    const views = ok(
      await service.send('GET', `/v1/audit/personal-data-views?from=2026-11-26&to=2026-12-01&jobSeekerId=${jobSeeker.jobSeekerId}`, undefined, {
        authorization: `Bearer ${auditor}`,
      }),
    );
    expect(views.items.map((v: any) => v.view)).toEqual(expect.arrayContaining(['job-seeker-overview', 'reservation', 'reservation-list']));
  });

  it('A6.1 / A6.3 / A6.5 to-do lists: near and past the confirmation deadline, not invited, awaiting check-in today', async () => {
    service = await startService(); // Thursday 2026-11-26 10:00 JST
    const { officeId, counselorIds, jobSeeker } = await seed(service);
    const near = ok(await service.send('POST', '/v1/reservations', requestBody(officeId, jobSeeker, JST('2026-11-27', '14:00'))), 201).reservationId;
    const far = ok(await service.send('POST', '/v1/reservations', requestBody(officeId, jobSeeker, JST('2026-12-10', '14:00'))), 201).reservationId;
    const confirmed = await book(officeId, jobSeeker, counselorIds[0], JST('2026-11-30', '10:00'));

    const today = ok(await service.send('GET', `/v1/offices/${officeId}/todo`));
    expect(today.at).toBe('2026-11-26T10:00:00+09:00');
    expect(today.nearConfirmationDeadline).toEqual([
      { reservationId: near, jobSeekerId: jobSeeker.jobSeekerId, officeId, wish: '2026-11-27T14:00:00+09:00', deadline: '2026-11-27T00:00:00+09:00' },
    ]);
    expect(today.pastConfirmationDeadline).toEqual([]);
    expect(today.notInvited.map((i: any) => i.reservationId)).toEqual([confirmed]);
    expect(today.awaitingCheckInToday).toEqual([]);
    expect(JSON.stringify(today)).not.toContain(far);

    service.clock.set('2026-11-30T00:30:00Z'); // Monday 09:30 JST
    const monday = ok(await service.send('GET', `/v1/offices/${officeId}/todo`));
    expect(monday.pastConfirmationDeadline.map((i: any) => i.reservationId)).toEqual([near]);
    expect(monday.awaitingCheckInToday).toEqual([
      { reservationId: confirmed, jobSeekerId: jobSeeker.jobSeekerId, officeId, counselorId: counselorIds[0], start: '2026-11-30T10:00:00+09:00' },
    ]);
    service.clock.set('2026-11-30T00:50:00Z'); // check-in opens at 09:45
    ok(await service.send('POST', `/v1/reservations/${confirmed}/check-in`, {}));
    expect(ok(await service.send('GET', `/v1/offices/${officeId}/todo`)).awaitingCheckInToday).toEqual([]);
  });

  it('A8.1 / A7.2 audit log: every event with actor, JST time, command, correlation and rule; filters and cursor pages; devices as pseudonyms only', async () => {
    service = await startService();
    const { officeId, counselorIds, jobSeeker } = await seed(service);
    const reservationId = await book(officeId, jobSeeker, counselorIds[0], JST('2026-12-01', '10:00'));
    service.clock.set('2026-12-01T00:55:00Z');
    ok(
      await service.send(
        'POST',
        `/v1/reservations/${reservationId}/check-in`,
        { deviceId: 'DEVICE-RAW-0042' },
        { 'x-correlation-id': 'corr-checkin-1' },
      ),
    );
    const auditor = { authorization: `Bearer ${await service.tokenFor('suzuki', ['auditor'])}` };
    const audit = (query: string) => service.send('GET', `/v1/audit/events?from=2026-11-26&to=2026-12-01${query}`, undefined, auditor);

    const ofJobSeeker = ok(await audit(`&jobSeekerId=${jobSeeker.jobSeekerId}&limit=200`));
    expect(ofJobSeeker.items.map((e: any) => e.event)).toEqual([
      'JobSeekerRegistered',
      'ConsentGiven',
      'ReservationRequested',
      'SlotConfirmed',
      'CheckedIn',
    ]);
    const checkIn = ofJobSeeker.items.at(-1);
    expect(checkIn).toMatchObject({
      actor: 'staff:tanaka',
      at: '2026-12-01T09:55:00+09:00',
      rule: 'A7.1',
      correlationId: 'corr-checkin-1',
      reservationId,
      devicePseudonyms: [expect.any(String)],
    });
    expect(JSON.stringify(ofJobSeeker)).not.toMatch(/DEVICE-RAW-0042|岡山 太郎|taro@example/);

    expect(ok(await audit('&type=SlotHeld')).items).toEqual([
      expect.objectContaining({ event: 'SlotHeld', rule: 'SLOT', counselorId: counselorIds[0], reservationId }),
    ]);
    expect(ok(await audit('&actor=staff:nobody')).items).toEqual([]);
    const everything = ok(await audit('&limit=200')).items;
    const pages: any[] = [];
    let after = '';
    do {
      const page = ok(await audit(`&limit=4${after ? `&after=${after}` : ''}`));
      pages.push(...page.items);
      after = page.next ?? '';
    } while (after);
    expect(pages.map((e) => e.entryId)).toEqual(everything.map((e: any) => e.entryId));
    expect(new Set(everything.map((e: any) => e.entryId)).size).toBe(everything.length);
    expect(ok(await service.send('GET', '/v1/audit/events?from=2026-12-02&to=2026-12-31', undefined, auditor)).items).toEqual([]);
    expect((await service.send('GET', '/v1/audit/events?from=2026-11-26&to=2026-12-01', undefined)).status).toBe(403);
    expect((await audit('&type=NoSuchEvent')).status).toBe(400);
  });
});
