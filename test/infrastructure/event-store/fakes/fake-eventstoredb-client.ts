/**
 * An in-memory stand-in for the EventStoreDB client, because no server can run where these tests run. It
 * reproduces what the adapter relies on, as read in the client's typings and the server's source:
 * - ids must be UUIDs; positions are log positions with gaps, commit === prepare for every event;
 * - an append at an expected revision the stream has passed is idempotent when the events at the following
 *   revisions have the same ids (the server's commit check); 'any' and 'stream_exists' recognise ids already
 *   in the stream (the server uses a cache of recent ids; here it never forgets);
 * - an append reports the commit position of its last event (its prepare position is the first event's);
 * - forward reads of $all include the event at `fromPosition`, backward reads start strictly before it;
 *   subscriptions start strictly after it;
 * - a missing stream fails the read with StreamNotFoundError;
 * - unsubscribing cancels the call but does not end the readable;
 * - the server writes system events ($-prefixed types and streams) between the application's;
 * - other programs may write to the same database: binary events, JSON without this adapter's metadata;
 * - a stream deleted for good (tombstoned) fails reads and appends with StreamDeletedError, and leaves a
 *   `$streamDeleted` event in $all.
 * Tests of behaviour it does not reproduce (timeouts, leader changes, scavenging) need a real server.
 */
