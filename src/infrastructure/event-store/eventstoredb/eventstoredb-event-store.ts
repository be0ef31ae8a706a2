/**
 * EventStoreDB adapter. Everything it needs from the client is in `EventStoreDbClient`, so switching to the
 * renamed `@kurrent/kurrentdb-client` (same API) is a change of the import below.
 *
 * Positions. EventStoreDB addresses an event in $all by `Position { commit, prepare }`. Every append through
 * the gRPC API writes each event as its own implicitly committed prepare record, and the $all position of such a
 * record has commit and prepare both equal to its log position (explicit transactions, the only source of
 * distinct values, do not exist in the gRPC API). So the commit position alone is the port's global position, and
 * `{ commit: p, prepare: p }` addresses the event at `p` exactly. `after` is exclusive in the port:
 * - readAll: a forward read from a position includes the event at it, so events at or before `after` are
 *   dropped after reading;
 * - subscribeToAll: the server starts after the given position; the same check runs anyway, so a server
 *   that delivered the event at the position again could not cause a duplicate.
 *
 * Failures. The client gives reads no deadline (its reads pass `deadline: Infinity` to gRPC, whatever the
 * options say), so every read here has one (`readDeadlineMs`): a stuck server makes a read, and `/health`,
 * fail instead of hang. A read or subscription whose connection never opened (discovery failed, node down)
 * makes the client's `cancel()` / `unsubscribe()` reject and its stream emit 'error' after it was given up:
 * both are absorbed here, so no path ends in an unhandled rejection or an unhandled 'error' event.
 *
 * What it did not write. $all holds whatever anyone wrote to the database: the server's `$` events, and maybe
 * another program's (non-JSON, or without this adapter's metadata). Reads of $all, the head and subscriptions
 * skip both; the foreign ones are logged once each and counted (`foreignEventsSkipped`). A foreign event inside
 * one of this service's own streams still fails the stream read: a decision must not be taken on part of a
 * stream. A stream deleted for good (tombstoned, e.g. by an operator) reads as empty, and appending to it fails
 * with `StreamTombstoned`.
 */
import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import {
  ANY,
  type AllStreamRecordedEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type AppendResult as ClientAppendResult,
  BACKWARDS,
  type CurrentRevision,
  END,
  type EventData,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  type Position,
  type ReadPosition,
  type RecordedEvent,
  type ResolvedEvent,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  type StreamingRead,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  type AppendResult,
  type EventHandler,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type StoredEvent,
  type Subscription,
  WrongExpectedRevision,
} from '../../../application/ports/event-store';
import { assertDistinctEventIds, checkExpectedRevision, originalAppendResult, readAllLimit, toError } from '../port-rules';

export type EventStoreDbClient = Pick<EventStoreDBClient, 'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'>;

/** Port fields EventStoreDB has no place for travel in the event's metadata under these keys. */
export const SCHEMA_VERSION_KEY = '$schemaVersion';
export const EVENT_ID_KEY = '$eventId';

const PAGE_SIZE = 500;
/** Default deadline of one read (a page of $all, a stream, the head). */
export const DEFAULT_READ_DEADLINE_MS = 5_000;
/** How the server reports a position it does not have (stream reads before 22.6, some idempotent appends). */
const NO_POSITION = 2n ** 64n - 1n;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Namespace of the name-based UUIDs derived from port event ids that are not UUIDs already. */
const EVENT_ID_NAMESPACE = Buffer.from('2d0f5a8e6c1b4f3a9e7d41b6c8a05f93', 'hex');

export interface EventStoreDbOptions {
  /** How long one read may take before it fails (the client has no deadline on reads). */
  readDeadlineMs?: number;
}

/** An append to a stream that was deleted for good (hard delete): EventStoreDB never accepts events there again. */
export class StreamTombstoned extends Error {
  constructor(readonly streamId: string) {
    super(`Stream ${streamId} was deleted for good (tombstoned) in EventStoreDB; nothing can be appended to it`);
    this.name = 'StreamTombstoned';
  }
}

/** A read that did not finish within its deadline; the server is stuck or unreachable. */
export class EventStoreDbDeadlineExceeded extends Error {
  constructor(what: string, deadlineMs: number) {
    super(`EventStoreDB did not answer ${what} within ${deadlineMs} ms`);
    this.name = 'EventStoreDbDeadlineExceeded';
  }
}

export class EventStoreDbEventStore implements EventStore {
  private readonly subscriptions = new Set<StreamedSubscription>();
  private closing: Promise<void> | undefined;
  private readonly readDeadlineMs: number;
  private readonly foreignEventIds = new Set<string>();
  private readonly logger = new Logger('EventStoreDB');

