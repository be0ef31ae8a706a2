import Database from 'better-sqlite3';
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WrongExpectedRevision } from '../../../src/application/ports/event-store';
import { MAX_READ_ALL_LIMIT } from '../../../src/infrastructure/event-store/port-rules';
import { SqliteEventStore } from '../../../src/infrastructure/event-store/sqlite/sqlite-event-store';
import { describeEventStoreContract } from '../../contracts/event-store.contract';
import { expectStrictlyIncreasing, newEvent, newStreamId, Recorder, rejection, times, waitFor } from '../../contracts/event-store.fixtures';
import { fileIdentity, track, WalSyncGate } from '../../support/wal-sync-gate';

const CHILD = join(__dirname, 'fixtures', 'sqlite-child.js');

/** A database file of its own in the OS temp directory, removed by `remove`. */
function tempDatabase(): { filename: string; remove: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'madoguchi-event-store-'));
  return {
    filename: join(directory, 'events.sqlite'),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}

describeEventStoreContract('SqliteEventStore on a file', async () => {
  const database = tempDatabase();
  const store = new SqliteEventStore({ filename: database.filename, pollIntervalMs: 50 });
  return {
    store,
    cleanup: async () => {
      await store.close();
      database.remove();
    },
  };
});

describeEventStoreContract('SqliteEventStore in memory', async () => {
  const store = new SqliteEventStore({ filename: ':memory:' });
  return { store, cleanup: () => store.close() };
});

