/**
 * The event store port. Every change in Madoguchi is an event appended here.
 *
 * Revisions are 0-based per stream (the first event of a stream has revision 0), whatever the
 * adapter counts internally. Positions are global, strictly increasing over the whole store,
 * and only comparable within one store.
 */

/** Who and why, recorded on every event. */
export interface EventMetadata {
  /** Id of the command that produced the event (the Idempotency-Key, or a fresh UUID). */
  commandId: string;
  /** Id shared by everything that follows from one user action. */
  correlationId: string;
  /** Id of the command or event that directly caused this one. */
  causationId: string;
  /** The acting staff member ('system:<process>' for timers and reactors). */
  actor: string;
  /** ISO-8601 UTC instant the command was decided at (from the injected clock). */
  recordedAt: string;
  /** Further keys adapters must store and return as they are. */
  [key: string]: unknown;
}

/** An event about to be appended. `eventId` must be deterministic for retries to be idempotent. */
export interface NewEvent {
  eventId: string;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

export interface StoredEvent extends NewEvent {
  streamId: string;
  /** 0-based revision inside the stream. */
  revision: bigint;
  /** Global position inside the store. */
  position: bigint;
}

/**
 * - 'no_stream': the stream must not exist yet.
 * - 'stream_exists': the stream must exist, at any revision.
 * - 'any': no check.
 * - bigint: the stream's last revision must be exactly this.
 */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | bigint;

export interface AppendResult {
  /** Revision of the last event in the stream after the append. */
  nextExpectedRevision: bigint;
  /** Global position of the last appended event. */
  position: bigint;
}

export interface ReadAllOptions {
  /** Read events with position strictly greater than this. Omitted: from the start. */
  after?: bigint;
  /** Maximum number of events (adapters may cap it). */
  limit?: number;
  /** Only events of these types (the others are skipped, and do not count towards `limit`). Omitted: every type. */
  types?: readonly string[];
}

export type EventHandler = (event: StoredEvent) => Promise<void> | void;

export interface Subscription {
  /** Stops delivery; resolves once no handler call is running. */
  stop(): Promise<void>;
  /** Resolves with the error that ended the subscription (a handler that threw, a lost connection). */
  readonly ended: Promise<Error | undefined>;
}

export interface EventStore {
  /**
   * Appends atomically. Throws `WrongExpectedRevision` when the check fails.
   * Idempotent by event id at an exact expected revision (or 'no_stream'): appending events whose
   * ids are already the stream's events at the places that revision gives them returns the original
   * result and writes nothing, however long after. Under 'any' and 'stream_exists' there is no place
   * to compare with: an adapter may recognise a recent retry (EventStoreDB keeps a bounded cache of
   * recent ids) but may also append the events again. A caller whose retries must not duplicate
   * appends at the revision it read.
   */
  append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /** The stream's events in order, from `fromRevision` (inclusive). Empty array if the stream does not exist. */
  readStream(streamId: string, fromRevision?: bigint): Promise<StoredEvent[]>;
  /** Events of all streams in global order. */
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  /** Position of the last event in the store, or -1n when empty. */
  headPosition(): Promise<bigint>;
  /**
   * Catch-up, then live: calls `handler` for every event with position > `after` (all events when
   * omitted), one at a time, in global order, awaiting each call. Resumable from any position.
   * If the handler throws, the subscription ends with that error (nothing is skipped).
   */
  subscribeAll(handler: EventHandler, options?: { after?: bigint }): Subscription;
  close(): Promise<void>;
}

/** Thrown by `append` when the stream is not at the expected revision. */
export class WrongExpectedRevision extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream',
  ) {
    super(`Stream ${streamId} expected at ${String(expected)}, found at ${String(actual)}`);
    this.name = 'WrongExpectedRevision';
  }
}
