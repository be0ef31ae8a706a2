import { ProjectorConsumer } from '../../../src/application/consumers/consumer';
import { ConsumerRuntime } from '../../../src/application/consumers/consumer-runtime';
import { rebuild } from '../../../src/application/consumers/rebuild';
import { SqliteEventStore } from '../../../src/infrastructure/event-store/sqlite/sqlite-event-store';
import { SqliteReadStore } from '../../../src/infrastructure/read-store/sqlite/sqlite-read-store';
import type { ReadStore } from '../../../src/application/ports/read-store';
import { appendCounted, Counted, CountingProjector } from './fixtures/counting-projector';

const clock = { now: () => new Date() };

async function all(read: ReadStore, collection: string): Promise<Counted[]> {
  const docs: Counted[] = [];
  let after: string | undefined;
  do {
    const found: { items: Counted[]; next?: string } = await read.find<Counted>(collection, { limit: 1000, after });
    docs.push(...found.items);
    after = found.next;
  } while (after);
  return docs;
}

describe('rebuild: a fresh copy while the service answers from the old one, then the switch-over', () => {
  let events: SqliteEventStore;
  let read: SqliteReadStore;
  let runtime: ConsumerRuntime;

  beforeEach(async () => {
    events = SqliteEventStore.open(':memory:');
    read = SqliteReadStore.open(':memory:');
    runtime = new ConsumerRuntime(events, [new ProjectorConsumer(new CountingProjector('counter', 'rebuilt'), read)], clock);
    await runtime.start();
  });

  afterEach(async () => {
    await runtime.stop();
    await read.close();
    await events.close();
  });

  it('replays every event once into the new copy, keeps answering from the old one meanwhile, and the live consumer goes on in the new one', async () => {
    await appendCounted(events, 0, 120);
    await runtime.caughtUp('counter');
    // The old copy has a defect the rebuild must repair: a document the projector would never write.
    await read.transaction('counter', (tx) => tx.put('rebuilt', { id: 'defect', applied: 99, position: '0' }));

    const progress: number[] = [];
    let during: Promise<number> | undefined;
    // The rebuild's next read waits for that command's append to commit (the group-commit event store
    // acknowledges appends later than a read may run): what is appended meanwhile is then in the log it reads.
    const paced = new Proxy(events, {
      get: (target, property, receiver) =>
        property === 'readAll'
          ? async (...args: Parameters<typeof events.readAll>) => {
              await during;
              return target.readAll(...args);
            }
          : (Reflect.get(target, property, receiver) as unknown),
    });
    const [result] = await rebuild(paced, read, [new CountingProjector('counter', 'rebuilt')], {
      batchSize: 25,
      onProgress: (p) => {
        progress.push(p.applied.counter);
        // Between two batches: the service answers a query, and takes commands.
        during ??= read.count('rebuilt').then(async (count) => (await appendCounted(events, 120, 5), count));
      },
    });
    const seenDuring = [await during];

    expect(seenDuring).toEqual([121]); // answered from the old copy, defect included
    expect(result.generation).toBe(2);
    expect(await read.activeGeneration('counter')).toBe(2);
    expect(progress.at(-1)).toBe(125);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    await appendCounted(events, 125, 3);
    await runtime.caughtUp('counter');
    const docs = await all(read, 'rebuilt');
    expect(docs).toHaveLength(128);
    expect(docs.filter((d) => d.applied !== 1)).toEqual([]);
    expect(await read.get('rebuilt', 'defect')).toBeUndefined();
  });

  it('rebuilds several read models from one read of the log, reading only the event types they handle', async () => {
    class OtherProjector extends CountingProjector {
      override readonly handles = ['Other'];
    }
    await appendCounted(events, 0, 30);
    await appendCounted(events, 1000, 40, 'Noise');
    await appendCounted(events, 2000, 20, 'Other');
    const reads: Array<{ types?: readonly string[]; got: string[] }> = [];
    const counting = new Proxy(events, {
      get: (target, property, receiver) =>
        property === 'readAll'
          ? async (...args: Parameters<typeof events.readAll>) => {
              const got = await target.readAll(...args);
              reads.push({ types: args[0]?.types, got: [...new Set(got.map((e) => e.type))] });
              return got;
            }
          : (Reflect.get(target, property, receiver) as unknown),
    });

    const rebuilt = await rebuild(counting, read, [new CountingProjector('counter', 'rebuilt'), new OtherProjector('other', 'others')], {
      batchSize: 10,
    });

    expect(rebuilt.map((r) => [r.projector, r.events])).toEqual([
      ['counter', 30],
      ['other', 20],
    ]);
    expect(await all(read, 'rebuilt')).toHaveLength(30);
    expect(await all(read, 'others')).toHaveLength(20);
    expect(reads.every((r) => r.types !== undefined && !r.got.includes('Noise'))).toBe(true);
    // Five full pages of the two types together read once for both, then each read model's tail in its switch-over.
    expect(reads.filter((r) => r.types?.length === 2)).toHaveLength(6);
  });
});
