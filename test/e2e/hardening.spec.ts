import { JST, seed, startService, TestService, validConsent } from './harness';

describe('issue 3: security headers and rate limiting per token', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startService({ rateLimitPerMinute: 5 });
  });
  afterAll(() => service.close());

  it('sends security headers on every answer, and the API docs still load under the content security policy', async () => {
    const health = await fetch(`${service.url}/health`);
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(health.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(health.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(health.headers.get('x-powered-by')).toBeNull();
    const docs = await fetch(`${service.url}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('answers 429 beyond the limit for one token, while another token is unaffected', async () => {
    const first = { authorization: `Bearer ${await service.tokenFor('busy', ['counselor'])}` };
    const second = { authorization: `Bearer ${await service.tokenFor('calm', ['counselor'])}` };
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await fetch(`${service.url}/v1/offices`, { headers: first })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = await fetch(`${service.url}/v1/offices`, { headers: first });
    expect(await limited.json()).toMatchObject({ error: 'too_many_requests', message: expect.stringMatching(/1分間に5回を超えました。\d+秒待って/) });
    expect((await fetch(`${service.url}/v1/offices`, { headers: second })).status).toBe(200);
  });
});

describe('A8.1: guessing tokens is throttled: requests without a valid token count against their address', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startService({ rateLimitPerMinute: 5 });
  });
  afterAll(() => service.close());

  it('20 made-up tokens from an address already at its limit all get 429; a valid token keeps its own bucket', async () => {
    const madeUp = (i: number) => ({ authorization: `Bearer made-up-token-${i}-${'x'.repeat(40)}` });
    const first: number[] = [];
    for (let i = 0; i < 5; i++) first.push((await fetch(`${service.url}/v1/offices`, { headers: madeUp(i) })).status);
    expect(first).toEqual([401, 401, 401, 401, 401]);

    const guesses: number[] = [];
    for (let i = 5; i < 25; i++) guesses.push((await fetch(`${service.url}/v1/offices`, { headers: madeUp(i) })).status);
    expect(guesses).toEqual(Array(20).fill(429));
    const limited = await fetch(`${service.url}/v1/offices`, { headers: madeUp(99) });
    expect(await limited.json()).toMatchObject({
      error: 'too_many_requests',
      message: expect.stringMatching(/有効なトークンのないこのアドレスから.*\d+秒待って/),
    });
    expect((await fetch(`${service.url}/v1/offices`)).status).toBe(429); // no token at all: the same bucket

    const valid = { authorization: `Bearer ${await service.tokenFor('honest', ['counselor'])}` };
    expect((await fetch(`${service.url}/v1/offices`, { headers: valid })).status).toBe(200);
  });
});

describe('A8.1: nothing personal in the logs', () => {
  const PERSON = {
    jobSeekerNo: '33010-5550123',
    registration: 'full',
    name: '倉敷 次郎',
    email: 'jiro.kurashiki@example.jp',
    phone: '086-999-0001',
    inPersonDifficulty: '足の怪我で通所が困難',
  };
  const DEVICE = 'zoom-device-jiro-4471';
  const REASON = '倉敷 次郎さんが電話で取消';

  it('runs the flows (register, consent, reserve, confirm, check in, read, cancel, refuse, bad input) and the logs name no one', async () => {
    const written: string[] = [];
    const capture = (stream: NodeJS.WriteStream) => {
      const original = stream.write.bind(stream);
      stream.write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
        written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
      };
      return () => (stream.write = original);
    };
    const restore = [capture(process.stdout), capture(process.stderr)];
    try {
      const service = await startService({ logs: true });
      const ids = await seed(service);
      const jobSeekerId = (await service.send('POST', '/v1/job-seekers', PERSON)).body.jobSeekerId;
      await service.send('POST', `/v1/job-seekers/${jobSeekerId}/consents`, validConsent());
      const request = {
        officeId: ids.officeId,
        jobSeekerNo: PERSON.jobSeekerNo,
        name: PERSON.name,
        email: PERSON.email,
        channel: 'phone',
        firstWish: JST('2026-12-01', '10:00'),
      };
      const reservationId = (await service.send('POST', '/v1/reservations', request)).body.reservationId;
      await service.send('POST', `/v1/reservations/${reservationId}/confirmation`, {
        counselorId: ids.counselorIds[0],
        start: JST('2026-12-01', '10:00'),
      });
      await service.send('POST', '/v1/reservations', { ...request, email: `${PERSON.email}@@`, shoeSize: PERSON.name }); // 400
      await service.send('POST', '/v1/reservations', { ...request, firstWish: JST('2026-12-05', '10:00') }); // 422, a Saturday
      await service.send('GET', `/v1/job-seekers/${jobSeekerId}`);
      await service.send('GET', `/v1/reservations/${reservationId}`);
      service.clock.set('2026-12-01T00:55:00Z');
      await service.send('POST', `/v1/reservations/${reservationId}/check-in`, { deviceId: DEVICE });
      const second = (await service.send('POST', '/v1/reservations', { ...request, firstWish: JST('2026-12-03', '11:00') })).body.reservationId;
      await service.send('POST', `/v1/reservations/${second}/cancellation`, { channel: 'phone', reason: REASON });
      await service.send('POST', `/v1/job-seekers/${jobSeekerId}/refusal`, { article: 'A12.1', reason: `${PERSON.name}による暴言` });
      await service.close();
    } finally {
      restore.forEach((r) => r());
    }
    const logs = written.join('');
    // The capture really saw the service's structured logs, its request lines among them.
    expect(logs).toMatch(
      /"context":"Request","method":"POST","route":"\/v1\/reservations\/:id\/cancellation","status":200,"ms":\d+,"staff":"tanaka"/,
    ); // and its request lines
    for (const value of [PERSON.jobSeekerNo, PERSON.name, PERSON.email, PERSON.phone, PERSON.inPersonDifficulty, DEVICE, REASON]) {
      expect(logs).not.toContain(value);
    }
  });
});