  static connect(connectionString: string, options: EventStoreDbOptions = {}): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString), options);
  }

  constructor(
    private readonly client: EventStoreDbClient,
    { readDeadlineMs = DEFAULT_READ_DEADLINE_MS }: EventStoreDbOptions = {},
  ) {
    this.readDeadlineMs = readDeadlineMs;
  }

  /** How many different events in $all this process skipped because this adapter did not write them. */
  get foreignEventsSkipped(): number {
    return this.foreignEventIds.size;
  }

  async append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    assertDistinctEventIds(events);
    if (events.length === 0) return this.currentEnd(streamId, expectedRevision);
    let appended: ClientAppendResult;
    try {
      appended = await this.client.appendToStream(streamId, events.map(toEventData), {
        expectedRevision: toClientExpectedRevision(expectedRevision),
      });
    } catch (thrown) {
      if (thrown instanceof StreamDeletedError) throw new StreamTombstoned(streamId);
      if (!(thrown instanceof WrongExpectedVersionError)) throw thrown;
      return this.retriedAppend(streamId, events, expectedRevision, thrown);
    }
    const position = appended.position?.commit;
    if (position !== undefined && position !== NO_POSITION) {
      // The position of an append is the commit position of its last event.
      return { nextExpectedRevision: appended.nextExpectedRevision, position };
    }
    // The server answers a retry it recognised before indexing the original without a position.
    const original = await this.storedAppend(streamId, events);
    if (original === undefined) throw new Error(`EventStoreDB reported no position for an append to ${streamId}`);
    return original;
  }

  async readStream(streamId: string, fromRevision = 0n): Promise<StoredEvent[]> {
    const read = this.client.readStream(streamId, { fromRevision, direction: FORWARDS });
    return (await this.readExistingStream(read, `a read of ${streamId}`)).map(fromStreamRead);
  }

  async readAll({ after, limit, types }: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const wanted = readAllLimit(limit);
    // The client cannot filter reads of $all by type (only subscriptions): the filter runs here.
    const only = types && new Set(types);
    const events: StoredEvent[] = [];
    let floor = after ?? -1n;
    for (;;) {
      const page = await this.readAllPage(floor);
      for (const event of recordedEvents(page)) {
        const position = globalPosition(event);
        if (position <= floor) continue;
        floor = position;
        const stored = this.ownEvent(event, position);
        if (stored !== undefined && (only === undefined || only.has(stored.type))) events.push(stored);
        if (events.length === wanted) return events;
      }
      if (page.length < PAGE_SIZE) return events;
    }
  }

  /**
   * Called before every read-your-writes read, so it must be cheap: one backward read of one event from the
   * end of $all. Only when that event is the server's own (a `$` event: scavenges, statistics when enabled) or
   * another program's does it page further back. The client 6.2.1 cannot filter reads of $all (only subscriptions), so the
   * filter runs here. It is not cached from the subscriptions' last position: `caughtUp()` compares the head
   * with that very position, and a head taken from it would never see another instance's appends.
   */
  async headPosition(): Promise<bigint> {
    let from: ReadPosition = END;
    let maxCount = 1;
    for (;;) {
      const read = this.client.readAll({ fromPosition: from, direction: BACKWARDS, maxCount });
      const page = await this.collect(read, 'a read of the end of $all');
      const events = recordedEvents(page);
      // The last event a subscription delivers: caughtUp() waits for the subscription to reach it.
      const last = events.find((event) => this.ownEvent(event, globalPosition(event)) !== undefined);
      if (last !== undefined) return globalPosition(last);
      const oldest = events.at(-1);
      if (page.length < maxCount || oldest === undefined) return -1n;
      // A backward read starts strictly before the position it is given.
      from = toReadPosition(globalPosition(oldest));
      maxCount = PAGE_SIZE;
    }
  }

  subscribeAll(handler: EventHandler, { after }: { after?: bigint } = {}): Subscription {
    const source = this.client.subscribeToAll({
      fromPosition: after === undefined || after < 0n ? START : toReadPosition(after),
      filter: excludeSystemEvents(),
    });
    const subscription = new StreamedSubscription(source, handler, after ?? -1n, (event, position) => this.ownEvent(event, position));
    this.subscriptions.add(subscription);
    void subscription.ended.then(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  close(): Promise<void> {
    this.closing ??= this.stopAndDispose();
    return this.closing;
  }

  private async stopAndDispose(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.client.dispose();
  }

  /** An empty append writes nothing; it still checks the expected revision and reports where the stream ends. */
  private async currentEnd(streamId: string, expected: ExpectedRevision): Promise<AppendResult> {
    const read = this.client.readStream(streamId, { fromRevision: END, direction: BACKWARDS, maxCount: 1 });
    const [last] = (await this.readExistingStream(read, `a read of the end of ${streamId}`)).map(fromStreamRead);
    checkExpectedRevision(streamId, expected, last?.revision);
    return { nextExpectedRevision: last?.revision ?? -1n, position: last?.position ?? -1n };
  }

  /**
   * The server only recognises a retry when it comes with the original expected revision (or 'any', from a
   * bounded cache of recent ids). The port promises idempotency whatever the expected revision, so a rejected
   * append is checked against the stream before it is reported as a conflict.
   */
  private async retriedAppend(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
    rejection: WrongExpectedVersionError,
  ): Promise<AppendResult> {
    const original = await this.storedAppend(streamId, events);
    if (original !== undefined) return original;
    throw new WrongExpectedRevision(streamId, expected, toPortActualRevision(rejection.actualVersion));
  }

  /** The result of an earlier append of exactly these events; undefined when none of them is in the stream. */
  private async storedAppend(streamId: string, events: readonly NewEvent[]): Promise<AppendResult | undefined> {
    const eventIds = events.map((event) => event.eventId);
    const wanted = new Set(eventIds);
    const recorded = (await this.readStream(streamId)).filter((event) => wanted.has(event.eventId));
    return originalAppendResult(streamId, eventIds, recorded);
  }

  /** The event as the port knows it; undefined for the server's `$` events and for events this adapter did not write. */
  private ownEvent(event: AllStreamRecordedEvent, position: bigint): StoredEvent | undefined {
    if (isSystemEvent(event)) return undefined;
    try {
      return toStoredEvent(event, position);
    } catch (thrown) {
      if (!(thrown instanceof NotWrittenHere)) throw thrown;
      if (!this.foreignEventIds.has(event.id)) {
        this.foreignEventIds.add(event.id);
        this.logger.warn(`${thrown.message}; skipped (${this.foreignEventIds.size} foreign events skipped so far)`);
      }
      return undefined;
    }
  }

  /** A page of $all from `from` inclusive (the caller drops what it has seen), system events included. */
  private readAllPage(from: bigint): Promise<AllStreamResolvedEvent[]> {
    const fromPosition = from < 0n ? START : toReadPosition(from);
    return this.collect(this.client.readAll({ fromPosition, direction: FORWARDS, maxCount: PAGE_SIZE }), 'a read of $all');
  }

  /** A stream that does not exist, or was deleted for good, reads as empty (the port's promise). */
  private async readExistingStream(read: StreamingRead<ResolvedEvent>, what: string): Promise<RecordedEvent[]> {
    try {
      return recordedEvents(await this.collect(read, what));
    } catch (thrown) {
      if (thrown instanceof StreamNotFoundError || thrown instanceof StreamDeletedError) return [];
      throw thrown;
    }
  }

  /** Everything the read returns, or EventStoreDbDeadlineExceeded once the deadline passed (the read is then given up). */
  private async collect<T>(read: StreamingRead<T>, what: string): Promise<T[]> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new EventStoreDbDeadlineExceeded(what, this.readDeadlineMs)), this.readDeadlineMs);
    });
    try {
      return await Promise.race([collect(read), deadline]);
    } catch (thrown) {
      void giveUp(read); // never rejects: it absorbs the client's own rejection
      throw thrown;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Ends a read or subscription the adapter no longer wants. The client's `cancel()` / `unsubscribe()` reject when
 * the call never started (discovery failed), and its stream emits 'error' later still; with no listener that
 * would be an uncaught exception. Nothing is left to do about either once the stream is given up.
 */
function giveUp(stream: StreamingRead<unknown> | AllStreamSubscription): Promise<void> {
  stream.on('error', ignore);
  const cancelled = 'unsubscribe' in stream ? stream.unsubscribe() : stream.cancel();
  stream.destroy();
  return cancelled.catch(ignore);
}

function ignore(): void {}

/**
 * Delivers a server subscription one event at a time. Async iteration pulls the next event only after the
 * handler's promise settled, and back-pressure holds the rest on the server.
 */
class StreamedSubscription implements Subscription {
  readonly ended: Promise<Error | undefined>;
  private stopping = false;

  constructor(
    private readonly source: AllStreamSubscription,
    handler: EventHandler,
    after: bigint,
    private readonly ownEvent: (event: AllStreamRecordedEvent, position: bigint) => StoredEvent | undefined,
  ) {
    this.ended = this.deliverAfter(handler, after);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.release();
    await this.ended;
  }

  private async deliverAfter(handler: EventHandler, after: bigint): Promise<Error | undefined> {
    let floor = after;
    try {
      for await (const resolved of this.source) {
        if (this.stopping) return undefined;
        const event = resolved.event;
        if (event === undefined) continue;
        const position = globalPosition(event);
        if (position <= floor) continue;
        const stored = this.ownEvent(event, position);
        if (stored !== undefined) await handler(stored);
        floor = position;
      }
      return this.stopping ? undefined : new Error('EventStoreDB ended the subscription to $all');
    } catch (thrown) {
      return this.stopping ? undefined : toError(thrown);
    } finally {
      if (!this.stopping) await this.release();
    }
  }

  /**
   * Cancelling the gRPC call does not end the readable it feeds (the client ignores its own cancellation), so
   * the readable is destroyed as well: that is what makes a pending iteration return. Never rejects (see giveUp).
   */
  private release(): Promise<void> {
    return giveUp(this.source);
  }
}

export function toClientExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      return expected;
  }
}

