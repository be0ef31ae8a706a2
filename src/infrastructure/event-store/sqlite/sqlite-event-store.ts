import Database from 'better-sqlite3';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type {
  AppendResult,
  EventHandler,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  StoredEvent,
  Subscription,
} from '../../../application/ports/event-store';
import { assertDistinctEventIds, checkExpectedRevision, originalAppendResult, readAllLimit, type RecordedEventId } from '../port-rules';
import { DurableWal, type SyncFile } from '../../sqlite/durable-wal';
import { AppendSignal, PollingSubscription } from './polling-subscription';

export interface SqliteEventStoreOptions {
  /** Path of the database file; ':memory:' for a private in-memory store. */
  filename: string;
  /** How late, at most, live subscriptions see events appended by another process. */
  pollIntervalMs?: number;
  /** How the WAL is synced to disk: `fs.fdatasync` (tests pass a gate to check that nothing resolves before it). */
  syncWal?: SyncFile;
}

export type SynchronousLevel = 'off' | 'normal' | 'full' | 'extra';

export interface Durability {
  journalMode: string;
  synchronous: SynchronousLevel;
}

const DEFAULT_POLL_INTERVAL_MS = 250;
/** Several processes share one file: a writer waits this long for another one's transaction to end. */
const BUSY_TIMEOUT_MS = 5000;
const SYNCHRONOUS_LEVELS: readonly SynchronousLevel[] = ['off', 'normal', 'full', 'extra'];

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position       INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id      TEXT    NOT NULL,
    revision       INTEGER NOT NULL,
    event_id       TEXT    NOT NULL UNIQUE,
    type           TEXT    NOT NULL,
    schema_version INTEGER NOT NULL,
    data           TEXT    NOT NULL,
    metadata       TEXT    NOT NULL,
    UNIQUE (stream_id, revision)
  ) STRICT`;

const COLUMNS = 'position, stream_id, revision, event_id, type, schema_version, data, metadata';

/** As read with safe integers on: every INTEGER column is a bigint. */
interface EventRow {
  position: bigint;
  stream_id: string;
  revision: bigint;
  event_id: string;
  type: string;
  schema_version: bigint;
  data: string;
  metadata: string;
}

interface StreamEnd {
  revision: bigint;
  position: bigint;
}

/** What one append of a group commit came to: its result, or why it was refused. */
type Outcome = { append: PendingAppend; result: AppendResult } | { append: PendingAppend; error: unknown };

/** An append waiting for the next group commit. */
interface PendingAppend {
  streamId: string;
  events: readonly NewEvent[];
  expected: ExpectedRevision;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly appendTransaction: Database.Transaction<
    (streamId: string, events: readonly NewEvent[], expected: ExpectedRevision) => AppendResult
  >;
  private readonly groupTransaction: Database.Transaction<(batch: readonly PendingAppend[]) => Outcome[]>;
  private readonly wal: DurableWal;
  /** Appends that arrived since the last commit; they share the next one (group commit). */
  private pending: PendingAppend[] = [];
  private readonly signal = new AppendSignal();
  private readonly subscriptions = new Set<PollingSubscription>();
  private readonly pollIntervalMs: number;
  private closing: Promise<void> | undefined;

  static open(filename: string): SqliteEventStore {
    return new SqliteEventStore({ filename });
  }

  constructor({ filename, pollIntervalMs = DEFAULT_POLL_INTERVAL_MS, syncWal }: SqliteEventStoreOptions) {
    this.pollIntervalMs = pollIntervalMs;
    // The timeout option sets busy_timeout before anything below needs a lock another process may hold.
    this.db = new Database(filename, { timeout: BUSY_TIMEOUT_MS });
    // WAL lets readers (subscriptions, other processes) proceed while one process appends.
    this.db.pragma('journal_mode = WAL');
    // An appended event is the legal record of a staff action: it must survive power loss before anyone is told it
    // is stored. FULL would sync the WAL inside every commit, on the event loop's thread (issue 18: ~15-20 % of its
    // time). NORMAL commits into the WAL without syncing it, and `wal` syncs it off the event loop before an append
    // resolves or its event is shown to a reader of the log (see DurableWal for why that is as durable as FULL).
    this.db.pragma('synchronous = NORMAL');
    // Positions and revisions are 64-bit: never let them pass through a lossy JavaScript number.
    this.db.defaultSafeIntegers(true);
    this.db.exec(SCHEMA);
    this.statements = prepareStatements(this.db);
    this.appendTransaction = this.db.transaction((streamId, events, expected) => this.appendInTransaction(streamId, events, expected));
    this.groupTransaction = this.db.transaction((batch) => batch.map((append) => this.appendInSavepoint(append)));
    this.wal = new DurableWal({
      walFile: filename === ':memory:' ? undefined : `${filename}-wal`,
      committedMark: () => this.committedHead(),
      onDurable: () => this.signal.notify(),
      afterSync: () => this.commitPending(),
      syncFile: syncWal,
    });
  }

  /**
   * Group commit: the appends that arrive while the event loop is busy, or while the WAL syncs, share one
   * transaction and the next sync. Nothing resolves before its commit is on disk. Each append runs in its own savepoint, so a failed expected-revision check refuses only that append.
   */
  async append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    assertDistinctEventIds(events);
    if (this.closing) throw new Error('The event store is closed.');
    return new Promise((resolve, reject) => {
      this.pending.push({ streamId, events, expected: expectedRevision, resolve, reject });
      // While the WAL syncs, the appends wait for the end of that sync and are committed together (DurableWal.syncing).
      if (this.pending.length === 1 && !this.wal.syncing) setImmediate(() => this.commitPending());
    });
  }

  private commitPending(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let outcomes: Outcome[];
    try {
      // IMMEDIATE takes the write lock before the checks read anything, so no other connection or process
      // can append between the expected-revision check and the insert.
      outcomes = this.groupTransaction.immediate(batch);
    } catch (error) {
      // The commit itself failed (disk full, lock timeout): nothing of the batch is stored.
      for (const append of batch) append.reject(error);
      return;
    }
    // Nothing is answered before the commit is on disk: neither a result, nor a refusal that reports a revision the
    // batch wrote. A retry answered with its original result waits too: that original may still be on its way.
    const last = outcomes.reduce((max, outcome) => ('result' in outcome && outcome.result.position > max ? outcome.result.position : max), -1n);
    const durable = this.wal.through(last);
    for (const outcome of outcomes) {
      const { append } = outcome;
      durable.then(() => ('result' in outcome ? append.resolve(outcome.result) : append.reject(outcome.error)), append.reject);
    }
  }

  /** Inside the group's transaction: a nested better-sqlite3 transaction is a savepoint. */
  private appendInSavepoint(append: PendingAppend): Outcome {
    try {
      return { append, result: this.appendTransaction(append.streamId, append.events, append.expected) };
    } catch (error) {
      return { append, error };
    }
  }

  /** Every event of the stream committed when it is read, answered once they are on disk (see `shownOnceSynced`). */
  async readStream(streamId: string, fromRevision = 0n): Promise<StoredEvent[]> {
    const rows = this.statements.readStream.all(streamId, fromRevision) as EventRow[];
    const last = rows.at(-1)?.position;
    if (last !== undefined && last > this.wal.durableMark) await this.shownOnceSynced(last);
    return rows.map(toStoredEvent);
  }

  /** Only events already on disk: see `readDurable`. */
  async readAll({ after, limit, types }: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const count = BigInt(readAllLimit(limit));
    if (types === undefined) return this.readDurable((through) => this.statements.readAll.all(after ?? -1n, through, count) as EventRow[]);
    const typeList = JSON.stringify(types);
    return this.readDurable((through) => this.statements.readAllOfTypes.all(after ?? -1n, through, typeList, count) as EventRow[]);
  }

  /** The last event on disk (it waits for the sync of the WAL when the last one committed is not yet). */
  async headPosition(): Promise<bigint> {
    const head = this.committedHead();
    if (head > this.wal.durableMark) await this.shownOnceSynced(head);
    return head;
  }

  subscribeAll(handler: EventHandler, { after }: { after?: bigint } = {}): Subscription {
    const limit = BigInt(readAllLimit(undefined));
    const source = {
      readPage: (cursor: bigint) => this.readDurable((through) => this.statements.readAll.all(cursor, through, limit) as EventRow[]),
      signal: this.signal,
      pollIntervalMs: this.pollIntervalMs,
    };
    const subscription = new PollingSubscription(source, handler, after ?? -1n);
    this.subscriptions.add(subscription);
    void subscription.ended.then(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  /** What this connection really runs with, read back from SQLite (for startup logs and tests). */
  durability(): Durability {
    const level = this.db.pragma('synchronous', { simple: true }) as bigint;
    return {
      journalMode: this.db.pragma('journal_mode', { simple: true }) as string,
      synchronous: SYNCHRONOUS_LEVELS[Number(level)],
    };
  }

  close(): Promise<void> {
    this.closing ??= this.stopAndClose();
    return this.closing;
  }

  private async stopAndClose(): Promise<void> {
    this.commitPending();
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    // After the syncs asked for (those of the appends queued before close, too); and the connection after the WAL's
    // fd: the last connection to close deletes the WAL.
    await this.wal.close();
    this.db.close();
  }

  private appendInTransaction(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): AppendResult {
    const original = originalAppendResult(
      streamId,
      events.map((event) => event.eventId),
      this.recorded(events),
    );
    if (original !== undefined) return original;
    const end = this.statements.streamEnd.get(streamId) as StreamEnd | undefined;
    checkExpectedRevision(streamId, expected, end?.revision);
    let revision = end?.revision ?? -1n;
    let position = end?.position ?? -1n;
    for (const event of events) {
      revision += 1n;
      position = BigInt(this.statements.insert.run(toRow(streamId, revision, event)).lastInsertRowid);
    }
    return { nextExpectedRevision: revision, position };
  }

  private recorded(events: readonly NewEvent[]): RecordedEventId[] {
    if (events.length === 0) return [];
    const ids = JSON.stringify(events.map((event) => event.eventId));
    return this.statements.recordedIds.all(ids) as RecordedEventId[];
  }

  /**
   * The log as readers of it see it (read models, side effects such as e-mails, the event feed): only events whose
   * commit is on disk. Events committed but not yet synced (this process's next group, or another process's appends)
   * are shown once a sync of the WAL covers them; a read that finds nothing else waits for that sync.
   */
  private readDurable(read: (through: bigint) => EventRow[]): StoredEvent[] | Promise<StoredEvent[]> {
    const rows = read(this.wal.durableMark);
    const head = rows.length > 0 ? undefined : this.committedHead();
    if (head === undefined || head <= this.wal.durableMark) return rows.map(toStoredEvent);
    return this.shownOnceSynced(head).then(() => read(this.wal.durableMark).map(toStoredEvent));
  }

  /**
   * Nothing reads an event before it is on disk, so nothing (a read model, an e-mail, a command's decision, an answer)
   * acts on an event a power cut could still take back, as with synchronous = FULL, where a commit is seen only once
   * synced. And in this process no reader sees an event before its appender is answered: both wait for the same sync,
   * and the reader then yields once more, after the appenders' continuations.
   */
  private async shownOnceSynced(mark: bigint): Promise<void> {
    await this.wal.through(mark);
    await nextMacrotask();
  }

  private committedHead(): bigint {
    const head = this.statements.head.get() as { position: bigint } | undefined;
    return head?.position ?? -1n;
  }
}

function prepareStatements(db: Database.Database) {
  return {
    insert: db.prepare(
      `INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata)
       VALUES (@stream_id, @revision, @event_id, @type, @schema_version, @data, @metadata)`,
    ),
    streamEnd: db.prepare('SELECT revision, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1'),
    recordedIds: db.prepare(
      `SELECT event_id AS eventId, stream_id AS streamId, revision, position FROM events
       WHERE event_id IN (SELECT value FROM json_each(?))`,
    ),
    readStream: db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision`),
    readAll: db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?`),
    readAllOfTypes: db.prepare(
      `SELECT ${COLUMNS} FROM events WHERE position > ? AND position <= ? AND type IN (SELECT value FROM json_each(?)) ORDER BY position LIMIT ?`,
    ),
    head: db.prepare('SELECT position FROM events ORDER BY position DESC LIMIT 1'),
  };
}

function toRow(streamId: string, revision: bigint, event: NewEvent): Omit<EventRow, 'position'> {
  return {
    stream_id: streamId,
    revision,
    event_id: event.eventId,
    type: event.type,
    schema_version: BigInt(event.schemaVersion),
    data: JSON.stringify(event.data),
    metadata: JSON.stringify(event.metadata),
  };
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    streamId: row.stream_id,
    revision: row.revision,
    position: row.position,
    eventId: row.event_id,
    type: row.type,
    schemaVersion: Number(row.schema_version),
    data: JSON.parse(row.data) as Record<string, unknown>,
    metadata: JSON.parse(row.metadata) as EventMetadata,
  };
}
