import { ANY, binaryEvent, jsonEvent, NO_STREAM, STREAM_EXISTS, type AllStreamRecordedEvent } from '@eventstore/db-client';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  EVENT_ID_KEY,
  EventStoreDbEventStore,
  globalPosition,
  isSystemEvent,
  SCHEMA_VERSION_KEY,
  StreamTombstoned,
  toClientEventId,
  toClientExpectedRevision,
  toEventData,
  toPortActualRevision,
  toStoredEvent,
} from '../../../src/infrastructure/event-store/eventstoredb/eventstoredb-event-store';
import { describeEventStoreContract } from '../../contracts/event-store.contract';
import { newEvent, newStreamId, Recorder, times } from '../../contracts/event-store.fixtures';
import { FakeEventStoreDbClient, type FakeOptions } from './fakes/fake-eventstoredb-client';

const serverUrl = process.env.EVENTSTORE_URL;

if (serverUrl) {
  describeEventStoreContract(`EventStoreDbEventStore on ${serverUrl}`, async () => {
    const store = EventStoreDbEventStore.connect(serverUrl);
    return { store, cleanup: () => store.close() };
  });
} else {
  describe('EventStoreDB adapter contract', () => {
    it('is not run: EVENTSTORE_URL is not set (no EventStoreDB server can run on this machine)', () => {
      console.warn(
        'EventStoreDB adapter contract NOT RUN against a server: EVENTSTORE_URL is not set. ' +
          'Set it (e.g. EVENTSTORE_URL=esdb://localhost:2113?tls=false) to run the contract on a real EventStoreDB.',
      );
    });
  });
}

describeEventStoreContract('EventStoreDbEventStore on an in-memory fake of the client (not a server)', async () => {
  const store = new EventStoreDbEventStore(new FakeEventStoreDbClient({ systemEventEvery: 3 }));
  return { store, cleanup: () => store.close() };
});

