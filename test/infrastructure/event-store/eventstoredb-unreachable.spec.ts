/**
 * The EventStoreDB adapter on the real client 6.2.1 against servers that cannot answer: a closed port, a
 * discovery that finds no node, and a "stuck" server (a TCP listener that accepts and never speaks gRPC). No
 * EventStoreDB runs here, and none is needed for these paths: they are the client's own failure behaviour.
 */
import type { FastifyReply } from 'fastify';
import type { ReadModels } from '../../../src/application/consumers/read-models';
import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Subscription } from '../../../src/application/ports/event-store';
import { EventStoreDbDeadlineExceeded, EventStoreDbEventStore } from '../../../src/infrastructure/event-store/eventstoredb/eventstoredb-event-store';
import { HealthController } from '../../../src/infrastructure/http/health.controller';
import { ChainIntegrity } from '../../../src/infrastructure/event-store/chain/chain-integrity';

/** What /health answers on this store, with every read model caught up: only the event store can make it 503. */
async function healthOf(store: EventStoreDbEventStore): Promise<{ status: number; body: { status: string; eventStore: object } }> {
  const caughtUp = { status: () => [], ready: () => true } as unknown as ReadModels;
  let status = 200;
  const reply = { status: (code: number) => ((status = code), reply) } as unknown as FastifyReply;
  // Not bootstrapped: the chain reads as unchecked, which never makes /health 503.
  const body = await new HealthController(store, caughtUp, new ChainIntegrity(store)).health(reply);
  return { status, body };
}

const DEADLINE_MS = 300;
const unhandled: unknown[] = [];
const recordUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(() => process.on('unhandledRejection', recordUnhandled));
afterAll(() => process.off('unhandledRejection', recordUnhandled));
beforeEach(() => unhandled.splice(0));

/** Rejections the client raises late surface on a later turn of the event loop; give them one. */
async function unhandledRejections(): Promise<unknown[]> {
  await sleep(100);
  return unhandled;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Accepts connections and never answers: what a hung server or a half-open firewall looks like to gRPC. */
async function stuckServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe.each([
  ['a closed port', (port: number) => `esdb://127.0.0.1:${port}?tls=false`],
  [
    'a discovery that finds no node',
    (port: number) => `esdb+discover://127.0.0.1:${port}?tls=false&maxDiscoverAttempts=1&discoveryInterval=10&gossipTimeout=200`,
  ],
])('EventStoreDbEventStore (real client 6.2.1) against %s', (_endpoint, url) => {
  let store: EventStoreDbEventStore;

  beforeEach(async () => {
    store = EventStoreDbEventStore.connect(url(await closedPort()), { readDeadlineMs: 10_000 });
  });

  it('ends the subscription with the connection error; stop() and close() resolve; nothing is left unhandled', async () => {
    const subscription = store.subscribeAll(() => undefined);

    const error = await subscription.ended;

    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toMatch(/UNAVAILABLE|ECONNREFUSED|discover/i);
    await expect(subscription.stop()).resolves.toBeUndefined();
    await expect(store.close()).resolves.toBeUndefined();
    expect(await unhandledRejections()).toEqual([]);
  });

  it('stops a subscription before its connection failed, and closes, without an unhandled rejection', async () => {
    const subscriptions: Subscription[] = [store.subscribeAll(() => undefined), store.subscribeAll(() => undefined)];

    const stopped = subscriptions[0].stop();
    const closed = store.close(); // stops the other one
    await expect(stopped).resolves.toBeUndefined();
    await expect(closed).resolves.toBeUndefined();

    expect(await subscriptions[0].ended).toBeUndefined();
    expect(await subscriptions[1].ended).toBeUndefined();
    expect(await unhandledRejections()).toEqual([]);
  });

  it('fails reads of $all, of a stream and of the head, and /health answers 503', async () => {
    await expect(store.readAll()).rejects.toThrow(/UNAVAILABLE|ECONNREFUSED|discover/i);
    await expect(store.readStream('reservation-1')).rejects.toThrow(/UNAVAILABLE|ECONNREFUSED|discover/i);
    await expect(store.headPosition()).rejects.toThrow(/UNAVAILABLE|ECONNREFUSED|discover/i);
    expect(await healthOf(store)).toMatchObject({ status: 503, body: { status: 'not_ready', eventStore: { error: expect.any(String) } } });

    await store.close();
    expect(await unhandledRejections()).toEqual([]);
  });
});

describe('EventStoreDbEventStore (real client 6.2.1) against a server that accepts and never answers', () => {
  it(`gives every read a deadline: the head, $all and a stream fail after ${DEADLINE_MS} ms and /health answers 503`, async () => {
    const server = await stuckServer();
    const store = EventStoreDbEventStore.connect(`esdb://127.0.0.1:${server.port}?tls=false`, { readDeadlineMs: DEADLINE_MS });
    const subscription = store.subscribeAll(() => undefined);

    await expect(store.headPosition()).rejects.toThrow(EventStoreDbDeadlineExceeded);
    await expect(store.readAll()).rejects.toThrow(`EventStoreDB did not answer a read of $all within ${DEADLINE_MS} ms`);
    await expect(store.readStream('reservation-1')).rejects.toThrow(/a read of reservation-1 within/);
    expect(await healthOf(store)).toMatchObject({ status: 503, body: { status: 'not_ready' } });

    await expect(subscription.stop()).resolves.toBeUndefined();
    await store.close();
    await server.close();
    expect(await unhandledRejections()).toEqual([]);
  });
});
