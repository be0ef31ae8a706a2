import Database from 'better-sqlite3';
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
import { AppendSignal, PollingSubscription } from './polling-subscription';

export interface SqliteEventStoreOptions {
  /** Path of the database file; ':memory:' for a private in-memory store. */
  filename: string;
  /** How late, at most, live subscriptions see events appended by another process. */
  pollIntervalMs?: number;
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
  private readonly groupTransaction: Database.Transaction<(batch: readonly PendingAppend[]) => Array<() => void>>;
  /** Appends that arrived since the last commit; they share the next one (group commit). */
  private pending: PendingAppend[] = [];
  private readonly signal = new AppendSignal();
  private readonly subscriptions = new Set<PollingSubscription>();
  private readonly pollIntervalMs: number;
  private closing: Promise<void> | undefined;

  static open(filename: string): SqliteEventStore {
    return new SqliteEventStore({ filename });
  }

  constructor({ filename, pollIntervalMs = DEFAULT_POLL_INTERVAL_MS }: SqliteEventStoreOptions) {
    this.pollIntervalMs = pollIntervalMs;
    // The timeout option sets busy_timeout before anything below needs a lock another process may hold.
    this.db = new Database(filename, { timeout: BUSY_TIMEOUT_MS });
    // WAL lets readers (subscriptions, other processes) proceed while one process appends.
    this.db.pragma('journal_mode = WAL');
    // An appended event is the legal record of a staff action. FULL syncs the WAL on every commit, so a
    // committed append survives power loss; NORMAL in WAL mode only survives a crash of the process and
    // may lose the last commits when the machine goes down. The benchmark issue measures what FULL costs.
    this.db.pragma('synchronous = FULL');
    // Positions and revisions are 64-bit: never let them pass through a lossy JavaScript number.
    this.db.defaultSafeIntegers(true);
    this.db.exec(SCHEMA);
    this.statements = prepareStatements(this.db);
    this.appendTransaction = this.db.transaction((streamId, events, expected) => this.appendInTransaction(streamId, events, expected));
    this.groupTransaction = this.db.transaction((batch) => batch.map((append) => this.appendInSavepoint(append)));
  }

  /**
   * Group commit: the appends that arrive while the event loop is busy share one transaction and so
   * one fsync (synchronous = FULL is kept: nothing resolves before its commit is on disk). Each append
   * runs in its own savepoint, so a failed expected-revision check refuses only that append.
   */
  async append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    assertDistinctEventIds(events);
    if (this.closing) throw new Error('The event store is closed.');
    return new Promise((resolve, reject) => {
      this.pending.push({ streamId, events, expected: expectedRevision, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.commitPending());
    });
  }

  private commitPending(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let settle: Array<() => void>;
    try {
      // IMMEDIATE takes the write lock before the checks read anything, so no other connection or process
      // can append between the expected-revision check and the insert.
      settle = this.groupTransaction.immediate(batch);
    } catch (error) {
      // The commit itself failed (disk full, lock timeout): nothing of the batch is stored.
      for (const append of batch) append.reject(error);
      return;
    }
    for (const outcome of settle) outcome();
    this.signal.notify();
  }

  /** Inside the group's transaction: a nested better-sqlite3 transaction is a savepoint. */
  private appendInSavepoint(append: PendingAppend): () => void {
    try {
      const result = this.appendTransaction(append.streamId, append.events, append.expected);
      return () => append.resolve(result);
    } catch (error) {
      return () => append.reject(error);
    }
  }

  async readStream(streamId: string, fromRevision = 0n): Promise<StoredEvent[]> {
    return (this.statements.readStream.all(streamId, fromRevision) as EventRow[]).map(toStoredEvent);
  }

  async readAll({ after, limit, types }: ReadAllOptions = {}): Promise<StoredEvent[]> {
    if (types === undefined) return this.readPage(after ?? -1n, readAllLimit(limit));
    const rows = this.statements.readAllOfTypes.all(after ?? -1n, JSON.stringify(types), BigInt(readAllLimit(limit))) as EventRow[];
    return rows.map(toStoredEvent);
  }

  async headPosition(): Promise<bigint> {
    const head = this.statements.head.get() as { position: bigint } | undefined;
    return head?.position ?? -1n;
  }

  subscribeAll(handler: EventHandler, { after }: { after?: bigint } = {}): Subscription {
    const source = {
      readPage: (cursor: bigint) => this.readPage(cursor, readAllLimit(undefined)),
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

  private readPage(after: bigint, limit: number): StoredEvent[] {
    return (this.statements.readAll.all(after, BigInt(limit)) as EventRow[]).map(toStoredEvent);
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
    readAll: db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`),
    readAllOfTypes: db.prepare(
      `SELECT ${COLUMNS} FROM events WHERE position > ? AND type IN (SELECT value FROM json_each(?)) ORDER BY position LIMIT ?`,
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
