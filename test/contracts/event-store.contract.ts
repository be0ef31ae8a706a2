/**
 * The behaviour every EventStore adapter must have. Each test uses streams of its own (random names) and only
 * looks at events of those streams, positions it obtained itself or the head it read at its start, so the suite
 * also runs against a shared EventStoreDB server that holds other tests' events.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type EventStore, type ExpectedRevision, WrongExpectedRevision } from '../../src/application/ports/event-store';
import {
  deferred,
  expectStrictlyIncreasing,
  newEvent,
  newMetadata,
  newStreamId,
  ownEvents,
  Recorder,
  rejection,
  times,
} from './event-store.fixtures';

export type EventStoreFactory = () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>;

export function describeEventStoreContract(name: string, factory: EventStoreFactory): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await factory());
    });

    afterEach(async () => {
      await cleanup();
    });

    describe('append', () => {
      it('creates a stream with no_stream, numbering revisions from 0', async () => {
        const streamId = newStreamId();
        const events = [newEvent(), newEvent(), newEvent()];

        const result = await store.append(streamId, events, 'no_stream');

        const stored = await store.readStream(streamId);
        expect(stored.map((event) => event.revision)).toEqual([0n, 1n, 2n]);
        expect(stored.map((event) => event.eventId)).toEqual(events.map((event) => event.eventId));
        expect(result).toEqual({ nextExpectedRevision: 2n, position: stored[2].position });
      });

      it('reports the revision and position of the last event of the append', async () => {
        const streamId = newStreamId();
        await store.append(streamId, [newEvent()], 'no_stream');

        const result = await store.append(streamId, [newEvent(), newEvent()], 0n);

        const stored = await store.readStream(streamId);
        expect(result).toEqual({ nextExpectedRevision: 2n, position: stored[2].position });
      });

      it('appends at the exact expected revision', async () => {
        const streamId = newStreamId();
        await store.append(streamId, [newEvent()], 'no_stream');
        await store.append(streamId, [newEvent()], 0n);
        await store.append(streamId, [newEvent()], 1n);

        expect((await store.readStream(streamId)).map((event) => event.revision)).toEqual([0n, 1n, 2n]);
      });

      it("appends with 'any' to a new and to an existing stream", async () => {
        const streamId = newStreamId();

        const first = await store.append(streamId, [newEvent()], 'any');
        const second = await store.append(streamId, [newEvent()], 'any');

        expect(first.nextExpectedRevision).toBe(0n);
        expect(second.nextExpectedRevision).toBe(1n);
        expect(second.position).toBeGreaterThan(first.position);
      });

      it("appends with 'stream_exists' to an existing stream", async () => {
        const streamId = newStreamId();
        await store.append(streamId, [newEvent()], 'no_stream');

        const result = await store.append(streamId, [newEvent()], 'stream_exists');

        expect(result.nextExpectedRevision).toBe(1n);
      });

      it('rejects an append that repeats an event id within itself', async () => {
        const streamId = newStreamId();
        const event = newEvent();

        await expect(store.append(streamId, [event, { ...event }], 'no_stream')).rejects.toThrow(/event id/);
        expect(await store.readStream(streamId)).toEqual([]);
      });
    });

    describe('expected revision mismatch', () => {
      const cases: { title: string; existing: number; expected: ExpectedRevision; actual: bigint | 'no_stream' }[] = [
        { title: 'no_stream on an existing stream', existing: 1, expected: 'no_stream', actual: 0n },
        { title: 'stream_exists on a missing stream', existing: 0, expected: 'stream_exists', actual: 'no_stream' },
        { title: 'a revision on a missing stream', existing: 0, expected: 0n, actual: 'no_stream' },
        { title: 'a stale revision', existing: 3, expected: 1n, actual: 2n },
        { title: 'a revision ahead of the stream', existing: 1, expected: 5n, actual: 0n },
      ];

      it.each(cases)('throws WrongExpectedRevision and writes nothing: $title', async ({ existing, expected, actual }) => {
        const streamId = newStreamId();
        if (existing > 0)
          await store.append(
            streamId,
            times(existing, () => newEvent()),
            'no_stream',
          );
        const before = await store.readStream(streamId);
        const head = await store.headPosition();

        const error = await rejection(store.append(streamId, [newEvent(), newEvent()], expected));

        expect(error).toBeInstanceOf(WrongExpectedRevision);
        expect(error).toMatchObject({ streamId, expected, actual });
        expect(await store.readStream(streamId)).toEqual(before);
        expect(await ownEvents(store, head, [streamId])).toEqual([]);
      });
    });

    describe('empty append', () => {
      it('writes nothing and reports -1 for a stream that does not exist', async () => {
        const streamId = newStreamId();

        expect(await store.append(streamId, [], 'no_stream')).toEqual({ nextExpectedRevision: -1n, position: -1n });
        expect(await store.append(streamId, [], 'any')).toEqual({ nextExpectedRevision: -1n, position: -1n });
        expect(await store.readStream(streamId)).toEqual([]);
      });

      it('writes nothing and reports where an existing stream ends', async () => {
        const streamId = newStreamId();
        const appended = await store.append(streamId, [newEvent(), newEvent()], 'no_stream');

        expect(await store.append(streamId, [], 1n)).toEqual(appended);
        expect(await store.append(streamId, [], 'stream_exists')).toEqual(appended);
        expect(await store.readStream(streamId)).toHaveLength(2);
      });

      it('still checks the expected revision', async () => {
        const streamId = newStreamId();
        await store.append(streamId, [newEvent()], 'no_stream');

        await expect(store.append(streamId, [], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevision);
        await expect(store.append(streamId, [], 5n)).rejects.toBeInstanceOf(WrongExpectedRevision);
        await expect(store.append(newStreamId(), [], 'stream_exists')).rejects.toBeInstanceOf(WrongExpectedRevision);
      });
    });

    describe('idempotency by event id', () => {
      it('returns the original result for a retry and writes nothing', async () => {
        const streamId = newStreamId();
        const events = [newEvent(), newEvent()];
        const original = await store.append(streamId, events, 'no_stream');
        const head = await store.headPosition();

        const retried = await store.append(streamId, events, 'no_stream');

        expect(retried).toEqual(original);
        expect(await store.readStream(streamId)).toHaveLength(2);
        expect(await ownEvents(store, head, [streamId])).toEqual([]);
      });

      it('returns the original result for an immediate retry after later appends, whatever the expected revision', async () => {
        const streamId = newStreamId();
        const events = [newEvent(), newEvent()];
        const original = await store.append(streamId, events, 'no_stream');
        await store.append(streamId, [newEvent()], 1n);
        await store.append(streamId, [newEvent()], 2n);

        for (const expected of ['no_stream', 'any', 'stream_exists', 0n, 1n, 99n] as const) {
          expect(await store.append(streamId, events, expected)).toEqual(original);
        }
        expect(await store.readStream(streamId)).toHaveLength(4);
      });

      it('rejects a retry that only partly repeats the original append, writing nothing', async () => {
        const streamId = newStreamId();
        const [first, second] = [newEvent(), newEvent()];
        await store.append(streamId, [first, second], 'no_stream');

        const changed = await rejection(store.append(streamId, [first, newEvent()], 'no_stream'));
        const extended = await rejection(store.append(streamId, [first, second, newEvent()], 'no_stream'));

        for (const error of [changed, extended]) {
          expect(error).toBeInstanceOf(Error);
          expect(error).not.toBeInstanceOf(WrongExpectedRevision);
          expect((error as Error).message).toMatch(/already stored/);
        }
        expect(await store.readStream(streamId)).toHaveLength(2);
      });
    });

    describe('readStream', () => {
      it('returns [] for a stream that does not exist', async () => {
        expect(await store.readStream(newStreamId())).toEqual([]);
        expect(await store.readStream(newStreamId(), 3n)).toEqual([]);
      });

      it('reads from a revision, inclusive', async () => {
        const streamId = newStreamId();
        const events = times(5, () => newEvent());
        await store.append(streamId, events, 'no_stream');

        const fromTwo = await store.readStream(streamId, 2n);

        expect(fromTwo.map((event) => event.revision)).toEqual([2n, 3n, 4n]);
        expect(fromTwo.map((event) => event.eventId)).toEqual(events.slice(2).map((event) => event.eventId));
        expect(await store.readStream(streamId, 5n)).toEqual([]);
      });

      it('returns the same events, positions included, as readAll', async () => {
        const streamId = newStreamId();
        const head = await store.headPosition();
        await store.append(streamId, [newEvent(), newEvent()], 'no_stream');
        await store.append(streamId, [newEvent()], 1n);

        expect(await ownEvents(store, head, [streamId])).toEqual(await store.readStream(streamId));
      });
    });

    describe('readAll and headPosition', () => {
      it('returns the events of all streams in global order', async () => {
        const [a, b] = [newStreamId(), newStreamId()];
        const head = await store.headPosition();
        const [a1, b1, b2, a2] = times(4, () => newEvent());
        await store.append(a, [a1], 'no_stream');
        await store.append(b, [b1, b2], 'no_stream');
        await store.append(a, [a2], 0n);

        const events = await ownEvents(store, head, [a, b]);

        expect(events.map((event) => event.eventId)).toEqual([a1, b1, b2, a2].map((event) => event.eventId));
        expect(events.map((event) => event.streamId)).toEqual([a, b, b, a]);
        expectStrictlyIncreasing(events.map((event) => event.position));
      });

      it('reads strictly after a position and at most limit events', async () => {
        const streamId = newStreamId();
        const head = await store.headPosition();
        await store.append(
          streamId,
          times(5, () => newEvent()),
          'no_stream',
        );
        const all = await store.readAll({ after: head });
        expect(all.length).toBeGreaterThanOrEqual(5);

        expect(await store.readAll({ after: head, limit: 2 })).toEqual(all.slice(0, 2));
        expect(await store.readAll({ after: all[0].position, limit: 1 })).toEqual([all[1]]);
        expect(await store.readAll({ after: all[1].position, limit: 3 })).toEqual(all.slice(2, 5));
        expect(all.every((event) => event.position > head)).toBe(true);
      });

      it('reads only the types asked for, the limit counting only those', async () => {
        const streamId = newStreamId();
        const head = await store.headPosition();
        const [a1, b1, a2, b2, a3] = [
          newEvent({ type: 'TypeA' }),
          newEvent({ type: 'TypeB' }),
          newEvent({ type: 'TypeA' }),
          newEvent({ type: 'TypeB' }),
          newEvent({ type: 'TypeA' }),
        ];
        await store.append(streamId, [a1, b1, a2, b2, a3], 'no_stream');

        const onlyA = await store.readAll({ after: head, types: ['TypeA'] });
        expect(onlyA.map((event) => event.eventId)).toEqual([a1, a2, a3].map((event) => event.eventId));
        expect((await store.readAll({ after: head, types: ['TypeA'], limit: 2 })).map((event) => event.eventId)).toEqual([a1.eventId, a2.eventId]);
        expect((await store.readAll({ after: onlyA[0].position, types: ['TypeB', 'TypeA'], limit: 2 })).map((event) => event.eventId)).toEqual([
          b1.eventId,
          a2.eventId,
        ]);
        expect(await store.readAll({ after: head, types: [] })).toEqual([]);
      });

      it('rejects a limit that is not a positive integer', async () => {
        for (const limit of [0, -1, 1.5, Number.NaN]) {
          await expect(store.readAll({ limit })).rejects.toBeInstanceOf(RangeError);
        }
      });

      it('reports the position of the last event as head', async () => {
        const streamId = newStreamId();
        const first = await store.append(streamId, [newEvent()], 'no_stream');
        expect(await store.headPosition()).toBe(first.position);

        const second = await store.append(streamId, [newEvent(), newEvent()], 0n);
        expect(await store.headPosition()).toBe(second.position);

        await rejection(store.append(streamId, [newEvent()], 'no_stream'));
        expect(await store.headPosition()).toBe(second.position);
      });
    });

    describe('round trips', () => {
      it('returns metadata, extra keys included, and the schema version as they were appended', async () => {
        const streamId = newStreamId();
        const head = await store.headPosition();
        const event = newEvent({
          schemaVersion: 7,
          metadata: {
            ...newMetadata(),
            tenant: 'hellowork-shinjuku',
            client: { app: 'madoguchi-web', version: '1.2.3', features: ['a', 'b'] },
            attempts: 2,
            urgent: true,
            ticket: null,
            理由: '電話での依頼',
          },
        });

        await store.append(streamId, [event], 'no_stream');
        const recorder = new Recorder([streamId]);
        const subscription = store.subscribeAll(recorder.handler, { after: head });
        await recorder.until(1);
        await subscription.stop();

        const [fromStream] = await store.readStream(streamId);
        const [fromAll] = await ownEvents(store, head, [streamId]);
        for (const read of [fromStream, fromAll, recorder.events[0]]) {
          expect(read).toEqual({ ...event, streamId, revision: 0n, position: fromStream.position });
        }
      });

      it('returns unicode data unchanged', async () => {
        const streamId = newStreamId();
        const data = {
          name: '山田 太郎',
          office: 'ハローワーク新宿（歌舞伎町庁舎）',
          note: '相談日時を変更しました。よろしくお願いします🙇‍♀️',
          combining: 'が', // か + combining dakuten
          halfWidth: 'ｶﾀｶﾅ',
          nul: 'a\u0000b',
          nested: { 予約: [{ 日付: '2025-04-01', 枠: '午前' }], emoji: '🗾🎌' },
          numbers: [0, -1, 1.5, Number.MAX_SAFE_INTEGER],
          empty: '',
          nothing: null,
        };

        await store.append(streamId, [newEvent({ data })], 'no_stream');

        const [stored] = await store.readStream(streamId);
        expect(stored.data).toEqual(data);
      });
    });

    describe('subscribeAll', () => {
      it('catches up, then delivers new events live', async () => {
        const streamId = newStreamId();
        const head = await store.headPosition();
        await store.append(
          streamId,
          times(3, () => newEvent()),
          'no_stream',
        );
        const recorder = new Recorder([streamId]);

        const subscription = store.subscribeAll(recorder.handler, { after: head });
        await recorder.until(3);
        await store.append(streamId, [newEvent()], 2n);
        await store.append(streamId, [newEvent(), newEvent()], 3n);
        await recorder.until(6);
        await subscription.stop();

        expect(recorder.events).toEqual(await store.readStream(streamId));
        expect(await subscription.ended).toBeUndefined();
      });

      it('delivers every event when no position is given', async () => {
        const streamId = newStreamId();
        await store.append(streamId, [newEvent(), newEvent()], 'no_stream');
        const recorder = new Recorder([streamId]);

        const subscription = store.subscribeAll(recorder.handler);
        await recorder.until(2);
        await subscription.stop();

        expect(recorder.events).toEqual(await store.readStream(streamId));
      });

      it('resumes after a position without duplicates or gaps', async () => {
        const streamId = newStreamId();
        const head = await store.headPosition();
        for (let revision = 0; revision < 6; revision += 1) {
          await store.append(streamId, [newEvent()], revision === 0 ? 'no_stream' : BigInt(revision - 1));
        }
        const first = new Recorder([streamId]);
        const firstSubscription = store.subscribeAll(first.handler, { after: head });
        await first.until(3);
        await firstSubscription.stop();
        const checkpoint = first.events[first.events.length - 1].position;

        const second = new Recorder([streamId]);
        const secondSubscription = store.subscribeAll(second.handler, { after: checkpoint });
        await store.append(streamId, [newEvent()], 5n);
        const all = await store.readStream(streamId);
        await second.until(all.length - first.events.length);
        await sleep(100);
        await secondSubscription.stop();

        expect([...first.events, ...second.events]).toEqual(all);
        expect(second.events.every((event) => event.position > checkpoint)).toBe(true);
      });

      it('calls the handler one event at a time, in order', async () => {
        const streamId = newStreamId();
        const head = await store.headPosition();
        let running = 0;
        let mostRunning = 0;
        const recorder = new Recorder([streamId], async () => {
          running += 1;
          mostRunning = Math.max(mostRunning, running);
          await sleep(2);
          running -= 1;
        });
        await store.append(
          streamId,
          times(5, () => newEvent()),
          'no_stream',
        );

        const subscription = store.subscribeAll(recorder.handler, { after: head });
        await store.append(
          streamId,
          times(5, () => newEvent()),
          4n,
        );
        await recorder.until(10);
        await subscription.stop();

        expect(mostRunning).toBe(1);
        expect(recorder.events.map((event) => event.revision)).toEqual(times(10, (index) => BigInt(index)));
      });

      it('ends with the error the handler threw and delivers nothing more', async () => {
        const streamId = newStreamId();
        const head = await store.headPosition();
        const failure = new Error('projection failed');
        const recorder = new Recorder([streamId], (_event, index) => {
          if (index === 1) throw failure;
        });
        await store.append(
          streamId,
          times(3, () => newEvent()),
          'no_stream',
        );

        const subscription = store.subscribeAll(recorder.handler, { after: head });

        expect(await subscription.ended).toBe(failure);
        await store.append(streamId, [newEvent()], 2n);
        await sleep(300);
        expect(recorder.events).toHaveLength(2);
        await subscription.stop();
      });

      it('stops once the running handler has returned', async () => {
        const streamId = newStreamId();
        const head = await store.headPosition();
        const release = deferred();
        const recorder = new Recorder([streamId], () => release.promise);
        await store.append(
          streamId,
          times(3, () => newEvent()),
          'no_stream',
        );
        const subscription = store.subscribeAll(recorder.handler, { after: head });
        await recorder.until(1);

        let stopped = false;
        const stopping = subscription.stop().then(() => {
          stopped = true;
        });
        await sleep(50);
        expect(stopped).toBe(false);
        release.resolve();
        await stopping;

        await store.append(streamId, [newEvent()], 2n);
        await sleep(300);
        expect(recorder.events).toHaveLength(1);
        expect(await subscription.ended).toBeUndefined();
      });

      it('is stopped by close()', async () => {
        const recorder = new Recorder([newStreamId()]);
        const subscription = store.subscribeAll(recorder.handler, { after: await store.headPosition() });

        await store.close();

        expect(await subscription.ended).toBeUndefined();
        await subscription.stop();
      });
    });

    describe('concurrency', () => {
      it('lets exactly one of many appends at the same expected revision succeed', async () => {
        const streamId = newStreamId();
        await store.append(streamId, [newEvent()], 'no_stream');
        const contenders = times(50, () => newEvent());

        const outcomes = await Promise.allSettled(contenders.map((event) => store.append(streamId, [event], 0n)));

        const won = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [contenders[index]] : []));
        const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(49);
        for (const error of lost) {
          expect(error).toBeInstanceOf(WrongExpectedRevision);
          expect(error).toMatchObject({ expected: 0n, actual: 1n });
        }
        const stored = await store.readStream(streamId);
        expect(stored.map((event) => event.eventId)).toEqual([stored[0].eventId, won[0].eventId]);
      });

      it('appends concurrently to different streams with unique, increasing positions', async () => {
        const streamIds = times(50, () => newStreamId());
        const head = await store.headPosition();

        const results = await Promise.all(streamIds.map((streamId) => store.append(streamId, [newEvent(), newEvent()], 'no_stream')));

        expect(results.every((result) => result.nextExpectedRevision === 1n)).toBe(true);
        const events = await ownEvents(store, head, streamIds);
        expect(events).toHaveLength(100);
        expectStrictlyIncreasing(events.map((event) => event.position));
        const lastPositions = new Set(results.map((result) => result.position));
        expect(lastPositions.size).toBe(50);
        for (const streamId of streamIds) {
          const [first, second] = events.filter((event) => event.streamId === streamId);
          expect([first.revision, second.revision]).toEqual([0n, 1n]);
          expect(lastPositions.has(second.position)).toBe(true);
        }
      });
    });
  });
}
