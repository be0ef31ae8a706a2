import { JST, requestBody, seed, startService, TestService } from './harness';

const EN = { 'accept-language': 'en' };

/** Issue 14.7: every error carries its code and a message staff read, Japanese unless English is asked for. */
describe('error messages over HTTP', () => {
  let service: TestService;
  let ids: Awaited<ReturnType<typeof seed>>;

  beforeAll(async () => {
    service = await startService();
    ids = await seed(service, 1);
  });
  afterAll(() => service.close());

  it('A6.2: words the same refusal in Japanese by default and in English with Accept-Language: en', async () => {
    const body = requestBody(ids.officeId, ids.jobSeeker, JST('2027-01-11', '10:00'));
    const ja = await service.send('POST', '/v1/reservations', body);
    const en = await service.send('POST', '/v1/reservations', body, EN);
    expect(ja).toMatchObject({ status: 422, body: { error: 'rule_violation', rule: 'A6.2', code: 'slot.closed' } });
    expect(ja.body.message).toBe('第1希望 2027年1月11日（月）10:00：祝日・休日（成人の日）のため面談はありません。');
    expect(en).toMatchObject({ status: 422, body: { error: 'rule_violation', rule: 'A6.2', code: 'slot.closed' } });
    expect(en.body.message).toBe('1st wish 2027-01-11 10:00 JST: no sessions because 2027-01-11 is a national holiday (成人の日).');
  });

  it.each([
    ['en-US,en;q=0.9,ja;q=0.8', 'en'],
    ['ja,en;q=0.5', 'ja'],
    ['fr, en;q=0.3', 'en'],
    ['fr', 'ja'],
  ])('picks the language of Accept-Language: %s → %s', async (header, language) => {
    const response = await fetch(`${service.url}/v1/offices`, { headers: { 'accept-language': header } });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-language')).toBe(language);
    expect(((await response.json()) as { message: string }).message).toMatch(language === 'ja' ? /サインインしてください/ : /Sign in first/);
  });

  it('SLOT: shows a busy counselor’s session in JST, and an error about the 2nd wish says 第2希望', async () => {
    const first = await service.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker, JST('2026-12-02', '10:00')));
    const second = await service.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker, JST('2026-12-02', '10:00')));
    const slot = { counselorId: ids.counselorIds[0], start: JST('2026-12-02', '10:00') };
    expect((await service.send('POST', `/v1/reservations/${first.body.reservationId}/confirmation`, slot)).status).toBe(200);
    const busy = await service.send('POST', `/v1/reservations/${second.body.reservationId}/confirmation`, slot);
    expect(busy).toMatchObject({
      status: 422,
      body: {
        rule: 'SLOT',
        code: 'slot.taken',
        message: 'この相談員は2026年12月2日（水）10:00にすでに面談があります。別の相談員か時間を選んでください。',
      },
    });
    expect((await service.send('POST', `/v1/reservations/${second.body.reservationId}/confirmation`, slot, EN)).body.message).toContain(
      '2026-12-02 10:00 JST',
    );

    const saturday = await service.send('POST', '/v1/reservations', {
      ...requestBody(ids.officeId, ids.jobSeeker),
      secondWish: JST('2026-12-05', '10:00'),
    });
    expect(saturday).toMatchObject({
      status: 422,
      body: { rule: 'A6.2', message: expect.stringMatching(/^第2希望 2026年12月5日（土）10:00：土曜日のため/) },
    });
  });

  it('A6.2: reports a wish off by seconds with its seconds', async () => {
    const refused = await service.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker, '2026-12-01T10:00:30+09:00'));
    expect(refused.body).toMatchObject({
      rule: 'A6.2',
      code: 'slot.not-on-half-hour',
      message: expect.stringContaining('10:00:30 は開始時刻になりません'),
    });
  });

  it('words 400 problems from the catalogue, never the validator’s own text', async () => {
    const auditor = { authorization: `Bearer ${await service.tokenFor('kansa', ['auditor'])}` };
    const tooBig = await service.send('GET', '/v1/offices?limit=500');
    expect(tooBig.body).toMatchObject({
      error: 'bad_request',
      code: 'bad-request',
      problems: [{ field: 'limit', in: 'query', code: 'input.too-big', problem: '200以下にしてください' }],
    });
    expect((await service.send('GET', '/v1/offices?limit=500', undefined, EN)).body.problems[0].problem).toBe('must be at most 200');

    const viewer = await service.send('GET', '/v1/audit/personal-data-views?from=2026-11-01&to=2026-11-02&viewer=tanaka', undefined, {
      ...auditor,
      ...EN,
    });
    expect(viewer.body.problems).toEqual([
      { field: 'viewer', in: 'query', code: 'input.viewer', problem: 'must be a viewer written staff:<staff id>, e.g. staff:tanaka' },
    ]);
    expect(JSON.stringify(viewer.body)).not.toMatch(/pattern|Too big|Invalid|expected/);
  });

  it('names an unknown query key as a query parameter, in both languages', async () => {
    const ja = await service.send('GET', `/v1/offices/${ids.officeId}?zzz=1`);
    expect(ja.body).toMatchObject({ problems: [{ field: 'zzz', in: 'query', code: 'input.unknown-query' }] });
    expect(ja.body.message).toBe('入力に誤りがあります：zzz: 不明なクエリパラメータです（この操作で使えるクエリパラメータではありません）');
    const en = await service.send('GET', '/v1/offices?zzz=1', undefined, EN);
    expect(en.body.message).toBe('The request is not valid: zzz: is not a query parameter this operation takes');
  });

  it('A8.1: an invalid audit date is one problem, without a spurious range problem', async () => {
    const auditor = { authorization: `Bearer ${await service.tokenFor('kansa2', ['auditor'])}` };
    const refused = await service.send('GET', '/v1/audit/personal-data-views?from=2026-13-45&to=2026-11-02', undefined, auditor);
    expect(refused.status).toBe(400);
    expect(refused.body.problems).toEqual([
      { field: 'from', in: 'query', code: 'input.date', problem: '日付を YYYY-MM-DD で指定してください（例 2026-12-01）' },
    ]);
    const tooLong = await service.send('GET', '/v1/audit/personal-data-views?from=2026-01-01&to=2026-11-02', undefined, { ...auditor, ...EN });
    expect(tooLong.body.problems).toEqual([{ field: 'to', in: 'query', code: 'input.range-too-long', problem: 'at most 31 days at once' }]);
  });

  it('words 401, 404 and broken JSON from the catalogue too', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await service.send('GET', `/v1/counselors/${unknown}`)).body).toEqual({
      error: 'not_found',
      code: 'not-found',
      message: `相談員（${unknown}）が見つかりません。`,
    });
    expect((await service.send('GET', `/v1/counselors/${unknown}`, undefined, EN)).body.message).toBe(`Counselor ${unknown} was not found.`);
    const broken = await service.send('POST', '/v1/reservations', '{"officeId": ', EN);
    expect(broken.body).toMatchObject({
      error: 'bad_request',
      problems: [{ field: '', in: 'body', code: 'input.not-json', problem: 'is not valid JSON' }],
    });
  });
});
