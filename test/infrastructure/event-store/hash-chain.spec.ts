import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '../../../src/application/ports/event-store';
import { ChainedEventStore } from '../../../src/infrastructure/event-store/chain/chained-event-store';
import { verifyChain, verifyTail } from '../../../src/infrastructure/event-store/chain/chain-verifier';
import { chained, GENESIS, linkOf } from '../../../src/infrastructure/event-store/chain/hash-chain';
import { EventStoreDbEventStore } from '../../../src/infrastructure/event-store/eventstoredb/eventstoredb-event-store';
import { SqliteEventStore } from '../../../src/infrastructure/event-store/sqlite/sqlite-event-store';
import { describeEventStoreContract } from '../../contracts/event-store.contract';
import { newEvent, newStreamId } from '../../contracts/event-store.fixtures';
import { FakeEventStoreDbClient } from './fakes/fake-eventstoredb-client';

describeEventStoreContract('ChainedEventStore over SqliteEventStore', async () => {
  const store = new ChainedEventStore(new SqliteEventStore({ filename: ':memory:', pollIntervalMs: 20 }));
  return { store, cleanup: () => store.close() };
});

describeEventStoreContract('ChainedEventStore over the EventStoreDB adapter (in-memory fake of the client)', async () => {
  const store = new ChainedEventStore(new EventStoreDbEventStore(new FakeEventStoreDbClient({ systemEventEvery: 3 })));
  return { store, cleanup: () => store.close() };
});

const stores: Array<[string, () => EventStore]> = [
  ['SQLite', () => new SqliteEventStore({ filename: ':memory:' })],
  ['EventStoreDB (fake client)', () => new EventStoreDbEventStore(new FakeEventStoreDbClient({ systemEventEvery: 3 }))],
];

describe.each(stores)('the hash chain on %s, checked through the port', (_name, open) => {
  let inner: EventStore;
  let store: ChainedEventStore;
  beforeEach(() => {
    inner = open();
    store = new ChainedEventStore(inner);
  });
  afterEach(() => store.close());

  it('links every event to its stream predecessor, at exact revisions and under any (batched), and verifies intact', async () => {
    const reservation = newStreamId();
    await store.append(reservation, [newEvent(), newEvent()], 'no_stream');
    await store.append(reservation, [newEvent()], 1n);
    const log = newStreamId();
    // Concurrent appends under 'any' to one stream: each gets its own result, all are linked in one order.
    const results = await Promise.all(Array.from({ length: 25 }, () => store.append(log, [newEvent()], 'any')));
    expect(new Set(results.map((r) => r.nextExpectedRevision)).size).toBe(25);
    const events = await inner.readStream(reservation);
    expect(linkOf((await store.readStream(reservation))[0])).toBeUndefined(); // the application reads events as appended
    expect(linkOf(events[0])?.prev).toBe(GENESIS);
    expect(linkOf(events[1])?.prev).toBe(linkOf(events[0])?.hash);
    expect(linkOf(events[2])?.prev).toBe(linkOf(events[1])?.hash);
    const report = await verifyChain(inner);
    expect(report).toMatchObject({ checked: 28, unlinked: 0, streams: 2 });
    expect(report.broken).toBeUndefined();
    expect((await verifyTail(inner, 10)).broken).toBeUndefined();
  });

  it('names an event appended around the chain with a forged link (prev), or with none after linked ones (unlinked)', async () => {
    const streamId = newStreamId();
    await store.append(streamId, [newEvent(), newEvent()], 'no_stream');
    // Written by something that does not know the predecessor: a link from nowhere.
    const forged = chained(streamId, 1n, 'f'.repeat(64), [newEvent()]).events;
    await inner.append(streamId, forged, 1n);
    expect((await verifyChain(inner)).broken).toMatchObject({
      kind: 'prev',
      streamId,
      revision: '2',
      expected: expect.any(String),
      found: 'f'.repeat(64),
    });

    const other = newStreamId();
    await store.append(other, [newEvent()], 'no_stream');
    await inner.append(other, [newEvent()], 0n);
    const walker = await verifyTail(inner, 1);
    expect(walker.broken).toMatchObject({ kind: 'unlinked', streamId: other, revision: '1' });
  });

  it('accepts events written before the chain existed at the start of a stream, and links what follows', async () => {
    const streamId = newStreamId();
    await inner.append(streamId, [newEvent(), newEvent()], 'no_stream');
    await store.append(streamId, [newEvent()], 1n);
    expect(await verifyChain(inner)).toMatchObject({ checked: 3, unlinked: 2 });
    expect((await verifyChain(inner)).broken).toBeUndefined();
  });
});

describe('the hash chain covers the stored bytes', () => {
  it('changes with any stored field: data, metadata, type, id, stream, revision, schema version', () => {
    const event: NewEvent = newEvent();
    const base = chained('s', -1n, GENESIS, [event]).last;
    const variants: NewEvent[] = [
      { ...event, data: { ...event.data, extra: 1 } },
      { ...event, metadata: { ...event.metadata, actor: 'staff:other' } },
      { ...event, type: 'Other' },
      { ...event, eventId: randomUUID() },
      { ...event, schemaVersion: 2 },
    ];
    for (const variant of variants) expect(chained('s', -1n, GENESIS, [variant]).last).not.toBe(base);
    expect(chained('t', -1n, GENESIS, [event]).last).not.toBe(base);
    expect(chained('s', 0n, GENESIS, [event]).last).not.toBe(base);
    // Key order does not matter: the hash is over canonical JSON.
    const reordered = { ...event, data: Object.fromEntries(Object.entries(event.data).reverse()) };
    expect(chained('s', -1n, GENESIS, [reordered]).last).toBe(base);
  });
});
