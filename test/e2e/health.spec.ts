import { randomUUID } from 'node:crypto';
import type { EventStore, ReadAllOptions } from '../../src/application/ports/event-store';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite/sqlite-event-store';
import { createHttpApp } from '../../src/infrastructure/http/http-app';
import { SideEffects } from '../../src/application/side-effects/side-effects';
import { OutboxMailer } from '../../src/infrastructure/mail/outbox/outbox-mailer';
import { InProcessScheduler } from '../../src/infrastructure/scheduler/in-process/in-process-scheduler';
import { seed, startService, tempDbFile, TestClock, testPorts } from './harness';

/** An event store whose global reads wait for the test to open a gate: a catch-up that takes its time. */
class SlowCatchUp implements EventStore {
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  constructor(private readonly inner: EventStore) {}
  release(): void {
    this.open();
  }
  append: EventStore['append'] = (...args) => this.inner.append(...args);
  readStream: EventStore['readStream'] = (...args) => this.inner.readStream(...args);
  headPosition: EventStore['headPosition'] = () => this.inner.headPosition();
  subscribeAll: EventStore['subscribeAll'] = (...args) => this.inner.subscribeAll(...args);
  close: EventStore['close'] = () => this.inner.close();
  async readAll(options?: ReadAllOptions) {
    await this.gate;
    return this.inner.readAll(options);
  }
}

const get = async (url: string, headers: Record<string, string> = {}) => {
  const response = await fetch(url, { headers });
  const text = await response.text();
  return { status: response.status, text, body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
};

describe('health: live, ready (503 until the read models caught up, and while one or a reactor is stopped), metrics', () => {
  it('answers /health/ready and /health 503 during catch-up, with each consumer and its lag, and 200 once caught up; /health/live 200 throughout', async () => {
    const dbFile = tempDbFile();
    const seeded = await startService({ dbFile });
    await seeded.tokenFor('someone', ['counselor']);
    await seeded.close();

    const slow = new SlowCatchUp(SqliteEventStore.open(dbFile));
    const app = await createHttpApp(testPorts(slow, dbFile, new TestClock()), { logs: false, rateLimitPerMinute: 100_000 });
    await app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    try {
      const during = await get(`${url}/health/ready`);
      expect(during.status).toBe(503);
      expect(during.body.status).toBe('not_ready');
      expect(during.body.consumers.find((c: { name: string }) => c.name === 'staff-directory')).toMatchObject({
        caughtUp: false,
        position: null,
        lag: String(BigInt(during.body.eventStore.head) + 1n),
      });
      expect((await get(`${url}/health`)).status).toBe(503);
      expect((await get(`${url}/health/live`)).status).toBe(200);

      slow.release();
      let ready = await get(`${url}/health/ready`);
      for (let i = 0; i < 500 && ready.status !== 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        ready = await get(`${url}/health/ready`);
      }

      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('ready');
      expect(ready.body.consumers.every((c: { caughtUp: boolean; lag: string }) => c.caughtUp && c.lag === '0')).toBe(true);
      expect((await get(`${url}/health`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('answers 503 while a consumer is stopped at a poison event, naming it and its position; the other consumers go on', async () => {
    const service = await startService();
    try {
      // An event no deciders would append: a role change for a staff member nobody enrolled.
      const { position } = await service.store.append(
        `staff-${randomUUID()}`,
        [
          {
            eventId: randomUUID(),
            type: 'StaffRolesChanged',
            schemaVersion: 1,
            data: { staffId: 'ghost', roles: ['admin'] },
            metadata: {
              commandId: randomUUID(),
              correlationId: randomUUID(),
              causationId: randomUUID(),
              actor: 'system:test',
              recordedAt: new Date().toISOString(),
            },
          },
        ],
        'no_stream',
      );

      let health = await get(`${service.url}/health/ready`);
      for (let i = 0; i < 500 && health.body.consumers.find((c: { name: string }) => c.name === 'staff-directory').state !== 'stopped'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        health = await get(`${service.url}/health/ready`);
      }

      expect(health.status).toBe(503);
      expect(health.body.consumers.find((c: { name: string }) => c.name === 'staff-directory')).toMatchObject({
        state: 'stopped',
        error: { position: String(position) },
      });
      expect(health.body.consumers.filter((c: { state: string }) => c.state === 'stopped')).toHaveLength(1);
      expect((await get(`${service.url}/health/live`)).status).toBe(200);
    } finally {
      await service.close();
    }
  });

  it('shows each reactor with its position and lag, and answers 503 once the reactors are stopped', async () => {
    const clock = new TestClock();
    const service = await startService({
      clock,
      sideEffects: { scheduler: new InProcessScheduler(clock), mailer: new OutboxMailer(':memory:', clock) },
    });
    try {
      await service.app.get(SideEffects).started;
      await seed(service);
      const head = String(await service.store.headPosition());
      let health = await get(`${service.url}/health/ready`);
      for (let i = 0; i < 500 && health.body.reactors.some((r: { position: string }) => r.position !== head); i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        health = await get(`${service.url}/health/ready`);
      }

      expect(health.status).toBe(200);
      expect(health.body.reactors.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['invitation', 'no-show']));
      for (const reactor of health.body.reactors) expect(reactor).toMatchObject({ state: 'live', position: head, lag: '0', caughtUp: true });

      await service.app.get(SideEffects).stop();
      health = await get(`${service.url}/health/ready`);
      expect(health.status).toBe(503);
      expect(health.body.reactors.every((r: { state: string }) => r.state === 'stopped')).toBe(true);
      expect(health.body.consumers.every((c: { state: string }) => c.state !== 'stopped')).toBe(true);
    } finally {
      await service.close();
    }
  });

  it('serves Prometheus metrics to the integration role: consumer positions, lag, projection lag and the event loop', async () => {
    const service = await startService();
    try {
      const token = await service.tokenFor('prometheus', ['integration']);
      const metrics = await get(`${service.url}/metrics`, { authorization: `Bearer ${token}` });

      expect(metrics.status).toBe(200);
      expect(metrics.text).toMatch(/madoguchi_consumer_position\{consumer="staff-directory"\} \d+/);
      expect(metrics.text).toMatch(/madoguchi_consumer_lag_positions\{consumer="job-seeker-directory"\} \d+/);
      expect(metrics.text).toMatch(/madoguchi_projection_lag_seconds_count\{consumer="staff-directory"\} [1-9]/);
      expect(metrics.text).toContain('madoguchi_nodejs_eventloop_lag_seconds');
      expect((await get(`${service.url}/metrics`)).status).toBe(401);
    } finally {
      await service.close();
    }
  });
});
