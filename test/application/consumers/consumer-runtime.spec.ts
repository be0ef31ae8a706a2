import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectorConsumer } from '../../../src/application/consumers/consumer';
import { ConsumerRuntime, ReadModelUnavailable } from '../../../src/application/consumers/consumer-runtime';
import type { EventStore, StoredEvent, Subscription } from '../../../src/application/ports/event-store';
import type { ReadStore, ReadTransaction } from '../../../src/application/ports/read-store';
import { SqliteEventStore } from '../../../src/infrastructure/event-store/sqlite/sqlite-event-store';
import { SqliteReadStore } from '../../../src/infrastructure/read-store/sqlite/sqlite-read-store';
import { rejection, waitFor } from '../../contracts/event-store.fixtures';
import { appendCounted, Counted, CountingProjector } from './fixtures/counting-projector';

const clock = { now: () => new Date() };
const directory = mkdtempSync(join(tmpdir(), 'madoguchi-consumers-'));
let files = 0;
const file = (name: string) => join(directory, `${name}-${(files += 1)}.sqlite`);
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Every counted document: each event must be there exactly once. */
async function counted(read: ReadStore, collection: string): Promise<Counted[]> {
  const all: Counted[] = [];
  let after: string | undefined;
  do {
    const found: { items: Counted[]; next?: string } = await read.find<Counted>(collection, { limit: 1000, after });
    all.push(...found.items);
    after = found.next;
  } while (after);
  return all;
}

/** An event store whose live subscriptions can be dropped, like a lost connection to EventStoreDB. */
class DroppingStore implements EventStore {
  subscriptions = 0;
  private drops: Array<() => void> = [];
  constructor(private readonly inner: EventStore) {}
  append: EventStore['append'] = (...args) => this.inner.append(...args);
  readStream: EventStore['readStream'] = (...args) => this.inner.readStream(...args);
  readAll: EventStore['readAll'] = (...args) => this.inner.readAll(...args);
  headPosition: EventStore['headPosition'] = () => this.inner.headPosition();
  close: EventStore['close'] = () => this.inner.close();
  subscribeAll(handler: (event: StoredEvent) => Promise<void> | void, options?: { after?: bigint }): Subscription {
    this.subscriptions += 1;
    const inner = this.inner.subscribeAll(handler, options);
    let drop!: () => void;
    const dropped = new Promise<Error>((resolve) => (drop = () => void inner.stop().then(() => resolve(new Error('connection lost')))));
    this.drops.push(drop);
    return { stop: () => inner.stop(), ended: Promise.race([inner.ended, dropped]) };
  }
  dropAll(): void {
    this.drops.splice(0).forEach((drop) => drop());
  }
}

