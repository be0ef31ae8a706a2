import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '../../../src/application/ports/event-store';
import { ChainedEventStore } from '../../../src/infrastructure/event-store/chain/chained-event-store';
import { verifyChain, verifyTail } from '../../../src/infrastructure/event-store/chain/chain-verifier';
import { canonicalJson, chained, GENESIS, linkOf } from '../../../src/infrastructure/event-store/chain/hash-chain';
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

  it('hashes JSON: what JSON.stringify writes for the value with its keys sorted, escapes included', () => {
    const strings = [
      '',
      'plain',
      '岡山 太郎',
      'quote " and \\ backslash',
      'tab\tnew\nline\u0000\u001f\u007f',
      '\u2028\u2029',
      '😀',
      '\ud800 lone',
      'lone \udfff',
    ];
    const value = { z: strings, a: { y: 1.5, x: [null, true, -0, 1e21], [strings[3]]: strings[4] }, '😀': 'emoji key', u: undefined };
    const sorted = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sorted)
        : typeof v === 'object' && v !== null
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
            )
          : v;

    expect(canonicalJson(value)).toBe(JSON.stringify(sorted(value)));
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it('stays the hash earlier releases stored: a chain written before stays intact', () => {
    const event: NewEvent = {
      eventId: '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
      type: 'CheckedIn',
      schemaVersion: 1,
      data: {
        jobSeekerId: 'js-1',
        checkedInAt: '2025-04-01T01:00:00.000Z',
        device: { pseudonym: 'dev-5f3a', identifier: 'enc:v1:AAAA' },
        tags: ['b', 'a', null, 3, true, { z: 1, y: '名前\n"q"' }],
        skipped: undefined,
      },
      metadata: {
        recordedAt: '2025-04-01T01:00:00.000Z',
        actor: 'staff:ito',
        commandId: 'c-1',
        correlationId: 'c-1',
        causationId: 'c-0',
        personalData: { subject: 'js-1', encrypted: ['device.identifier'] },
        chain: { prev: 'x', hash: 'y' },
      },
    };

    // Computed by the release that first stored chains (before issue 18); a change here breaks every stored chain.
    expect(chained('jobseeker-js-1', 4n, 'ab'.repeat(32), [event]).last).toBe('77fb005955d75fbb64954194645f7fc4278df3ad0ed4200ef9345bba1da831d1');
    expect(chained('s', -1n, GENESIS, [event]).last).toBe('e7554308c99e8e28b8b12791c5c72b15c78ff480d650060761f143e315d7783d');
  });
});
