import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { type KeyStore, type MasterKeyRotation, type RotationProgress, SubjectErased } from '../../application/ports/key-store';
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
  wrapped: Buffer | null;
}

/** Per-subject keys in SQLite, each stored wrapped (AES-256-GCM) by a master key that never touches the file. */
export class SqliteKeyStore implements KeyStore, MasterKeyRotation {
  private readonly db: Database.Database;
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly createMany: (keys: ReadonlyArray<readonly [string, Buffer]>, createdAt: string) => void;
  /** Subjects waiting for a new key, with whoever waits for it. */
  private pendingKeys = new Map<string, Array<{ resolve: () => void; reject: (error: unknown) => void }>>();

  /**
   * `filename` is a database file, or ':memory:' for a private in-memory store. Refuses a master key that does not
   * open the keys stored, unless `verifyMasterKey` is false (a rotation, which may find some keys re-wrapped already).
   */
  static open(filename: string, masterKey: Buffer, options: { verifyMasterKey?: boolean } = {}): SqliteKeyStore {
    return new SqliteKeyStore(filename, masterKey, options.verifyMasterKey ?? true);
  }

  private constructor(
    private readonly filename: string,
    private readonly masterKey: Buffer,
    verifyMasterKey: boolean,
  ) {
    assertMasterKey(masterKey);
    this.db = new Database(filename, { timeout: BUSY_TIMEOUT_MS });
    try {
      useRollbackJournal(this.db, filename);
      this.db.pragma('synchronous = FULL');
      // A8.1: a destroyed key's bytes are overwritten with zeros in the file, not merely unlinked.
      this.db.pragma('secure_delete = ON');
      this.db.exec(SCHEMA);
      this.statements = prepareStatements(this.db);
      this.createMany = this.db.transaction((keys: ReadonlyArray<readonly [string, Buffer]>, createdAt: string) => {
        for (const [subject, wrapped] of keys) this.statements.create.run(subject, wrapped, createdAt);
      });
      if (verifyMasterKey) this.checkMasterKey();
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
    return this.unwrap(subject, row.wrapped);
  }

  /**
   * Group commit of new keys: the subjects that need a key while the event loop is busy get theirs in one
   * transaction, so one journal cycle and its syncs (synchronous = FULL) serve them all. Nothing resolves
   * before its key is on disk.
   */
  private createSoon(subject: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const first = this.pendingKeys.size === 0;
      const waiting = this.pendingKeys.get(subject) ?? [];
      waiting.push({ resolve, reject });
      this.pendingKeys.set(subject, waiting);
      if (first) setImmediate(() => this.createPending());
    });
  }

  private createPending(): void {
    const batch = this.pendingKeys;
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
  }

  async close(): Promise<void> {
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
    return state;
  }

  private wrap(subject: string, key: Buffer): Buffer {
    return wrapKey(this.masterKey, subject, key);
  }

  private unwrap(subject: string, wrapped: Buffer): Buffer {
    return unwrapKey(this.masterKey, subject, wrapped, this.filename);
  }

  /** Fails at startup, not at the first read, when the master key does not open the keys already stored. */
  private checkMasterKey(): void {
    const sample = this.statements.sample.get() as { subject: string; wrapped: Buffer } | undefined;
    if (sample !== undefined) this.unwrap(sample.subject, sample.wrapped);
  }
}

/**
 * A8.1: erasure is final when `destroy` returns. In WAL mode the old page (with the wrapped key) stays in the main
 * file until a checkpoint, and the WAL keeps every earlier version of the page until it is reset; a kill -9 before
 * the checkpoint leaves both on disk. With a rollback journal, secure_delete overwrites the key in the main file
 * within the transaction, and the journal (which held the old page while the transaction ran) is deleted at the
 * commit, before `destroy` returns. Keys are written rarely, so WAL's concurrency is not needed here.
 */
function useRollbackJournal(db: Database.Database, filename: string): void {
  const mode = db.pragma('journal_mode = DELETE', { simple: true });
  if (filename !== ':memory:' && mode !== 'delete') throw new Error(`The key store ${filename} stayed in ${String(mode)} mode`);
}

function prepareStatements(db: Database.Database) {
  return {
    find: db.prepare('SELECT wrapped FROM subject_keys WHERE subject = ?'),
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