import { randomUUID } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import {
  ANY,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type AppendResult,
  type AppendToStreamOptions,
  BACKWARDS,
  END,
  type EventData,
  type EventType,
  NO_STREAM,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ResolvedEvent,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  type StreamingRead,
  type SubscribeToAllOptions,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import type { EventStoreDbClient } from '../../../../src/infrastructure/event-store/eventstoredb/eventstoredb-event-store';

interface LogRecord {
  streamId: string;
  revision: bigint;
  id: string;
  type: string;
  isJson: boolean;
  data: string;
  metadata: string | undefined;
  position: bigint;
}

interface LiveSubscription {
  readable: PassThrough;
  regex: RegExp | undefined;
}

export interface FakeOptions {
  /** Writes a system event after every this many appends (none when omitted). */
  systemEventEvery?: number;
  /** Servers before 22.6 return no positions on stream reads. */
  positionsOnStreamReads?: boolean;
  /** A retry recognised before the original is indexed is answered without a position. */
  positionsOnRecognisedRetries?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NO_POSITION = 2n ** 64n - 1n;

export class FakeEventStoreDbClient implements EventStoreDbClient {
  readonly log: LogRecord[] = [];
  disposed = false;
  private nextPosition = 1024n;
  private appends = 0;
  private readonly live = new Set<LiveSubscription>();
  private readonly tombstoned = new Set<string>();

  constructor(private readonly options: FakeOptions = {}) {
    this.writeSystemEvent();
  }

  async appendToStream<E extends EventType = EventType>(
    streamName: string,
    events: EventData<E> | EventData<E>[],
    { expectedRevision = ANY }: AppendToStreamOptions = {},
  ): Promise<AppendResult> {
    const batch = (Array.isArray(events) ? events : [events]) as EventData[];
    for (const event of batch) {
      if (!UUID.test(event.id)) throw new Error(`Invalid UUID ${event.id}`);
    }
    if (this.tombstoned.has(streamName)) throw StreamDeletedError.fromStreamName(streamName);
    const stream = this.stream(streamName);
    const current = stream.at(-1)?.revision ?? -1n;
    const decision = commitCheck(stream, batch, expectedRevision, current);
    if (decision === 'wrong') {
      throw new WrongExpectedVersionError(undefined, {
        streamName,
        expected: expectedRevision,
        current: current === -1n ? NO_STREAM : current,
      });
    }
    if (decision !== 'write') {
      return (this.options.positionsOnRecognisedRetries ?? true) ? decision : { ...decision, position: undefined };
    }
    const written = batch.map((event, index) => this.write(streamName, current + 1n + BigInt(index), event));
    this.appends += 1;
    if (this.options.systemEventEvery && this.appends % this.options.systemEventEvery === 0) this.writeSystemEvent();
    return appendResult(written);
  }

  readStream<E extends EventType = EventType>(
    streamName: string,
    { fromRevision = START, direction, maxCount = Number.MAX_SAFE_INTEGER }: ReadStreamOptions = {},
  ): StreamingRead<ResolvedEvent<E>> {
    if (this.tombstoned.has(streamName)) return failedRead(StreamDeletedError.fromStreamName(streamName));
    const stream = this.stream(streamName);
    const last = stream.at(-1);
    if (last === undefined) return failedRead(new StreamNotFoundError(undefined, streamName));
    const from = fromRevision === START ? 0n : fromRevision === END ? last.revision : fromRevision;
    const selected =
      direction === BACKWARDS ? stream.filter((record) => record.revision <= from).reverse() : stream.filter((record) => record.revision >= from);
    const withPositions = this.options.positionsOnStreamReads ?? true;
    const read = streamingRead(selected.slice(0, Number(maxCount)).map((record) => resolved(record, withPositions)));
    return read as unknown as StreamingRead<ResolvedEvent<E>>;
  }

  readAll({ fromPosition = START, direction, maxCount = Number.MAX_SAFE_INTEGER }: ReadAllOptions = {}): StreamingRead<AllStreamResolvedEvent> {
    const from = fromPosition === START ? -1n : fromPosition === END ? this.nextPosition : fromPosition.commit;
    const selected =
      direction === BACKWARDS ? this.log.filter((record) => record.position < from).reverse() : this.log.filter((record) => record.position >= from);
    return streamingRead(selected.slice(0, Number(maxCount)).map((record) => resolved(record, true)));
  }

  subscribeToAll({ fromPosition = START, filter }: SubscribeToAllOptions = {}): AllStreamSubscription {
    const subscription: LiveSubscription = {
      readable: new PassThrough({ objectMode: true }),
      regex: filter && 'regex' in filter ? new RegExp(filter.regex) : undefined,
    };
    const after = fromPosition === START ? -1n : fromPosition === END ? this.nextPosition : fromPosition.commit;
    this.log.filter((record) => record.position > after).forEach((record) => deliver(subscription, record));
    this.live.add(subscription);
    return Object.assign(subscription.readable, {
      unsubscribe: async () => {
        this.live.delete(subscription);
      },
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }

  /** A hard delete: the stream's events stay in $all (until a scavenge), the stream is gone for good. */
  tombstone(streamName: string): void {
    this.tombstoned.add(streamName);
    this.write(streamName, (this.stream(streamName).at(-1)?.revision ?? -1n) + 1n, {
      id: randomUUID(),
      contentType: 'application/json',
      type: '$streamDeleted',
      data: {},
      metadata: undefined,
    });
  }

  /** What a lost connection does to the running subscriptions. */
  failSubscriptions(error: Error): void {
    this.live.forEach(({ readable }) => readable.destroy(error));
  }

  private stream(streamName: string): LogRecord[] {
    return this.log.filter((record) => record.streamId === streamName);
  }

  private write(streamId: string, revision: bigint, event: EventData): LogRecord {
    const record: LogRecord = {
      streamId,
      revision,
      id: event.id,
      type: event.type,
      isJson: event.contentType === 'application/json',
      data: event.contentType === 'application/json' ? JSON.stringify(event.data) : Buffer.from(event.data).toString('base64'),
      metadata: event.metadata === undefined ? undefined : JSON.stringify(event.metadata),
      position: this.nextPosition,
    };
    this.nextPosition += 100n + BigInt(record.data.length + (record.metadata?.length ?? 0));
    this.log.push(record);
    this.live.forEach((subscription) => deliver(subscription, record));
    return record;
  }

  private writeSystemEvent(): void {
    const stream = this.stream('$stats-127.0.0.1:2113');
    this.write('$stats-127.0.0.1:2113', BigInt(stream.length), {
      id: randomUUID(),
      contentType: 'application/json',
      type: '$statistics-collected',
      data: { 'proc-cpu': 0.1 },
      metadata: undefined,
    });
  }
}

/**
 * The server's commit check: write, reject, or answer a retry with the original result. A retry that only
 * partly matches ("corrupted idempotency") is answered as a wrong expected version, as the server does.
 */
function commitCheck(
  stream: readonly LogRecord[],
  batch: readonly EventData[],
  expected: AppendExpectedRevision,
  current: bigint,
): AppendResult | 'write' | 'wrong' {
  if (expected === ANY || expected === STREAM_EXISTS) {
    if (expected === STREAM_EXISTS && current === -1n) return 'wrong';
    const found = batch.map((event) => stream.find((record) => record.id === event.id));
    if (found[0] === undefined) return 'write';
    return found.every(isDefined) ? appendResult(found) : 'wrong';
  }
  const expectedRevision = expected === NO_STREAM ? -1n : expected;
  if (expectedRevision === current) return 'write';
  if (expectedRevision > current) return 'wrong';
  const found = batch.map((event, index) =>
    stream.find((record) => record.revision === expectedRevision + 1n + BigInt(index) && record.id === event.id),
  );
  return found.every(isDefined) ? appendResult(found) : 'wrong';
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

function appendResult(written: readonly LogRecord[]): AppendResult {
  const last = written[written.length - 1];
  return {
    success: true,
    nextExpectedRevision: last.revision,
    position: { commit: last.position, prepare: written[0].position },
  };
}

function resolved(record: LogRecord, withPosition: boolean): AllStreamResolvedEvent {
  const position = withPosition ? record.position : NO_POSITION;
  const common = {
    streamId: record.streamId,
    id: record.id,
    revision: record.revision,
    type: record.type,
    created: new Date(),
    position: { commit: position, prepare: position },
  };
  return {
    event: record.isJson
      ? {
          ...common,
          isJson: true,
          data: JSON.parse(record.data) as Record<string, unknown>,
          metadata: record.metadata === undefined ? undefined : (JSON.parse(record.metadata) as Record<string, unknown>),
        }
      : { ...common, isJson: false, data: new Uint8Array(Buffer.from(record.data, 'base64')), metadata: new Uint8Array() },
    commitPosition: record.position,
  };
}

function deliver(subscription: LiveSubscription, record: LogRecord): void {
  if (subscription.regex && !subscription.regex.test(record.type)) return;
  subscription.readable.write(resolved(record, true));
}

function streamingRead<T>(items: readonly T[]): StreamingRead<T> {
  return Object.assign(Readable.from(items), { cancel: async () => undefined });
}

function failedRead<T>(error: Error): StreamingRead<T> {
  const readable = new Readable({
    objectMode: true,
    read() {
      this.destroy(error);
    },
  });
  return Object.assign(readable, { cancel: async () => undefined });
}