describe('EventStoreDbEventStore mapping', () => {
  it('maps every expected revision to the client’s', () => {
    expect(toClientExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toClientExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
    expect(toClientExpectedRevision('any')).toBe(ANY);
    expect(toClientExpectedRevision(0n)).toBe(0n);
    expect(toClientExpectedRevision(41n)).toBe(41n);
  });

  it('maps the actual revision of a rejected append back', () => {
    expect(toPortActualRevision(NO_STREAM)).toBe('no_stream');
    expect(toPortActualRevision(7n)).toBe(7n);
  });

  it('keeps UUID event ids and derives stable UUIDs from any other id', () => {
    const uuid = '0b8f3c1e-5a7d-4e2b-9c61-3f2a8d4e7b10';
    const derived = toClientEventId('command-42/0');

    expect(toClientEventId(uuid)).toBe(uuid);
    expect(derived).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(toClientEventId('command-42/0')).toBe(derived);
    expect(toClientEventId('command-42/1')).not.toBe(derived);
    expect(toClientEventId(uuid.toUpperCase())).not.toBe(uuid);
  });

  it('stores the schema version and the port’s event id in metadata, and restores both on read', () => {
    const event = newEvent({ eventId: 'command-42/0', schemaVersion: 3 });

    const data = toEventData(event);

    expect(data).toMatchObject({
      id: toClientEventId('command-42/0'),
      contentType: 'application/json',
      type: event.type,
      data: event.data,
      metadata: { ...event.metadata, [SCHEMA_VERSION_KEY]: 3, [EVENT_ID_KEY]: 'command-42/0' },
    });
    expect(toStoredEvent(recorded(data), 4096n)).toEqual({
      ...event,
      streamId: 'stream-1',
      revision: 5n,
      position: 4096n,
    });
  });

  it('refuses events it did not write', () => {
    const foreign = jsonEvent({ type: 'Foreign', data: { a: 1 }, metadata: { actor: 'x' } });
    const binary = { ...recorded(toEventData(newEvent())), isJson: false as const, data: new Uint8Array([1]) };

    expect(() => toStoredEvent(recorded(foreign), 1n)).toThrow(/not written by this adapter/);
    expect(() => toStoredEvent(binary, 1n)).toThrow(/not written by this adapter/);
  });

  it('takes the commit position as the global position, and refuses explicit-transaction positions', () => {
    const event = recorded(toEventData(newEvent()));

    expect(globalPosition({ ...event, position: { commit: 4096n, prepare: 4096n } })).toBe(4096n);
    expect(() => globalPosition({ ...event, position: { commit: 4096n, prepare: 4000n } })).toThrow(/explicit transaction/);
  });

  it('recognises system events by type or stream', () => {
    const event = recorded(toEventData(newEvent()));

    expect(isSystemEvent(event)).toBe(false);
    expect(isSystemEvent({ ...event, type: '$statistics-collected' })).toBe(true);
    expect(isSystemEvent({ ...event, streamId: '$stats-127.0.0.1:2113' })).toBe(true);
  });

  /** What the client returns when it reads back an event appended as `data`. */
  function recorded(data: ReturnType<typeof toEventData>): AllStreamRecordedEvent {
    if (data.contentType !== 'application/json') throw new Error('JSON events only');
    return {
      streamId: 'stream-1',
      id: data.id,
      isJson: true,
      revision: 5n,
      type: data.type,
      created: new Date(),
      data: data.data,
      metadata: data.metadata,
      position: { commit: 4096n, prepare: 4096n },
    };
  }
});

describe('EventStoreDbEventStore on the fake client', () => {
  function storeOn(options: FakeOptions = {}): { store: EventStoreDbEventStore; client: FakeEventStoreDbClient } {
    const client = new FakeEventStoreDbClient(options);
    return { store: new EventStoreDbEventStore(client), client };
  }

  it('appends events whose ids are not UUIDs under derived ids and reads them back as given', async () => {
    const { store, client } = storeOn();
    const streamId = newStreamId();
    const event = newEvent({ eventId: 'command-42/0' });

    const original = await store.append(streamId, [event], 'no_stream');

    expect(client.log.at(-1)?.id).toBe(toClientEventId('command-42/0'));
    expect((await store.readStream(streamId))[0].eventId).toBe('command-42/0');
    expect(await store.append(streamId, [event], 5n)).toEqual(original);
  });

  it('finds the original result of a retry the server recognised without reporting a position', async () => {
    const { store } = storeOn({ positionsOnRecognisedRetries: false });
    const streamId = newStreamId();
    const events = [newEvent(), newEvent()];
    const original = await store.append(streamId, events, 'no_stream');

    expect(await store.append(streamId, events, 'no_stream')).toEqual(original);
    expect(await store.append(streamId, events, 'any')).toEqual(original);
  });

  it('pages through $all, skipping system events', async () => {
    const { store } = storeOn({ systemEventEvery: 1 });
    const streamId = newStreamId();
    for (let revision = 0n; revision < 1200n; revision += 1n) {
      await store.append(streamId, [newEvent()], revision === 0n ? 'no_stream' : revision - 1n);
    }

    const events = await store.readAll({ limit: 1100 });

    expect(events.map((event) => event.revision)).toEqual(times(1100, (revision) => BigInt(revision)));
    expect(await store.readAll({ after: events[1099].position, limit: 500 })).toHaveLength(100);
    expect(await store.headPosition()).toBe((await store.readStream(streamId, 1199n))[0].position);
  });

  it('reports an empty store when only system events exist', async () => {
    const { store } = storeOn();

    expect(await store.headPosition()).toBe(-1n);
    expect(await store.readAll()).toEqual([]);
  });

  it('says why when the server gives no positions on stream reads', async () => {
    const { store } = storeOn({ positionsOnStreamReads: false });
    const streamId = newStreamId();
    await store.append(streamId, [newEvent()], 'no_stream');

    await expect(store.readStream(streamId)).rejects.toThrow(/22\.6 or later/);
  });

  it('reads a stream deleted for good (tombstoned) as empty, and refuses appends to it by name', async () => {
    const { store, client } = storeOn();
    const streamId = newStreamId();
    await store.append(streamId, [newEvent()], 'no_stream');

    client.tombstone(streamId);

    expect(await store.readStream(streamId)).toEqual([]);
    await expect(store.append(streamId, [newEvent()], 'no_stream')).rejects.toThrow(StreamTombstoned);
    await expect(store.append(streamId, [newEvent()], 0n)).rejects.toThrow(`Stream ${streamId} was deleted for good (tombstoned)`);
    expect((await store.readAll()).map((event) => event.streamId)).toEqual([streamId]);
  });

  it('skips and counts events it did not write ($all, the head, subscriptions), instead of failing on them', async () => {
    const { store, client } = storeOn();
    const ours = newStreamId();
    const recorder = new Recorder([ours]);
    const subscription = store.subscribeAll(recorder.handler);
    await store.append(ours, [newEvent()], 'no_stream');
    await client.appendToStream('other-program-1', jsonEvent({ type: 'OrderPlaced', data: { total: 1 }, metadata: { by: 'erp' } }));
    await client.appendToStream('other-program-2', binaryEvent({ type: 'Blob', data: new Uint8Array([1, 2, 3]) }));
    const last = await store.append(ours, [newEvent()], 0n);
    await client.appendToStream('other-program-1', jsonEvent({ type: 'OrderShipped', data: { total: 1 } }));

    const read = await store.readAll();
    await recorder.until(2);

    expect(read.map((event) => [event.streamId, event.revision])).toEqual([
      [ours, 0n],
      [ours, 1n],
    ]);
    expect(await store.headPosition()).toBe(last.position);
    expect(recorder.events.map((event) => event.revision)).toEqual([0n, 1n]);
    expect(store.foreignEventsSkipped).toBe(3);
    await subscription.stop();
    expect(await subscription.ended).toBeUndefined();
    await store.close();
  });

  it('still fails a read of one of its own streams that holds an event it did not write', async () => {
    const { store, client } = storeOn();
    const streamId = newStreamId();
    await store.append(streamId, [newEvent()], 'no_stream');
    await client.appendToStream(streamId, jsonEvent({ type: 'Injected', data: {} }));

    await expect(store.readStream(streamId)).rejects.toThrow(/was not written by this adapter/);
  });

  it('ends a subscription with the error of a lost connection', async () => {
    const { store, client } = storeOn();
    const lost = new Error('14 UNAVAILABLE: Connection dropped');
    const subscription = store.subscribeAll(new Recorder([]).handler);
    await sleep(10);

    client.failSubscriptions(lost);

    expect(await subscription.ended).toBe(lost);
    await store.close();
  });

  it('disposes of the client on close, once', async () => {
    const { store, client } = storeOn();
    const dispose = jest.spyOn(client, 'dispose');

    await Promise.all([store.close(), store.close()]);

    expect(dispose).toHaveBeenCalledTimes(1);
  });
});
