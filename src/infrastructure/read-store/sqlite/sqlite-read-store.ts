import Database from 'better-sqlite3';
import type {
  CollectionSpec,
  Condition,
  Document,
  FindOptions,
  FoundPage,
  ReadStore,
  ReadStoreWriter,
  ReadTransaction,
  Scalar,
  Where,
} from '../../../application/ports/read-store';
import { UnknownCollection } from '../../../application/ports/read-store';
import { checkCollectionName, checkField, cursorAfter, decodeCursor, isOperator, pageLimit, pageOffset, sortKeys } from '../query';

/** A writer waits this long for another process's transaction on the same file (a rebuild). */
const BUSY_TIMEOUT_MS = 5000;

/** Prepared statements kept per connection. */
const MAX_STATEMENTS = 500;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS read_consumers (
    consumer TEXT PRIMARY KEY,
    active   INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE IF NOT EXISTS read_generations (
    consumer    TEXT    NOT NULL,
    generation  INTEGER NOT NULL,
    collections TEXT    NOT NULL,
    checkpoint  INTEGER,
    PRIMARY KEY (consumer, generation)
  ) STRICT`;

type Param = string | number | bigint | null;

const sqlValue = (value: Scalar): Param => (typeof value === 'boolean' ? (value ? 1 : 0) : value);

/** The SQL expression of a (dotted) document field; `id` is the key column. */
const expr = (field: string) => (field === 'id' ? 'id' : `json_extract(doc, '$.${checkField(field)}')`);

const table = (collection: string, generation: number) => `"rs_${checkCollectionName(collection)}_g${generation}"`;

/**
 * The embedded read store: one SQLite file (`read.sqlite` under DATA_DIR), WAL. Each collection of each
 * generation is a table (id, doc JSON) with expression indexes on json_extract. The checkpoint of a
 * consumer is a row written in the same transaction as its documents.
 *
 * `synchronous = NORMAL`: after power loss the last commits may be gone, but each with its checkpoint,
 * so the consumer simply applies those events again; nothing here is the legal record (the event store is).
 *
 * One writing connection per process; every use of it goes through one queue, so a read inside a transaction
 * never sees another consumer's uncommitted one. Queries outside transactions use a second connection (a
 * file store): they read what was committed last and never wait behind a consumer's transaction.
 */
export class SqliteReadStore implements ReadStore {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private queue: Promise<unknown> = Promise.resolve();
  /** Collection → its consumer, for collections registered in this process. */
  private readonly owners = new Map<string, string>();
  /**
   * Queries outside a transaction (a file store): a second connection, so that a query never waits behind a
   * consumer's transaction; in WAL mode it reads what was committed last. `:memory:` has one connection only.
   */
  private readonly reader: Database.Database;
  /** Prepared statements per connection, by their SQL: preparing costs more than running most of them. */
  private readonly statements = new Map<Database.Database, Map<string, Database.Statement>>();
  /** Runs its argument in one read transaction on the reader (made once: better-sqlite3 builds a transaction function at a cost). */
  private readonly snapshot: (work: (db: Database.Database) => unknown) => unknown;

  private constructor(filename: string) {
    this.db = new Database(filename);
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (filename !== ':memory:') {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
    }
    // Erased personal data is overwritten in the file, not only unlinked (A8.1).
    this.db.pragma('secure_delete = ON');
    this.db.exec(SCHEMA);
    this.reader = filename === ':memory:' ? this.db : new Database(filename);
    if (this.reader !== this.db) this.reader.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    this.snapshot = this.reader.transaction((work: (db: Database.Database) => unknown) => work(this.reader));
  }

  /** Opens (creating if needed) the file; ':memory:' for a private in-memory store. */
  static open(filename: string): SqliteReadStore {
    return new SqliteReadStore(filename);
  }

  /** The prepared statement of `sql`, kept for the next use (SQLite prepares it again itself after a schema change). */
  private statement(sql: string, db = this.db): Database.Statement {
    let cache = this.statements.get(db);
    if (cache === undefined) this.statements.set(db, (cache = new Map<string, Database.Statement>()));
    let statement = cache.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      // Queries with literal limits and offsets vary: keep the most recent ones only.
      if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value as string);
      cache.set(sql, statement);
    }
    return statement;
  }

  /** A query outside any transaction: on the reader, in one read transaction (one snapshot); see `reader`. */
  private async query<T>(work: (db: Database.Database) => T): Promise<T> {
    if (this.reader === this.db) return this.exclusive(() => work(this.db));
    return this.snapshot(work) as T;
  }

  /** Runs `work` after every earlier use of the connection has finished. */
  private exclusive<T>(work: () => Promise<T> | T): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async register(consumer: string, collections: CollectionSpec[]): Promise<void> {
    for (const c of collections) {
      checkCollectionName(c.name);
      const owner = this.owners.get(c.name);
      if (owner && owner !== consumer) throw new UnknownCollection(c.name, `already owned by ${owner}`);
    }
    await this.exclusive(() => {
      this.db
        .transaction(() => {
          const row = this.statement('SELECT active FROM read_consumers WHERE consumer = ?').get(consumer) as { active: number } | undefined;
          const generation = row?.active ?? 1;
          if (!row) this.statement('INSERT INTO read_consumers (consumer, active) VALUES (?, ?)').run(consumer, generation);
          this.statement(
            'INSERT INTO read_generations (consumer, generation, collections) VALUES (?, ?, ?) ON CONFLICT (consumer, generation) DO UPDATE SET collections = excluded.collections',
          ).run(consumer, generation, JSON.stringify(collections));
          this.createCollections(collections, generation);
        })
        .immediate();
    });
    for (const c of collections) this.owners.set(c.name, consumer);
  }

  private createCollections(collections: CollectionSpec[], generation: number): void {
    for (const c of collections) {
      const t = table(c.name, generation);
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${t} (id TEXT PRIMARY KEY, doc TEXT NOT NULL) STRICT`);
      (c.indexes ?? []).forEach((index, i) => {
        const columns = index.fields.map((f) => `${expr(f.field)}${f.direction === 'desc' ? ' DESC' : ''}`).join(', ');
        const name = `"rs_${c.name}_g${generation}_i${i}"`;
        this.db.exec(`CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${name} ON ${t} (${columns})`);
      });
    }
  }

  private generations(consumer: string): Array<{ generation: number; collections: CollectionSpec[] }> {
    const rows = this.statement('SELECT generation, collections FROM read_generations WHERE consumer = ? ORDER BY generation').all(
      consumer,
    ) as Array<{ generation: number; collections: string }>;
    return rows.map((r) => ({ generation: r.generation, collections: JSON.parse(r.collections) as CollectionSpec[] }));
  }

  private active(consumer: string, db = this.db): number {
    const row = this.statement('SELECT active FROM read_consumers WHERE consumer = ?', db).get(consumer) as { active: number } | undefined;
    if (!row) throw new Error(`Read-store consumer ${consumer} is not registered`);
    return row.active;
  }

  private owner(collection: string): string {
    const owner = this.owners.get(collection);
    if (!owner) throw new UnknownCollection(collection, 'no consumer registered it in this process');
    return owner;
  }

  private readCheckpoint(consumer: string, generation: number): bigint | undefined {
    const row = this.statement('SELECT checkpoint FROM read_generations WHERE consumer = ? AND generation = ?')
      .safeIntegers(true)
      .get(consumer, generation) as { checkpoint: bigint | null } | undefined;
    return row?.checkpoint ?? undefined;
  }

  // ── reads of committed documents ───────────────────────────────────────────────────────────

  get<T extends { id: string } = Document>(collection: string, id: string): Promise<T | undefined> {
    return this.query((db) => this.getIn<T>(table(collection, this.active(this.owner(collection), db)), id, db));
  }

  find<T extends { id: string } = Document>(collection: string, options: FindOptions = {}): Promise<FoundPage<T>> {
    return this.query((db) => this.findIn<T>(table(collection, this.active(this.owner(collection), db)), options, db));
  }

  count(collection: string, where: Where = {}): Promise<number> {
    return this.query((db) => this.countIn(table(collection, this.active(this.owner(collection), db)), where, db));
  }

  private getIn<T>(t: string, id: string, db = this.db): T | undefined {
    const row = this.statement(`SELECT doc FROM ${t} WHERE id = ?`, db).get(id) as { doc: string } | undefined;
    return row && (JSON.parse(row.doc) as T);
  }

  private findIn<T extends { id: string }>(t: string, options: FindOptions, db = this.db): FoundPage<T> {
    const limit = pageLimit(options.limit);
    const params: Param[] = [];
    const clauses = whereClauses(options.where ?? {}, params);
    const keys = sortKeys(options.orderBy);
    if (options.after !== undefined) {
      const values = decodeCursor(options.after, keys.length);
      const alternatives = keys.map((key, i) => {
        const equal = keys.slice(0, i).map((k, j) => (params.push(sqlValue(values[j])), `${expr(k.field)} = ?`));
        params.push(sqlValue(values[i]));
        return `(${[...equal, `${expr(key.field)} ${key.direction === 'desc' ? '<' : '>'} ?`].join(' AND ')})`;
      });
      clauses.push(`(${alternatives.join(' OR ')})`);
    }
    const sql = `SELECT doc FROM ${t}${clauses.length ? ` WHERE ${clauses.join(' AND ')}` : ''} ORDER BY ${keys
      .map((k) => `${expr(k.field)} ${k.direction === 'desc' ? 'DESC' : 'ASC'}`)
      .join(', ')} LIMIT ${limit + 1} OFFSET ${pageOffset(options.offset)}`;
    const rows = this.statement(sql, db).all(...params) as Array<{ doc: string }>;
    const items = rows.slice(0, limit).map((r) => JSON.parse(r.doc) as T);
    return rows.length > limit ? { items, next: cursorAfter(items[items.length - 1], options) } : { items };
  }

  private countIn(t: string, where: Where, db = this.db): number {
    const params: Param[] = [];
    const clauses = whereClauses(where, params);
    const row = this.statement(`SELECT count(*) AS n FROM ${t}${clauses.length ? ` WHERE ${clauses.join(' AND ')}` : ''}`, db).get(...params) as {
      n: number;
    };
    return row.n;
  }

  // ── transactions ───────────────────────────────────────────────────────────────────────────

  transaction<T>(consumer: string, work: (tx: ReadTransaction) => Promise<T>, generation?: number): Promise<T> {
    return this.exclusive(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const g = generation ?? this.active(consumer);
        const result = await work(this.transactionOn(consumer, g));
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  private transactionOn(consumer: string, generation: number): ReadTransaction {
    const own = (collection: string) => {
      if (this.owner(collection) !== consumer) throw new UnknownCollection(collection, `not owned by ${consumer}`);
      return table(collection, generation);
    };
    const writer: ReadStoreWriter = {
      get: async <D extends { id: string }>(c: string, id: string) => this.getIn<D>(own(c), id),
      find: async <D extends { id: string }>(c: string, options: FindOptions = {}) => this.findIn<D>(own(c), options),
      count: async (c: string, where: Where = {}) => this.countIn(own(c), where),
      put: async <D extends { id: string }>(c: string, document: D) => {
        this.statement(`INSERT INTO ${own(c)} (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`).run(
          document.id,
          JSON.stringify(document),
        );
      },
      update: async (c: string, id: string, changes: Record<string, unknown>) => {
        const t = own(c);
        const current = this.getIn<Document>(t, id);
        if (!current) return false;
        const next: Document = { ...current, ...changes, id };
        for (const [key, value] of Object.entries(changes)) if (value === undefined) delete next[key];
        this.statement(`UPDATE ${t} SET doc = ? WHERE id = ?`).run(JSON.stringify(next), id);
        return true;
      },
      delete: async (c: string, id: string) => this.statement(`DELETE FROM ${own(c)} WHERE id = ?`).run(id).changes > 0,
      deleteWhere: async (c: string, where: Where) => {
        const params: Param[] = [];
        const clauses = whereClauses(where, params);
        return this.statement(`DELETE FROM ${own(c)}${clauses.length ? ` WHERE ${clauses.join(' AND ')}` : ''}`).run(...params).changes;
      },
    };
    return {
      ...writer,
      checkpoint: async () => this.readCheckpoint(consumer, generation),
      setCheckpoint: async (position: bigint) => {
        const changed = this.statement('UPDATE read_generations SET checkpoint = ? WHERE consumer = ? AND generation = ?').run(
          position,
          consumer,
          generation,
        ).changes;
        if (changed !== 1) throw new Error(`Read-store consumer ${consumer} has no generation ${generation}`);
      },
      activate: async () => {
        this.statement('UPDATE read_consumers SET active = ? WHERE consumer = ?').run(generation, consumer);
      },
    };
  }

  // ── checkpoints and generations ─────────────────────────────────────────────────────────────

  checkpoint(consumer: string, generation?: number): Promise<bigint | undefined> {
    return this.exclusive(() => this.readCheckpoint(consumer, generation ?? this.active(consumer)));
  }

  activeGeneration(consumer: string): Promise<number> {
    return this.exclusive(() => this.active(consumer));
  }

  createGeneration(consumer: string): Promise<number> {
    return this.exclusive(() =>
      this.db
        .transaction(() => {
          const all = this.generations(consumer);
          const active = all.find((g) => g.generation === this.active(consumer));
          if (!active) throw new Error(`Read-store consumer ${consumer} is not registered`);
          for (const left of all.filter((g) => g !== active)) this.drop(consumer, left);
          const generation = Math.max(...all.map((g) => g.generation)) + 1;
          this.statement('INSERT INTO read_generations (consumer, generation, collections) VALUES (?, ?, ?)').run(
            consumer,
            generation,
            JSON.stringify(active.collections),
          );
          this.createCollections(active.collections, generation);
          return generation;
        })
        .immediate(),
    );
  }

  activate(consumer: string, generation: number): Promise<void> {
    return this.exclusive(() => {
      if (!this.generations(consumer).some((g) => g.generation === generation))
        throw new Error(`Read-store consumer ${consumer} has no generation ${generation}`);
      this.statement('UPDATE read_consumers SET active = ? WHERE consumer = ?').run(generation, consumer);
    });
  }

  dropGeneration(consumer: string, generation: number): Promise<void> {
    return this.exclusive(() =>
      this.db
        .transaction(() => {
          if (this.active(consumer) === generation) throw new Error(`Generation ${generation} of ${consumer} is active; activate another one first`);
          const found = this.generations(consumer).find((g) => g.generation === generation);
          if (found) this.drop(consumer, found);
        })
        .immediate(),
    );
  }

  private drop(consumer: string, found: { generation: number; collections: CollectionSpec[] }): void {
    for (const c of found.collections) this.db.exec(`DROP TABLE IF EXISTS ${table(c.name, found.generation)}`);
    this.statement('DELETE FROM read_generations WHERE consumer = ? AND generation = ?').run(consumer, found.generation);
  }

  async close(): Promise<void> {
    await this.exclusive(() => {
      if (this.reader !== this.db) this.reader.close();
      this.db.close();
    });
  }
}

function whereClauses(where: Where, params: Param[]): string[] {
  const clauses: string[] = [];
  for (const [field, condition] of Object.entries(where)) {
    const e = expr(field);
    const ops: Exclude<Condition, Scalar> = isOperator(condition) ? condition : { eq: condition };
    const compare = (op: string, value: Scalar) => {
      params.push(sqlValue(value));
      clauses.push(`${e} ${op} ?`);
    };
    if (ops.eq !== undefined) {
      if (ops.eq === null) clauses.push(`${e} IS NULL`);
      else compare('=', ops.eq);
    }
    if (ops.ne !== undefined) {
      if (ops.ne === null) clauses.push(`${e} IS NOT NULL`);
      else {
        params.push(sqlValue(ops.ne));
        clauses.push(`(${e} IS NULL OR ${e} <> ?)`);
      }
    }
    if (ops.in !== undefined) {
      if (ops.in.length === 0) clauses.push('0');
      else {
        params.push(...ops.in.map(sqlValue));
        clauses.push(`${e} IN (${ops.in.map(() => '?').join(', ')})`);
      }
    }
    if (ops.gt !== undefined) compare('>', ops.gt);
    if (ops.gte !== undefined) compare('>=', ops.gte);
    if (ops.lt !== undefined) compare('<', ops.lt);
    if (ops.lte !== undefined) compare('<=', ops.lte);
    if (ops.contains !== undefined) {
      params.push(sqlValue(ops.contains));
      clauses.push(`EXISTS (SELECT 1 FROM json_each(doc, '$.${checkField(field)}') WHERE value = ?)`);
    }
    if (ops.exists !== undefined) clauses.push(`${e} IS ${ops.exists ? 'NOT ' : ''}NULL`);
  }
  return clauses;
}