describe('SqliteEventStore', () => {
  let database: ReturnType<typeof tempDatabase>;
  const opened: SqliteEventStore[] = [];

  function open(pollIntervalMs?: number, gate?: WalSyncGate): SqliteEventStore {
    const store = new SqliteEventStore({ filename: database.filename, pollIntervalMs, syncWal: gate?.syncFile });
    opened.push(store);
    return store;
  }

  /** Until the append is committed, as a connection of its own sees (the store shows it only once synced). */
  async function committed(streamId: string): Promise<void> {
    const db = new Database(database.filename, { readonly: true });
    try {
      await waitFor(() => db.prepare('SELECT 1 FROM events WHERE stream_id = ?').get(streamId) !== undefined, `the commit of ${streamId}`);
    } finally {
      db.close();
    }
  }

  beforeEach(() => {
    database = tempDatabase();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    database.remove();
  });

  describe('durability', () => {
    it('runs in WAL mode with synchronous = NORMAL: commits write the WAL, which is synced off the event loop', () => {
      expect(open().durability()).toEqual({ journalMode: 'wal', synchronous: 'normal' });
    });

    it('leaves the file in WAL mode for every connection', () => {
      open();
      const other = new Database(database.filename, { readonly: true });
      try {
        expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
      } finally {
        other.close();
      }
    });

    it('keeps the events across close and reopen', async () => {
      const streamId = newStreamId();
      const first = open();
      await first.append(streamId, [newEvent(), newEvent()], 'no_stream');
      const before = await first.readStream(streamId);
      await first.close();

      const reopened = open();

      expect(await reopened.readStream(streamId)).toEqual(before);
      expect(await reopened.headPosition()).toBe(before[1].position);
      const next = await reopened.append(streamId, [newEvent()], 1n);
      expect(next.nextExpectedRevision).toBe(2n);
      expect(next.position).toBeGreaterThan(before[1].position);
    });
  });

  describe('durable before answered (the WAL synced off the event loop)', () => {
    let gate: WalSyncGate;

    beforeEach(() => {
      gate = new WalSyncGate();
    });

    afterEach(() => gate.openUp());

    it('answers an append only once the WAL is synced; appends arriving during a sync share the next one', async () => {
      const store = open(undefined, gate);
      const [a, b, c] = [newStreamId(), newStreamId(), newStreamId()];
      const first = track(store.append(a, [newEvent()], 'no_stream'));
      await waitFor(() => gate.waiting === 1, 'the first sync');
      await committed(a);
      expect(first.settled).toBe(false);

      // During the sync: committed after it, together, and answered after the next one.
      const [second, third] = [track(store.append(b, [newEvent()], 'no_stream')), track(store.append(c, [newEvent()], 'no_stream'))];
      await new Promise(setImmediate);
      gate.release();
      await first.promise;
      await waitFor(() => gate.waiting === 1, 'the second sync');
      await committed(c);
      expect([second.settled, third.settled]).toEqual([false, false]);

      gate.release();
      const positions = [(await first.promise).position, (await second.promise).position, (await third.promise).position];
      expectStrictlyIncreasing(positions);
      expect(gate.files).toEqual([fileIdentity(`${database.filename}-wal`), fileIdentity(`${database.filename}-wal`)]);
    });

    it('shows an event to subscribers, readAll, readStream and headPosition only once it is on disk', async () => {
      const store = open(20, gate);
      const streamId = newStreamId();
      const recorder = new Recorder([streamId]);
      const subscription = store.subscribeAll(recorder.handler);
      const appended = track(store.append(streamId, [newEvent()], 'no_stream'));
      await waitFor(() => gate.waiting === 1, 'the sync of the append');
      await committed(streamId);

      const head = track(store.headPosition());
      const all = track(store.readAll());
      const stream = track(store.readStream(streamId));
      await sleep(100); // a few polls of the subscription
      expect([appended.settled, head.settled, all.settled, stream.settled, recorder.events.length]).toEqual([false, false, false, false, 0]);

      gate.openUp();
      const [shown] = await stream.promise;
      // In this process the appender is answered before any reader sees its event.
      expect(appended.settled).toBe(true);
      const { position } = await appended.promise;
      expect(shown.position).toBe(position);
      expect(await head.promise).toBe(position);
      expect((await all.promise).map((event) => event.position)).toEqual([position]);
      await recorder.until(1);
      await subscription.stop();
    });

    it('shows another process’s append to a reader once this process has synced the WAL too', async () => {
      const [reader, writer] = [open(20, gate), open()];
      const streamId = newStreamId();
      const { position } = await writer.append(streamId, [newEvent()], 'no_stream');

      const head = track(reader.headPosition());
      await waitFor(() => gate.waiting === 1, 'the reader’s sync');
      expect(head.settled).toBe(false);
      gate.release();
      expect(await head.promise).toBe(position);
    });

    it('keeps syncing the WAL’s own file after a checkpoint truncated it and the WAL restarted', async () => {
      const store = open(undefined, gate);
      gate.openUp();
      await store.append(newStreamId(), [newEvent()], 'no_stream');
      const wal = fileIdentity(`${database.filename}-wal`);
      const other = new Database(database.filename);
      expect(other.pragma('wal_checkpoint(TRUNCATE)')).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]);
      other.close();

      await store.append(newStreamId(), [newEvent()], 'no_stream');

      expect(fileIdentity(`${database.filename}-wal`)).toBe(wal);
      expect(new Set(gate.files)).toEqual(new Set([wal]));
    });

    it('refuses the appends of a failed sync, and every later one: the disk may have dropped their pages', async () => {
      const store = open(undefined, gate);
      const appended = store.append(newStreamId(), [newEvent()], 'no_stream');
      await waitFor(() => gate.waiting === 1, 'the sync');

      gate.fail(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));

      await expect(appended).rejects.toThrow(/could not be synced to disk \(EIO.*restart the process/);
      await expect(store.append(newStreamId(), [newEvent()], 'no_stream')).rejects.toThrow(/could not be synced/);
    });
  });

  describe('group commit (appends arriving together share one transaction)', () => {
    it('commits each append of a batch on its own merits: one wrong expected revision refuses only that append', async () => {
      const store = open();
      const taken = newStreamId();
      await store.append(taken, [newEvent()], 'no_stream');
      const streams = times(200, () => newStreamId());
      const appends = streams.map((stream) => store.append(stream, [newEvent(), newEvent()], 'no_stream'));
      const wrong = store.append(taken, [newEvent()], 'no_stream');
      const results = await Promise.all(appends);
      expect(await rejection(wrong)).toBeInstanceOf(WrongExpectedRevision);
      expectStrictlyIncreasing(results.map((result) => result.position));
      await store.close();
      const reopened = open();
      for (const stream of streams) expect(await reopened.readStream(stream)).toHaveLength(2);
      expect(await reopened.readStream(taken)).toHaveLength(1);
    });

    it('lets exactly one of two appends in the same batch at the same expected revision in', async () => {
      const store = open();
      const stream = newStreamId();
      const outcomes = await Promise.allSettled([store.append(stream, [newEvent()], 'no_stream'), store.append(stream, [newEvent()], 'no_stream')]);
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(await store.readStream(stream)).toHaveLength(1);
    });

    it('answers a retry inside the same batch with the original result', async () => {
      const store = open();
      const stream = newStreamId();
      const events = [newEvent(), newEvent()];
      const [first, retry] = await Promise.all([store.append(stream, events, 'no_stream'), store.append(stream, events, 'no_stream')]);
      expect(retry).toEqual(first);
      expect(await store.readStream(stream)).toHaveLength(2);
    });

    it('refuses appends after close and commits those queued before it', async () => {
      const store = open();
      const stream = newStreamId();
      const queued = store.append(stream, [newEvent()], 'no_stream');
      const closed = store.close();
      expect(await rejection(store.append(newStreamId(), [newEvent()], 'no_stream'))).toBeInstanceOf(Error);
      await queued;
      await closed;
      expect(await open().readStream(stream)).toHaveLength(1);
    });
  });

  describe('reads', () => {
    it('has head -1 and no events when empty', async () => {
      const store = open();

      expect(await store.headPosition()).toBe(-1n);
      expect(await store.readAll()).toEqual([]);
      expect(await store.readAll({ after: 10n })).toEqual([]);
    });

    it('reads 1000 events by default and caps the limit', async () => {
      const store = open();
      await store.append(
        newStreamId(),
        times(MAX_READ_ALL_LIMIT + 50, () => newEvent()),
        'no_stream',
      );

      expect(await store.readAll()).toHaveLength(1000);
      expect(await store.readAll({ limit: 1500 })).toHaveLength(1500);
      expect(await store.readAll({ limit: MAX_READ_ALL_LIMIT * 2 })).toHaveLength(MAX_READ_ALL_LIMIT);
    });
  });

  describe('event ids', () => {
    it('are unique in the whole store: reusing one in another stream is a conflict, not a retry', async () => {
      const store = open();
      const event = newEvent();
      const [a, b] = [newStreamId(), newStreamId()];
      await store.append(a, [event], 'no_stream');

      const error = await rejection(store.append(b, [event], 'no_stream'));

      expect(error).not.toBeInstanceOf(WrongExpectedRevision);
      expect((error as Error).message).toMatch(new RegExp(`${event.eventId} is ${a}@0`));
      expect(await store.readStream(b)).toEqual([]);
    });

    it('may be any string', async () => {
      const store = open();
      const streamId = newStreamId();
      const event = newEvent({ eventId: 'command-42/0' });

      const original = await store.append(streamId, [event], 'no_stream');

      expect(await store.append(streamId, [event], 'any')).toEqual(original);
      expect((await store.readStream(streamId))[0].eventId).toBe('command-42/0');
    });
  });

  describe('live subscriptions', () => {
    it('wake up on an append in this process without waiting for the poll', async () => {
      const store = open(60_000);
      const streamId = newStreamId();
      const recorder = new Recorder([streamId]);
      const subscription = store.subscribeAll(recorder.handler);
      await sleep(20);

      const appendedAt = Date.now();
      await store.append(streamId, [newEvent()], 'no_stream');
      await recorder.until(1);

      expect(Date.now() - appendedAt).toBeLessThan(1000);
      await subscription.stop();
    });
  });

  describe('two instances on one file', () => {
    it('see each other’s appends and check expected revisions against them', async () => {
      const [a, b] = [open(), open()];
      const streamId = newStreamId();
      await a.append(streamId, [newEvent()], 'no_stream');

      expect(await b.readStream(streamId)).toEqual(await a.readStream(streamId));
      await expect(b.append(streamId, [newEvent()], 'no_stream')).rejects.toMatchObject({ actual: 0n });
      await b.append(streamId, [newEvent()], 0n);
      expect((await a.readStream(streamId)).map((event) => event.revision)).toEqual([0n, 1n]);
    });

    it('let exactly one of concurrent appends at the same expected revision succeed', async () => {
      const stores = [open(), open()];
      const streamId = newStreamId();
      await stores[0].append(streamId, [newEvent()], 'no_stream');

      const outcomes = await Promise.allSettled(times(20, (index) => stores[index % 2].append(streamId, [newEvent()], 0n)));

      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      expect(await stores[1].readStream(streamId)).toHaveLength(2);
    });

    it('deliver to a subscriber on one instance what was appended through the other (by polling)', async () => {
      const [subscriberSide, writerSide] = [open(50), open()];
      const streamId = newStreamId();
      const recorder = new Recorder([streamId]);
      const subscription = subscriberSide.subscribeAll(recorder.handler);

      await writerSide.append(streamId, [newEvent(), newEvent()], 'no_stream');
      await writerSide.append(streamId, [newEvent()], 1n);
      await recorder.until(3);
      await subscription.stop();

      expect(recorder.events).toEqual(await writerSide.readStream(streamId));
    });
  });

  describe('several processes on one file', () => {
    it('let exactly one of racing processes append at the same expected revision', async () => {
      const streamId = newStreamId();
      await open().append(streamId, [newEvent()], 'no_stream');

      const outcomes = await runChildren(
        database.filename,
        times(4, () => ({ name: 'race', streamId, expectedRevision: 0n })),
      );

      expect([...outcomes].sort()).toEqual(['lost', 'lost', 'lost', 'won']);
      expect(await open().readStream(streamId)).toHaveLength(2);
    });

    it('serialise read-check-append loops: no lost or duplicated revision, and a subscriber sees all', async () => {
      const streamId = newStreamId();
      const subscriberSide = open(50);
      const recorder = new Recorder([streamId]);
      const subscription = subscriberSide.subscribeAll(recorder.handler);

      await runChildren(
        database.filename,
        times(4, (child) => ({ name: 'optimistic', streamId, count: 25, child })),
      );
      await recorder.until(100);
      await subscription.stop();

      const stored = await subscriberSide.readStream(streamId);
      expect(stored.map((event) => event.revision)).toEqual(times(100, (revision) => BigInt(revision)));
      expect(new Set(stored.map((event) => event.eventId)).size).toBe(100);
      expectStrictlyIncreasing(stored.map((event) => event.position));
      for (let child = 0; child < 4; child += 1) {
        const indexes = stored.filter((event) => event.data.child === child).map((event) => event.data.index);
        expect(indexes).toEqual(times(25, (index) => index));
      }
      expect(recorder.events).toEqual(stored);
    });
  });
});

type ChildTask =
  { name: 'race'; streamId: string; expectedRevision: bigint } | { name: 'optimistic'; streamId: string; count: number; child: number };

/** Starts one process per task, lets them all go at once when all are ready, and returns their results. */
async function runChildren(filename: string, tasks: readonly ChildTask[]): Promise<unknown[]> {
  const children = tasks.map(() => fork(CHILD, [], { serialization: 'advanced', execArgv: [] }));
  try {
    const ready = children.map((child) => nextMessage(child));
    children.forEach((child, index) => child.send({ filename, task: tasks[index] }));
    await Promise.all(ready);
    const results = children.map((child) => nextMessage(child));
    children.forEach((child) => child.send({ go: true }));
    return (await Promise.all(results)).map((message) => message.result);
  } finally {
    await Promise.all(children.map((child) => exited(child)));
  }
}

/** A child that is still connected failed to finish its task: it is stopped so that jest can exit. */
async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = once(child, 'exit');
  if (child.connected) child.kill();
  await exit;
}

function nextMessage(child: ChildProcess): Promise<{ result?: unknown }> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`Child ${child.pid} exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (message: { result?: unknown }) => {
      child.off('exit', onExit);
      resolve(message);
    });
  });
}
