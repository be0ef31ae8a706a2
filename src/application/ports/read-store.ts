/**
 * The read store port: durable read models (documents in named collections) plus one checkpoint per
 * consumer, written in the same transaction as the documents. Adapters: SQLite (embedded, its own
 * file under DATA_DIR) and MongoDB (production; a multi-document transaction on a replica set).
 *
 * ## How to write a projector
 *
 * A projector (`Projector` in `src/application/consumers/consumer.ts`) is a class with
 *   - `name`: unique and stable (its checkpoint is stored under it; renaming it replays from 0),
 *   - `handles`: the event types it reads (others only move its checkpoint),
 *   - `collections`: the collections it owns and their indexes (created at start-up), named
 *     globally uniquely (prefix them with the read model, e.g. `calendar_slots`),
 *   - `apply(event, tx)`: changes its documents through `tx` only — no other I/O, no clock (the
 *     event's `metadata.recordedAt` is the time), no in-memory state that outlives the call.
 * The consumer runtime calls `apply` for a batch of events inside one read-store transaction that
 * also stores the projector's checkpoint, so after a crash the batch is either entirely applied with
 * its checkpoint or not at all; `apply` may be called again for the same events after a rolled-back
 * attempt (MongoDB retries transient transaction errors), so it must not keep state outside `tx`.
 * Throwing stops only this projector (a poison event: logged with its position, shown in
 * /health/ready), so throw only for an event that can never be applied.
 *
 * Its constructor takes no arguments (`npm run rebuild` builds projectors without the application).
 * Register the class in `src/projections/projectors.ts`. Queries read the committed documents with
 * `ReadStore.get/find/count` after `ConsumerRuntime.caughtUp(name)` where they need read-your-writes.
 *
 * Documents are JSON objects with a string `id` (unique in the collection). Filters and sorts name
 * top-level fields or dotted paths into sub-objects. Keep sort fields non-null (the cursor compares
 * them); dates as ISO-8601 strings (UTC or a fixed offset, so that string order is time order).
 */

export type Scalar = string | number | boolean | null;

/** A condition on one field: a scalar means equality (null also matches a missing field). */
export type Condition =
  | Scalar
  | {
      eq?: Scalar;
      ne?: Scalar;
      in?: Scalar[];
      gt?: Scalar;
      gte?: Scalar;
      lt?: Scalar;
      lte?: Scalar;
      /** The field is an array containing this value. */
      contains?: Scalar;
      /** The field is present and not null (true) or missing or null (false). */
      exists?: boolean;
    };

/** Every condition must hold (AND). */
export type Where = Record<string, Condition>;

export interface SortKey {
  field: string;
  direction?: 'asc' | 'desc';
}

export interface FindOptions {
  where?: Where;
  /** Sort order; `id` ascending is always appended as the last tie-breaker. */
  orderBy?: SortKey[];
  /** Page size (default 100, capped at 1000). */
  limit?: number;
  /** The `next` cursor of the previous page (same where and orderBy). */
  after?: string;
  /** Documents to skip (offset pagination, for lists that show a total); prefer `after` for long lists. */
  offset?: number;
}

export interface FoundPage<T> {
  items: T[];
  /** Cursor of the next page; absent on the last page. */
  next?: string;
}

export interface Document {
  id: string;
  [field: string]: unknown;
}

export interface IndexSpec {
  fields: SortKey[];
  unique?: boolean;
}

export interface CollectionSpec {
  name: string;
  indexes?: IndexSpec[];
}

/** Reads of committed documents. */
export interface ReadStoreReader {
  get<T extends { id: string } = Document>(collection: string, id: string): Promise<T | undefined>;
  find<T extends { id: string } = Document>(collection: string, options?: FindOptions): Promise<FoundPage<T>>;
  count(collection: string, where?: Where): Promise<number>;
}

/** What a projector may do inside its transaction (reads see the transaction's own writes). */
export interface ReadStoreWriter extends ReadStoreReader {
  /** Inserts or replaces the whole document. */
  put<T extends { id: string }>(collection: string, document: T): Promise<void>;
  /** Sets the given top-level fields (an `undefined` value removes the field); false when there is no such document. */
  update(collection: string, id: string, changes: Record<string, unknown>): Promise<boolean>;
  delete(collection: string, id: string): Promise<boolean>;
  deleteWhere(collection: string, where: Where): Promise<number>;
}

export interface ReadTransaction extends ReadStoreWriter {
  /** The consumer's checkpoint as committed (or written earlier in this transaction); undefined: nothing applied yet. */
  checkpoint(): Promise<bigint | undefined>;
  setCheckpoint(position: bigint): Promise<void>;
  /**
   * Rebuild: makes this transaction's generation the active one, committed with it — so the live consumer,
   * whose transactions read the active generation, either ran before (and its events are in this one's
   * reads) or runs after, on the new generation.
   */
  activate(): Promise<void>;
}

/** One generation of a consumer's collections: a rebuild fills a fresh generation, then activates it. */
export interface Generation {
  consumer: string;
  generation: number;
}

export interface ReadStore extends ReadStoreReader {
  /** Which store this is, for logs and health ('sqlite', 'mongodb'). */
  readonly kind: string;
  /**
   * Declares a consumer and its collections: creates them and their indexes for the active generation
   * (generation 1 on first use). Idempotent; called at start-up. Collections with no consumer's
   * documents (a consumer that only keeps its checkpoint, e.g. a reactor) pass [].
   */
  register(consumer: string, collections: CollectionSpec[]): Promise<void>;
  /**
   * Runs `work` in one transaction on the consumer's collections of its active generation (or the given
   * generation, for a rebuild). Commits when `work` resolves, rolls back when it throws. SQLite: one
   * BEGIN IMMEDIATE; MongoDB: a session transaction (retried on transient errors, so `work` may run again).
   */
  transaction<T>(consumer: string, work: (tx: ReadTransaction) => Promise<T>, generation?: number): Promise<T>;
  /** The consumer's committed checkpoint in its active generation (or the given one). */
  checkpoint(consumer: string, generation?: number): Promise<bigint | undefined>;
  /** The consumer's active generation. */
  activeGeneration(consumer: string): Promise<number>;
  /**
   * Rebuild: creates empty collections (with indexes) and no checkpoint for a new generation; returns it.
   * Drops what an unfinished rebuild left (every generation but the active one): one rebuild at a time.
   */
  createGeneration(consumer: string): Promise<number>;
  /** Rebuild: makes the generation the one queries and the live consumer use. */
  activate(consumer: string, generation: number): Promise<void>;
  /** Drops a generation's collections and checkpoint (not the active one). */
  dropGeneration(consumer: string, generation: number): Promise<void>;
  close(): Promise<void>;
}

/** The transaction's consumer does not own the collection, or no consumer registered it. */
export class UnknownCollection extends Error {
  constructor(
    readonly collection: string,
    detail: string,
  ) {
    super(`Read-store collection ${collection}: ${detail}`);
    this.name = 'UnknownCollection';
  }
}

export const READ_STORE = Symbol('ReadStore');