export function toPortActualRevision(actual: CurrentRevision): bigint | 'no_stream' {
  return actual === NO_STREAM ? 'no_stream' : actual;
}

export function toEventData(event: NewEvent): EventData {
  return jsonEvent({
    id: toClientEventId(event.eventId),
    type: event.type,
    data: event.data,
    metadata: { ...event.metadata, [SCHEMA_VERSION_KEY]: event.schemaVersion, [EVENT_ID_KEY]: event.eventId },
  });
}

/**
 * EventStoreDB ids must be UUIDs; the port's are any string. Other strings map to a name-based (version 5)
 * UUID, deterministic so that a retry still carries the same id; the port id itself is kept in metadata.
 */
export function toClientEventId(eventId: string): string {
  if (UUID.test(eventId)) return eventId;
  const hash = createHash('sha1').update(EVENT_ID_NAMESPACE).update(eventId, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function toStoredEvent(event: RecordedEvent, position: bigint): StoredEvent {
  if (!event.isJson || !isPlainObject(event.data) || !isPlainObject(event.metadata)) {
    throw new NotWrittenHere(event, 'data and metadata are not JSON objects');
  }
  const { [SCHEMA_VERSION_KEY]: schemaVersion, [EVENT_ID_KEY]: eventId, ...metadata } = event.metadata;
  if (typeof schemaVersion !== 'number' || typeof eventId !== 'string' || !isEventMetadata(metadata)) {
    throw new NotWrittenHere(event, `metadata lacks ${SCHEMA_VERSION_KEY}, ${EVENT_ID_KEY} or the port's keys`);
  }
  return {
    streamId: event.streamId,
    revision: event.revision,
    position,
    eventId,
    type: event.type,
    schemaVersion,
    data: event.data,
    metadata,
  };
}

/** The port's global position of an event read from $all (see the file comment). */
export function globalPosition(event: AllStreamRecordedEvent): bigint {
  if (event.position.commit !== event.position.prepare) {
    throw new Error(
      `Event ${event.id} in ${event.streamId} was written in an explicit transaction ` +
        `(commit ${event.position.commit} ≠ prepare ${event.position.prepare}); such positions are not supported`,
    );
  }
  return event.position.commit;
}

export function isSystemEvent(event: RecordedEvent): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

function toReadPosition(position: bigint): Position {
  return { commit: position, prepare: position };
}

function fromStreamRead(event: RecordedEvent): StoredEvent {
  const position = event.position?.commit;
  if (position === undefined || position === NO_POSITION) {
    throw new Error('EventStoreDB returned no event positions on a stream read; version 22.6 or later is required');
  }
  return toStoredEvent(event, position);
}

async function collect<T>(read: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
}

/** Drops resolved links whose target is gone; this adapter never resolves links, so none are expected. */
function recordedEvents<E extends RecordedEvent>(resolved: readonly { event?: E }[]): E[] {
  return resolved.flatMap(({ event }) => (event === undefined ? [] : [event]));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function isEventMetadata(metadata: Record<string, unknown>): metadata is EventMetadata {
  const required = ['commandId', 'correlationId', 'causationId', 'actor', 'recordedAt'] as const;
  return required.every((key) => typeof metadata[key] === 'string');
}

class NotWrittenHere extends Error {
  constructor(event: RecordedEvent, reason: string) {
    super(`Event ${event.id} (${event.type}) in ${event.streamId} was not written by this adapter: ${reason}`);
    this.name = 'NotWrittenHere';
  }
}
