import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { NewEvent } from '../../src/application/ports/event-store';
import { EventFeeds } from '../../src/infrastructure/http/events.controller';
import { EVENT_SCHEMA } from '../../src/infrastructure/http/event-schema';
import { JST, seed, startService, TestService } from './harness';

interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** A Server-Sent Events client on node:http, so a test can pause reading and cut the connection. */
function connect(service: TestService, token: string, path: string, headers: Record<string, string> = {}) {
  const frames: Frame[] = [];
  const listeners: Array<() => void> = [];
  let buffer = '';
  let response: IncomingMessage | undefined;
  const request: ClientRequest = httpRequest(`${service.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  const opened = new Promise<IncomingMessage>((resolve, reject) => {
    request.on('response', (res) => {
      response = res;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame: Frame = {};
          for (const line of buffer.slice(0, end).split('\n')) {
            if (line.startsWith(':')) frame.comment = line.slice(1).trim();
            else {
              const colon = line.indexOf(':');
              const field = line.slice(0, colon) as keyof Frame;
              frame[field] = line.slice(colon + 1).replace(/^ /, '');
            }
          }
          buffer = buffer.slice(end + 2);
          frames.push(frame);
        }
        listeners.forEach((listener) => listener());
      });
      res.on('error', () => undefined);
      resolve(res);
    });
    request.on('error', reject);
  });
  request.end();
  return {
    frames,
    opened,
    events: () => frames.filter((frame) => frame.id !== undefined),
    /** Resolves once the frames satisfy `done`. */
    until: (done: (frames: Frame[]) => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (done(frames)) resolve();
        };
        listeners.push(check);
        check();
      }),
    pause: () => response?.pause(),
    resume: () => response?.resume(),
    /** A forced disconnect: the socket is destroyed, whatever is in flight is lost to this connection. */
    cut: () => request.destroy(),
  };
}

const viewed = (i: number, padding = 1): NewEvent => ({
  eventId: randomUUID(),
  type: 'PersonalDataViewed',
  schemaVersion: 1,
  data: {
    viewer: 'staff:feed-test',
    view: `feed-${i}`,
    jobSeekerIds: Array.from({ length: padding }, (_, k) => String(k).padStart(64, 'a')),
    viewedAt: new Date().toISOString(),
  },
  metadata: {
    commandId: `feed-${i}`,
    correlationId: `feed-${i}`,
    causationId: `feed-${i}`,
    actor: 'staff:feed-test',
    recordedAt: new Date().toISOString(),
  },
});

async function appendViews(service: TestService, from: number, count: number, padding = 1): Promise<void> {
  for (let i = from; i < from + count; i += 100) {
    const batch = Array.from({ length: Math.min(100, from + count - i) }, (_, k) => viewed(i + k, padding));
    await service.store.append(`feed-test-${i}`, batch, 'no_stream');
  }
}

const validate = (() => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(EVENT_SCHEMA);
})();

describe('the integration event feed (GET /v1/events, issue 19)', () => {
  let service: TestService;
  let integration: string;
  beforeEach(async () => {
    service = await startService();
    integration = await service.tokenFor('feed', ['integration']);
  });
  afterEach(() => service.close());

  it('resumes after forced disconnects with Last-Event-ID: 10,000 events, 0 lost, 0 duplicated, 0 out of order (catch-up, then live)', async () => {
    const total = 10_000;
    await appendViews(service, 0, total / 2);
    const received: bigint[] = [];
    let lastId: string | undefined;
    let reconnects = 0;
    // The second half is appended while the client reads and is cut off: those arrive live.
    const live = appendViews(service, total / 2, total / 2);
    while (received.length < total) {
      const client = connect(service, integration, '/v1/events?types=PersonalDataViewed', lastId === undefined ? {} : { 'last-event-id': lastId });
      expect((await client.opened).statusCode).toBe(200);
      // Cut after a pseudo-random number of events (never at a page boundary on purpose).
      const cutAfter = 700 + ((reconnects * 1_337) % 1_900);
      await client.until((frames) => frames.filter((f) => f.id !== undefined).length >= Math.min(cutAfter, total - received.length));
      client.cut();
      for (const frame of client.events()) {
        received.push(BigInt(frame.id!));
        lastId = frame.id;
      }
      reconnects += 1;
    }
    await live;
    const unique = new Set(received);
    const duplicated = received.length - unique.size;
    const outOfOrder = received.filter((position, i) => i > 0 && position <= received[i - 1]).length;
    const expected: bigint[] = [];
    for (let page = await service.store.readAll(); page.length > 0; page = await service.store.readAll({ after: page.at(-1)!.position })) {
      expected.push(...page.filter((event) => event.type === 'PersonalDataViewed').map((event) => event.position));
    }
    const lost = expected.filter((position) => !unique.has(position)).length;
    const figures = { events: expected.length, received: received.length, reconnects, lost, duplicated, outOfOrder };
    if (process.env.WRITE_EXAMPLES) writeFileSync(join(__dirname, '../../docs/examples/sse-resume.json'), `${JSON.stringify(figures, null, 2)}\n`);
    expect(figures).toEqual({ events: total, received: total, reconnects: expect.any(Number), lost: 0, duplicated: 0, outOfOrder: 0 });
    expect(reconnects).toBeGreaterThanOrEqual(4);
  }, 300_000);

  it('back-pressure: a client that stops reading stops the server reading the store; it then gets everything', async () => {
    const total = 10_000;
    // ~2 KB per event: 20 MB in all, far more than the socket buffers hold.
    await appendViews(service, 0, total, 30);
    const client = connect(service, integration, '/v1/events?types=PersonalDataViewed');
    await client.opened;
    client.pause();
    const feeds = service.app.get(EventFeeds);
    // Wait until the server stops sending: the number sent stays the same over two looks a second apart.
    let sent = -1;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const now = feeds.sent();
      if (now === sent && now > 0) break;
      sent = now;
    }
    expect(sent).toBeLessThan(total / 2);
    client.resume();
    await client.until((frames) => frames.filter((f) => f.id !== undefined).length === total);
    expect(feeds.sent()).toBe(total);
    client.cut();
  }, 300_000);

  it('A8.1 / A7.2: personal values read as [redacted], erased ones as [erased], a device only as its pseudonym; events follow the published schema', async () => {
    const ids = await seed(service);
    const jobSeekerId = ids.jobSeeker.jobSeekerId;
    const reservationId = (
      await service.send('POST', '/v1/reservations', {
        officeId: ids.officeId,
        jobSeekerNo: ids.jobSeeker.jobSeekerNo,
        name: ids.jobSeeker.name,
        email: 'taro@example.jp',
        channel: 'phone',
        firstWish: JST('2026-12-01', '10:00'),
      })
    ).body.reservationId;
    await service.send('POST', `/v1/reservations/${reservationId}/confirmation`, {
      counselorId: ids.counselorIds[0],
      start: JST('2026-12-01', '10:00'),
    });
    service.clock.set('2026-12-01T00:55:00Z');
    expect((await service.send('POST', `/v1/reservations/${reservationId}/check-in`, { deviceId: 'device-ABC-123' })).status).toBe(200);

    const read = async (types: string) => {
      const client = connect(service, integration, `/v1/events?types=${types}&from=0`);
      const opened = await client.opened;
      expect(opened.headers['content-type']).toMatch(/^text\/event-stream/);
      // The stream is written past Fastify (a hijacked reply) and still carries the security headers.
      expect(opened.headers['x-content-type-options']).toBe('nosniff');
      const head = await service.store.headPosition();
      await client.until((frames) => frames.some((frame) => frame.id !== undefined && BigInt(frame.id) >= head) || frames.length > 200);
      client.cut();
      return client.events().map((frame) => JSON.parse(frame.data!));
    };
    const before = await read('JobSeekerRegistered,ReservationRequested,CheckedIn,ConsentGiven,SlotConfirmed');
    const registered = before.find((event) => event.type === 'JobSeekerRegistered' && event.data.jobSeekerId === jobSeekerId);
    expect(registered.data).toMatchObject({ name: '[redacted]', email: '[redacted]', jobSeekerNo: '[redacted]', jobSeekerId });
    const checkedIn = before.find((event) => event.type === 'CheckedIn');
    expect(checkedIn.data.device).toEqual({ identifier: '[redacted]', pseudonym: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(before)).not.toContain('device-ABC-123');
    expect(JSON.stringify(before)).not.toContain(ids.jobSeeker.name);
    for (const event of before)
      expect({ type: event.type, valid: validate(event), errors: validate.errors }).toEqual({ type: event.type, valid: true, errors: null });

    expect((await service.send('POST', `/v1/job-seekers/${jobSeekerId}/erasure`, { reason: '保存期間の満了' })).status).toBe(200);
    const after = await read('JobSeekerRegistered,PersonalDataErased');
    expect(after.find((event) => event.type === 'JobSeekerRegistered' && event.data.jobSeekerId === jobSeekerId).data).toMatchObject({
      name: '[erased]',
      email: '[erased]',
    });
    expect(after.some((event) => event.type === 'PersonalDataErased' && event.data.jobSeekerId === jobSeekerId)).toBe(true);
  }, 120_000);

  it('sends heartbeats while nothing happens; refuses a bad Last-Event-ID or type with 400, other roles with 403', async () => {
    const client = connect(service, integration, '/v1/events?types=SlotConfirmed&heartbeat=1');
    await client.until((frames) => frames.some((frame) => frame.comment === 'heartbeat'));
    client.cut();
    const badId = await fetch(`${service.url}/v1/events`, { headers: { authorization: `Bearer ${integration}`, 'last-event-id': 'x1' } });
    expect(badId.status).toBe(400);
    expect(await badId.json()).toMatchObject({ problems: [{ field: 'Last-Event-ID', in: 'header' }] });
    expect((await service.send('GET', '/v1/events?types=NoSuchEvent', undefined, { authorization: `Bearer ${integration}` })).status).toBe(400);
    expect((await service.send('GET', '/v1/events')).status).toBe(403);
  });

  it('the schema served is the one the domain types give (npm run schema:events), and the OpenAPI links it', async () => {
    execFileSync(process.execPath, [join(__dirname, '../../scripts/event-schema.js'), '--check']);
    const served = await service.send('GET', '/v1/events/schema', undefined, { authorization: `Bearer ${integration}` });
    expect(served.body).toEqual(EVENT_SCHEMA);
    const document: any = await (await fetch(`${service.url}/docs-json`)).json();
    expect(document.paths['/v1/events'].get.externalDocs.url).toBe('/v1/events/schema');
  }, 120_000);
});
