import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { type KeyStore, type MasterKeyRotation, type RotationProgress, SubjectErased } from '../../application/ports/key-store';
import { DurableWal, type SyncFile } from '../sqlite/durable-wal';
import { assertMasterKey, KEY_BYTES, opensWith, unwrapKey, wrapKey } from './key-wrapping';

/** Several processes share one file: a writer waits this long for another one's transaction to end. */
const BUSY_TIMEOUT_MS = 5000;

// A destroyed key has no wrapped bytes and a destruction time; a live one the reverse.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS subject_keys (
    subject      TEXT NOT NULL PRIMARY KEY,
    wrapped      BLOB,
    created_at   TEXT,
    destroyed_at TEXT,
    CHECK ((wrapped IS NULL) = (destroyed_at IS NOT NULL))
  ) STRICT`;

interface KeyRow {
  /** Rows are never deleted, so rowids only grow: the mark of the WAL sync that makes a key durable. */
  rowid: number;
  wrapped: Buffer | null;
}

export interface SqliteKeyStoreOptions {
  /** False for a rotation, which may find some keys re-wrapped already. */
  verifyMasterKey?: boolean;
  /** How the WAL is synced to disk: `fs.fdatasync` (tests pass a gate to check that no key is handed out before it). */
  syncWal?: SyncFile;
}

/** Per-subject keys in SQLite, each stored wrapped (AES-256-GCM) by a master key that never touches the file. */
export class SqliteKeyStore implements KeyStore, MasterKeyRotation {
  private readonly db: Database.Database;
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly createMany: (keys: ReadonlyArray<readonly [string, Buffer]>, createdAt: string) => void;
  private readonly wal: DurableWal;
  /** Subjects waiting for a new key, with whoever waits for it. */
  private pendingKeys = new Map<string, Array<{ resolve: () => void; reject: (error: unknown) => void }>>();

  /**
   * `filename` is a database file, or ':memory:' for a private in-memory store. Refuses a master key that does not
   * open the keys stored, unless `verifyMasterKey` is false.
   */
  static open(filename: string, masterKey: Buffer, { verifyMasterKey = true, syncWal }: SqliteKeyStoreOptions = {}): SqliteKeyStore {
    return new SqliteKeyStore(filename, masterKey, verifyMasterKey, syncWal);
  }

  private constructor(
    private readonly filename: string,
    private readonly masterKey: Buffer,
    verifyMasterKey: boolean,
    syncWal: SyncFile | undefined,
  ) {
    assertMasterKey(masterKey);
    this.db = new Database(filename, { timeout: BUSY_TIMEOUT_MS });
    try {
      useWal(this.db, filename);
      // Commits write the WAL without syncing it, on the event loop's thread; `wal` syncs it off that thread before a
      // new key is handed out (so before any event encrypted with it can be stored), and erasure checkpoints (below).
      this.db.pragma('synchronous = NORMAL');
      // A8.1: a destroyed key's bytes are overwritten with zeros in the page, not merely unlinked.
      this.db.pragma('secure_delete = ON');
      this.db.exec(SCHEMA);
      this.statements = prepareStatements(this.db);
      this.createMany = this.db.transaction((keys: ReadonlyArray<readonly [string, Buffer]>, createdAt: string) => {
        for (const [subject, wrapped] of keys) this.statements.create.run(subject, wrapped, createdAt);
      });
      // A8.1: finishes an erasure that a crash interrupted between its commit and its checkpoint.
      this.checkpointAndTruncate();
      if (verifyMasterKey) this.checkMasterKey();
      this.wal = new DurableWal({
        walFile: filename === ':memory:' ? undefined : `${filename}-wal`,
        committedMark: () => BigInt((this.statements.lastRowid.get() as { rowid: number | null }).rowid ?? -1),
        afterSync: () => this.createPending(),
        syncFile: syncWal,
      });
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  async keyFor(subject: string): Promise<Buffer> {
    let row = this.statements.find.get(subject) as KeyRow | undefined;
    if (row === undefined) {
      await this.createSoon(subject);
      // Two writers racing on a new subject: the first insert wins, both read the winner back.
      row = this.statements.find.get(subject) as KeyRow;
    }
    if (row.wrapped === null) throw new SubjectErased(subject);
    // A key is on disk before it encrypts anything: an event stored with a key a power cut takes back is lost. This
    // holds for a key another caller or process created a moment ago, too (its sync may still be running).
    await this.wal.through(BigInt(row.rowid));
    return this.unwrap(subject, row.wrapped);
  }

  /**
   * Group commit of new keys: the subjects that need a key while the event loop is busy, or while the WAL syncs, get
   * theirs in one transaction and share the next sync (`keyFor` waits for it).
   */
  private createSoon(subject: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const first = this.pendingKeys.size === 0;
      const waiting = this.pendingKeys.get(subject) ?? [];
      waiting.push({ resolve, reject });
      this.pendingKeys.set(subject, waiting);
      // While the WAL syncs, new keys wait for the end of that sync and are committed together (DurableWal.syncing).
      if (first && !this.wal.syncing) setImmediate(() => this.createPending());
    });
  }

  private createPending(): void {
    const batch = this.pendingKeys;
    if (batch.size === 0) return;
    this.pendingKeys = new Map();
    const waiting = [...batch.values()].flat();
    try {
      const createdAt = new Date().toISOString();
      this.createMany(
        [...batch.keys()].map((subject) => [subject, this.wrap(subject, randomBytes(KEY_BYTES))] as const),
        createdAt,
      );
    } catch (error) {
      for (const { reject } of waiting) reject(error);
      return;
    }
    for (const { resolve } of waiting) resolve();
  }

  async find(subject: string): Promise<Buffer | 'erased' | undefined> {
    const row = this.statements.find.get(subject) as KeyRow | undefined;
    if (row === undefined) return undefined;
    return row.wrapped === null ? 'erased' : this.unwrap(subject, row.wrapped);
  }

  async destroy(subject: string, at: Date): Promise<void> {
    this.statements.destroy.run(subject, at.toISOString());
    this.checkpointAndTruncate();
  }

  async close(): Promise<void> {
    // The connection after the WAL's fd: the last connection to close deletes the WAL.
    await this.wal.close();
    if (this.db.open) this.db.close();
  }

  async rewrapAll(newMasterKey: Buffer, progress?: (progress: RotationProgress) => void): Promise<RotationProgress> {
    assertMasterKey(newMasterKey);
    const live = this.statements.live.all() as Array<{ subject: string; wrapped: Buffer }>;
    const state: RotationProgress = { done: 0, total: live.length, rewrapped: 0, alreadyNew: 0 };
    for (const { subject, wrapped } of live) {
      if (opensWith(newMasterKey, subject, wrapped)) state.alreadyNew++;
      else {
        const rewrapped = wrapKey(newMasterKey, subject, this.unwrap(subject, wrapped));
        // Conditional on the stored bytes: a key destroyed (or re-wrapped by another run) meanwhile is left alone.
        if (this.statements.rewrap.run(rewrapped, subject, wrapped).changes === 1) state.rewrapped++;
      }
      state.done++;
      progress?.({ ...state });
    }
    // On disk before the operator switches to the new master key, and no key wrapped by the old one left in a file.
    this.checkpointAndTruncate();
    return state;
  }

  private wrap(subject: string, key: Buffer): Buffer {
    return wrapKey(this.masterKey, subject, key);
  }

  private unwrap(subject: string, wrapped: Buffer): Buffer {
    return unwrapKey(this.masterKey, subject, wrapped, this.filename);
  }

  /**
   * A8.1: erasure is final when `destroy` returns. In WAL mode the commit of a destruction appends the zeroed page
   * (secure_delete) to the WAL, while the old page, with the wrapped key, is still in the main file and in earlier
   * frames of the WAL. A TRUNCATE checkpoint copies the newest pages into the main file, syncs it and truncates the WAL
   * to nothing, before `destroy` returns: no file holds the key any more. A kill -9 between the commit and the
   * checkpoint (`destroy` had not returned) leaves the key until the next open, which checkpoints first. The checkpoint
   * also makes the destruction durable (it syncs the main file). It waits (busy timeout) for readers of an older
   * snapshot in other connections; if one is still reading after that, the erasure is reported as failed.
   */
  private checkpointAndTruncate(): void {
    const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    if (result.busy !== 0) {
      throw new Error(
        `A8.1: the WAL of the key store ${this.filename} could not be checkpointed (another connection kept reading): an erasure is not final until it is, try again`,
      );
    }
  }

  /** Fails at startup, not at the first read, when the master key does not open the keys already stored. */
  private checkMasterKey(): void {
    const sample = this.statements.sample.get() as { subject: string; wrapped: Buffer } | undefined;
    if (sample !== undefined) this.unwrap(sample.subject, sample.wrapped);
  }
}

/**
 * WAL, so that a commit of new keys writes without syncing and is synced off the event loop (a rollback journal syncs
 * inside the commit, several times). Erasure then needs its checkpoint: see `checkpointAndTruncate`.
 */
function useWal(db: Database.Database, filename: string): void {
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (filename !== ':memory:' && mode !== 'wal') throw new Error(`The key store ${filename} stayed in ${String(mode)} mode`);
}

function prepareStatements(db: Database.Database) {
  return {
    find: db.prepare('SELECT rowid, wrapped FROM subject_keys WHERE subject = ?'),
    lastRowid: db.prepare('SELECT max(rowid) AS rowid FROM subject_keys'),
    create: db.prepare('INSERT INTO subject_keys (subject, wrapped, created_at) VALUES (?, ?, ?) ON CONFLICT (subject) DO NOTHING'),
    // A tombstone for a subject that never had a key, so that a later keyFor cannot create one.
    destroy: db.prepare(
      `INSERT INTO subject_keys (subject, wrapped, destroyed_at) VALUES (?, NULL, ?)
       ON CONFLICT (subject) DO UPDATE SET wrapped = NULL, destroyed_at = coalesce(destroyed_at, excluded.destroyed_at)`,
    ),
    sample: db.prepare('SELECT subject, wrapped FROM subject_keys WHERE wrapped IS NOT NULL LIMIT 1'),
    live: db.prepare('SELECT subject, wrapped FROM subject_keys WHERE wrapped IS NOT NULL ORDER BY subject'),
    rewrap: db.prepare('UPDATE subject_keys SET wrapped = ? WHERE subject = ? AND wrapped = ?'),
  };
}
