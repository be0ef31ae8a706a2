import { JST, requestBody, seed, startService, TestService } from './harness';

/** Issue 14.6: one rule for every free-text field, and nothing malformed gets past the edge. */
describe('clean input over HTTP', () => {
  let service: TestService;
  let ids: Awaited<ReturnType<typeof seed>>;

  beforeAll(async () => {
    service = await startService();
    ids = await seed(service);
  });
  afterAll(() => service.close());

  const badTexts: Array<[kind: string, json: string, code: string]> = [
    ['a lone surrogate', '"\\ud800田中"', 'input.text.lone-surrogate'],
    ['NUL', '"田中\\u0000"', 'input.text.control'],
    ['CR LF (a header injection)', '"田中\\r\\nBcc: x@example.com"', 'input.text.control'],
    ['a tab', '"田\\t中"', 'input.text.control'],
    ['a right-to-left override', '"田中\\u202e"', 'input.text.bidi'],
    ['a bidirectional isolate', '"\\u2066田中\\u2069"', 'input.text.bidi'],
    ['an empty string', '""', 'input.text.blank'],
    ['only whitespace and zero-width characters', '" \\u3000\\u200b\\ufeff "', 'input.text.blank'],
  ];

  /** Free-text fields of several endpoints: the request as JSON text with the bad value spliced in. */
  const textFields: Array<[what: string, method: string, path: () => string, body: (value: string) => string, field: string]> = [
    [
      'a job seeker’s name',
      'POST',
      () => '/v1/job-seekers',
      (v) => `{"jobSeekerNo":"33010-7777777","registration":"full","name":${v},"inPersonDifficulty":"遠方"}`,
      'name',
    ],
    ['an office name', 'PATCH', () => `/v1/offices/${ids.officeId}`, (v) => `{"name":${v}}`, 'name'],
    ['a counselor name', 'POST', () => `/v1/offices/${ids.officeId}/counselors`, (v) => `{"name":${v}}`, 'name'],
    ['a closure reason', 'POST', () => `/v1/offices/${ids.officeId}/closure-days`, (v) => `{"date":"2026-12-03","reason":${v}}`, 'reason'],
    [
      'a designated app’s name',
      'POST',
      () => `/v1/job-seekers/${ids.jobSeeker.jobSeekerId}/consents`,
      (v) =>
        JSON.stringify({
          designatedApp: { name: '§', termsUrl: 'https://www.webex.com/terms.html' },
          termsVersion: '2022-07-28',
          environment: { 'A5.1': true, 'A5.2': true, 'A5.3': true, 'A5.4': true, 'A5.5': true, 'A5.6': true },
          deviceReadiness: { device: 'pc', hasWebCamera: true, appPrepared: true },
          recordingProhibitionAcknowledged: true,
        }).replace('"§"', v),
      'designatedApp.name',
    ],
    ['a staff member’s name', 'POST', () => '/v1/staff', (v) => `{"staffId":"sato","name":${v},"roles":["counselor"]}`, 'name'],
    [
      'a legal request’s authority',
      'POST',
      () => '/v1/legal-requests',
      (v) => `{"jobSeekerId":"${ids.jobSeeker.jobSeekerId}","authority":${v},"reference":"第1号","reason":"捜査"}`,
      'authority',
    ],
  ];

  describe.each(textFields)('%s', (_what, method, path, body, field) => {
    it.each(badTexts)('refuses %s with 400 naming the field, and appends nothing', async (_kind, json, code) => {
      const head = await service.store.headPosition();
      const refused = await service.send(method, path(), body(json));
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: 'bad_request', problems: [{ field, in: 'body', code, problem: expect.any(String) }] });
      expect(refused.body.problems).toHaveLength(1);
      expect(await service.store.headPosition()).toBe(head);
    });
  });

  it('stores text normalised to NFC, so the same name typed two ways is one name', async () => {
    const decomposed = 'ハローワーク岡山\u30cf\u309a'; // ハ + combining ゜ = パ
    expect((await service.send('PATCH', `/v1/offices/${ids.officeId}`, { name: decomposed })).status).toBe(200);
    expect((await service.send('GET', `/v1/offices/${ids.officeId}`)).body.name).toBe('ハローワーク岡山パ');
  });

  it('refuses unknown query parameters on every endpoint, naming them as query parameters', async () => {
    for (const [method, path] of [
      ['GET', `/v1/offices/${ids.officeId}?zzz=1`],
      ['GET', `/v1/job-seekers/${ids.jobSeeker.jobSeekerId}?zzz=1`],
      ['POST', '/v1/reservations?zzz=1'],
      ['GET', '/v1/offices?zzz=1'],
    ]) {
      const refused = await service.send(method, path, method === 'POST' ? requestBody(ids.officeId, ids.jobSeeker) : undefined);
      expect({ path, ...refused }).toMatchObject({ path, status: 400, body: { problems: [{ field: 'zzz', in: 'query' }] } });
    }
  });

  it('answers broken JSON with 400 and problems, like every other 400', async () => {
    const refused = await service.send('POST', '/v1/reservations', '{"officeId": ');
    expect(refused).toMatchObject({ status: 400, body: { error: 'bad_request', problems: [{ field: '', in: 'body' }] } });
  });

  it.each([
    ['a full-width hyphen', '33010－1234567'],
    ['a hyphen as a Japanese IME writes it', '33010ー1234567'],
    ['a minus sign', '33010−1234567'],
    ['full-width digits and a full-width hyphen', '３３０１０－１２３４５６７'],
  ])('A2.1: takes a 求職番号 written with %s as the same job seeker', async (_how, jobSeekerNo) => {
    const requested = await service.send(
      'POST',
      '/v1/reservations',
      requestBody(ids.officeId, { jobSeekerNo, name: ids.jobSeeker.name }, JST('2026-12-02', '11:00')),
    );
    expect(requested.status).toBe(201);
    expect((await service.send('GET', `/v1/reservations/${requested.body.reservationId}`)).body.jobSeekerId).toBe(ids.jobSeeker.jobSeekerId);
  });

  it('answers 404 for an office that does not exist, not an empty list', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await service.send('GET', `/v1/offices/${unknown}/counselors`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  it('treats an empty limit= or offset= as not given', async () => {
    const listed = await service.send('GET', `/v1/offices/${ids.officeId}/counselors?offset=&limit=`);
    expect(listed).toMatchObject({ status: 200, body: { offset: 0, limit: 50 } });
  });
});