describe('ConsumerRuntime', () => {
  let events: SqliteEventStore;
  let read: SqliteReadStore;
  let runtime: ConsumerRuntime | undefined;

  beforeEach(() => {
    events = SqliteEventStore.open(':memory:');
    read = SqliteReadStore.open(':memory:');
  });

  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await read.close();
    await events.close();
  });

  const run = async (store: EventStore, projectors: CountingProjector[], batchSize = 10) => {
    runtime = new ConsumerRuntime(
      store,
      projectors.map((p) => new ProjectorConsumer(p, read)),
      clock,
      { batchSize, backoffMs: 5, maxBackoffMs: 20 },
    );
    await runtime.start();
    return runtime;
  };

  it('catches up in batches, then applies live appends, each event exactly once, skipping types it does not handle', async () => {
    await appendCounted(events, 0, 25);
    await appendCounted(events, 1000, 5, 'Noise');
    const started = await run(events, [new CountingProjector('counter', 'counted_a')]);
    await started.caughtUp('counter');

    const live = await appendCounted(events, 25, 3);
    await started.caughtUp('counter');

    const docs = await counted(read, 'counted_a');
    expect(docs).toHaveLength(28);
    expect(docs.every((d) => d.applied === 1)).toBe(true);
    expect(await read.checkpoint('counter')).toBe(live[2].position);
    expect(started.status()[0]).toMatchObject({ name: 'counter', state: 'live', caughtUp: true, position: live[2].position });
  });

  it('resumes from its checkpoint after a restart: events before it are not applied again', async () => {
    const first = await appendCounted(events, 0, 12);
    const seen: bigint[] = [];
    await (await run(events, [new CountingProjector('counter', 'counted_b')])).caughtUp('counter');
    await runtime!.stop();

    const later = await appendCounted(events, 12, 4);
    runtime = new ConsumerRuntime(
      events,
      [new ProjectorConsumer(new CountingProjector('counter', 'counted_b', (e) => void seen.push(e.position)), read)],
      clock,
    );
    await runtime.start();
    expect(runtime.status()[0].position).toBe(first[11].position);
    await runtime.caughtUp('counter');

    expect(seen).toEqual(later.map((e) => e.position));
    expect((await counted(read, 'counted_b')).every((d) => d.applied === 1)).toBe(true);
  });

  it('lets events it does not handle pass without a transaction each, storing its checkpoint past them every batch and on stop', async () => {
    const transactions: string[] = [];
    const counting = new Proxy(read, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property, target);
        if (property === 'transaction')
          return (consumer: string, ...rest: unknown[]) => (transactions.push(consumer), read.transaction(consumer, ...(rest as [never])));
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    runtime = new ConsumerRuntime(events, [new ProjectorConsumer(new CountingProjector('counter', 'counted_j'), counting)], clock, { batchSize: 10 });
    await runtime.start();
    await waitFor(() => runtime!.status()[0].state === 'live', 'the consumer live');

    let last!: StoredEvent;
    for (let n = 0; n < 25; n++) [last] = await appendCounted(events, n, 1, 'Noise');
    await waitFor(() => runtime!.status()[0].position === last.position, 'the consumer past the last event');
    await runtime.caughtUp('counter');
    expect(transactions.length).toBeLessThanOrEqual(2);

    await runtime.stop();
    expect(await read.checkpoint('counter')).toBe(last.position);
    expect(await counted(read, 'counted_j')).toEqual([]);
  });

  it('neither loses nor doubles an event when the transaction fails between the read-model write and the checkpoint', async () => {
    await appendCounted(events, 0, 30);
    let failures = 0;
    const transaction = <T>(consumer: string, work: (tx: ReadTransaction) => Promise<T>, generation?: number) =>
      read.transaction(
        consumer,
        (tx) =>
          work({
            ...tx,
            setCheckpoint: async (position: bigint) => {
              if (failures < 2 && position >= 15n) {
                failures += 1;
                throw new Error('disk full while writing the checkpoint');
              }
              await tx.setCheckpoint(position);
            },
          }),
        generation,
      );
    const failingOnce = new Proxy(read, {
      get: (target, property) => {
        if (property === 'transaction') return transaction;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    runtime = new ConsumerRuntime(events, [new ProjectorConsumer(new CountingProjector('counter', 'counted_c'), failingOnce)], clock, {
      batchSize: 10,
      backoffMs: 5,
    });
    await runtime.start();
    await runtime.caughtUp('counter');

    const docs = await counted(read, 'counted_c');
    expect(failures).toBe(2);
    expect(docs).toHaveLength(30);
    expect(docs.filter((d) => d.applied !== 1)).toEqual([]);
  });

  it('neither loses nor doubles an event when the process is killed between the read-model write and the checkpoint', async () => {
    const eventsFile = file('events');
    const readFile = file('read');
    const store = SqliteEventStore.open(eventsFile);
    const appended = await appendCounted(store, 0, 40);
    await store.close();
    const child = (killAt?: bigint) => {
      const process = fork(join(__dirname, 'fixtures', 'runtime-child.js'), [], { serialization: 'advanced', execArgv: [] });
      process.send({ eventsFile, readFile, collection: 'counted_kill', killAt });
      return process;
    };

    const killed = child(appended[23].position);
    const [, signal] = (await once(killed, 'exit')) as [number | null, string | null];
    expect(signal).toBe('SIGKILL');

    const afterKill = SqliteReadStore.open(readFile);
    await afterKill.register('counter', [{ name: 'counted_kill' }]);
    const checkpoint = await afterKill.checkpoint('counter');
    const partial = await counted(afterKill, 'counted_kill');
    await afterKill.close();
    // Batches of 7: the batch holding event 23 (positions 22–28) was rolled back with its checkpoint.
    expect(checkpoint).toBe(appended[20].position);
    expect(partial.map((d) => d.position)).toEqual(appended.slice(0, 21).map((e) => String(e.position)));

    const resumed = child();
    const [message] = (await once(resumed, 'message')) as [{ done: bigint }];
    await once(resumed, 'exit');
    expect(message.done).toBe(appended[39].position);
    const final = SqliteReadStore.open(readFile);
    await final.register('counter', [{ name: 'counted_kill' }]);
    const docs = await counted(final, 'counted_kill');
    await final.close();
    expect(docs).toHaveLength(40);
    expect(docs.filter((d) => d.applied !== 1)).toEqual([]);
  });

  it('resubscribes after a dropped subscription and catches up with what was appended meanwhile', async () => {
    const dropping = new DroppingStore(events);
    await appendCounted(events, 0, 5);
    const started = await run(dropping, [new CountingProjector('counter', 'counted_d')]);
    await started.caughtUp('counter');
    await waitFor(() => dropping.subscriptions === 1, 'the live subscription');

    dropping.dropAll();
    await appendCounted(events, 5, 8);
    await waitFor(() => dropping.subscriptions >= 2, 'a new subscription');
    await started.caughtUp('counter');
    await appendCounted(events, 13, 2);
    await started.caughtUp('counter');

    const docs = await counted(read, 'counted_d');
    expect(docs).toHaveLength(15);
    expect(docs.every((d) => d.applied === 1)).toBe(true);
    expect(started.status()[0].state).toBe('live');
  });

  it('stops only the consumer that meets a poison event, at its position, after applying the events before it', async () => {
    const before = await appendCounted(events, 0, 6);
    const poison = (await appendCounted(events, 6, 1))[0];
    await appendCounted(events, 7, 5);
    const started = await run(events, [
      new CountingProjector('poisoned', 'counted_e', (e) => {
        if (e.position === poison.position) throw new Error('cannot apply');
      }),
      new CountingProjector('healthy', 'counted_f'),
    ]);

    await waitFor(() => started.status().find((s) => s.name === 'poisoned')?.state === 'stopped', 'the poisoned consumer to stop');
    await started.caughtUp('healthy');

    const poisoned = started.status().find((s) => s.name === 'poisoned')!;
    expect(poisoned.error).toMatchObject({ position: poison.position });
    expect(poisoned.position).toBe(before[5].position);
    expect(await counted(read, 'counted_e')).toHaveLength(6);
    expect(await counted(read, 'counted_f')).toHaveLength(12);
    expect(started.ready()).toBe(false);
    expect(await rejection(started.caughtUp('poisoned'))).toBeInstanceOf(ReadModelUnavailable);
  });

  it('is not ready while a consumer catches up to the head seen at start, and ready after', async () => {
    await appendCounted(events, 0, 20);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const blocked = new Promise<void>((resolve) => (reached = resolve));
    const started = await run(events, [
      new CountingProjector('slow', 'counted_g', async (e) => {
        if (e.data.n !== 15) return;
        reached();
        await gate;
      }),
    ]);
    await blocked;

    expect(started.ready()).toBe(false);
    expect(started.status()[0]).toMatchObject({ caughtUp: false, state: 'catching-up', position: expect.any(BigInt) });

    release();
    await started.caughtUp('slow');
    expect(started.ready()).toBe(true);
  });

  it('answers a read of a consumer at once when everything appended since its checkpoint is of types it does not handle', async () => {
    class OtherProjector extends CountingProjector {
      override readonly handles = ['Other'];
    }
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const blocked = new Promise<void>((resolve) => (reached = resolve));
    const started = await run(events, [
      new CountingProjector('busy', 'counted_h', async () => {
        reached();
        await gate;
      }),
      new OtherProjector('quiet', 'counted_i'),
    ]);
    await waitFor(() => started.status().every((s) => s.state === 'live'), 'both consumers live');
    const [appended] = await appendCounted(events, 0, 1);
    // The busy consumer holds the read store's one connection: the quiet one could not commit anything now.
    await blocked;

    await started.caughtUp('quiet');
    expect(started.status().find((s) => s.name === 'quiet')?.position).toBe(appended.position);

    release();
    await started.caughtUp('busy');
    expect(await counted(read, 'counted_h')).toHaveLength(1);
  });
});
