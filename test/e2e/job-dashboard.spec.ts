/**
 * The BullMQ job dashboard (Bull Board) at /admin/queues, against the Redis of this machine: supervisors only,
 * behind the same sign-in as the API (a staff token as a bearer, or in the cookie its sign-in form sets).
 */
import { SideEffects } from '../../src/application/side-effects/side-effects';
import { OutboxMailer } from '../../src/infrastructure/mail/outbox/outbox-mailer';
import { BullMqScheduler } from '../../src/infrastructure/scheduler/bullmq/bullmq-scheduler';
import { InProcessScheduler } from '../../src/infrastructure/scheduler/in-process/in-process-scheduler';
import { dropPrefix, REDIS_URL, requireRedis, uniquePrefix } from '../infrastructure/scheduler/redis.fixtures';
import { startService, TestClock, type TestService } from './harness';

describe('the job dashboard (Bull Board) for supervisors, when the scheduler is BullMQ', () => {
  const prefix = uniquePrefix();
  let service: TestService;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(service.url + path, { headers, redirect: 'manual' });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    await requireRedis();
    const clock = new TestClock();
    service = await startService({
      clock,
      sideEffects: { scheduler: new BullMqScheduler(clock, { url: REDIS_URL, prefix }), mailer: new OutboxMailer(':memory:', clock) },
    });
    await service.app.get(SideEffects).started;
  });
  afterAll(async () => {
    await service.close();
    await dropPrefix(prefix);
  });

  it('A8.1: 401 without a token or with an unknown one, 403 for a counselor, with the API’s error body', async () => {
    const counselor = await service.tokenFor('sato', ['counselor', 'auditor', 'admin']);
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const none = await get(path);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toContain('Bearer');
      expect(await none.json()).toMatchObject({ error: 'unauthenticated', rule: 'A8.1', code: 'unauthenticated' });
      expect((await get(path, bearer('mdg_00000000000000000000000000000000_notatokennotatokennotatokennotatokennotatok'))).status).toBe(401);
      const wrongRole = await get(path, bearer(counselor));
      expect(wrongRole.status).toBe(403);
      expect(await wrongRole.json()).toMatchObject({ error: 'forbidden', rule: 'A8.1', code: 'forbidden' });
    }
  });

  it('200 for a supervisor: the page, and the queue of the service’s jobs with its scheduled sweep', async () => {
    const supervisor = await service.tokenFor('yamada', ['supervisor']);

    const page = await get('/admin/queues', bearer(supervisor));
    const queues = await get('/admin/queues/api/queues?activeQueue=jobs&status=delayed', bearer(supervisor));

    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    expect(queues.status).toBe(200);
    const body = (await queues.json()) as { queues: { name: string; counts: Record<string, number> }[] };
    expect(body.queues.map((q) => q.name)).toEqual(['jobs']);
    expect(body.queues[0].counts.delayed).toBeGreaterThanOrEqual(1); // the next minute's sweep
  });

  it('a browser signs in through the form: the cookie it sets opens the dashboard; a counselor’s token sets none', async () => {
    const supervisor = await service.tokenFor('suzuki', ['supervisor']);
    const counselor = await service.tokenFor('ito', ['counselor']);
    const post = (token: string) =>
      fetch(`${service.url}/admin/queues/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
        redirect: 'manual',
      });

    expect((await get('/admin/queues/sign-in')).status).toBe(200);
    const refused = await post(counselor);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('set-cookie')).toBeNull();
    const signedIn = await post(supervisor);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/admin/queues');
    const cookie = signedIn.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await get('/admin/queues/api/queues', { cookie: cookie.split(';')[0] })).status).toBe(200);
  });

  it('is not there when the scheduler is in-process', async () => {
    const clock = new TestClock();
    const embedded = await startService({
      clock,
      sideEffects: { scheduler: new InProcessScheduler(clock), mailer: new OutboxMailer(':memory:', clock) },
    });
    try {
      const supervisor = await embedded.tokenFor('yamada', ['supervisor']);
      expect((await fetch(`${embedded.url}/admin/queues`, { headers: bearer(supervisor) })).status).toBe(404);
    } finally {
      await embedded.close();
    }
  });
});
