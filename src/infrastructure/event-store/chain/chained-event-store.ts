import {
  type AppendResult,
  type EventHandler,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type StoredEvent,
  type Subscription,
  WrongExpectedRevision,
} from '../../../application/ports/event-store';
import { CHAIN_KEY, chained, GENESIS, linkOf } from './hash-chain';

interface StreamEnd {
  revision: bigint;
  hash: string;
}

/** An append under 'any' or 'stream_exists', waiting for its stream's next batch. */
interface QueuedAppend {
  events: NewEvent[];
  expected: 'any' | 'stream_exists';
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** How many stream ends this process remembers (where a read of a stream's end starts). */
const KNOWN_ENDS = 10_000;
/** An append under 'any' retries this often when other processes keep appending to the same stream. */
const MAX_ATTEMPTS = 20;

/**
 * Issue 19: links every appended event to its stream predecessor (see hash-chain.ts), for any adapter, without
 * changing one: the link travels in the metadata, which every adapter stores and returns as it is.
 *
 * Reads return events without their link: the application has no use for it, and every event reads back as it
 * was appended. The verifier reads the inner store, where the links are.
 *
 * An append at an exact revision (or 'no_stream') knows its predecessor: the event at that revision, read back
 * (one event), and the adapter's revision check guarantees it is still the stream's end. An append under 'any'
 * or 'stream_exists' has no predecessor until it picks one: appends to one stream queue here and go as one
 * append at the stream's exact end, so concurrent views of one day's access log share one write; a conflict
 * with another process re-reads the end and tries again.
 */
export class ChainedEventStore implements EventStore {
  private readonly knownEnds = new Map<string, bigint>();
  /** The last event each stream read showed: an event's hash at a revision never changes. */
  private readonly lastRead = new Map<string, StreamEnd>();
  private readonly queues = new Map<string, QueuedAppend[]>();
  /** Where recently appended event ids went: an immediate retry under 'any' is recognised, as EventStoreDB does. */
  private readonly recentIds = new Map<string, { streamId: string; revision: bigint }>();

  constructor(private readonly inner: EventStore) {}

  async append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) return this.inner.append(streamId, events, expectedRevision);
    if (expectedRevision === 'any' || expectedRevision === 'stream_exists') return this.appendAtEnd(streamId, events, expectedRevision);
    const after = expectedRevision === 'no_stream' ? -1n : expectedRevision;
    const prev = after < 0n ? GENESIS : await this.hashAt(streamId, after);
    const result = await this.inner.append(streamId, chained(streamId, after, prev, events).events, expectedRevision);
    this.remember(streamId, result.nextExpectedRevision, events);
    return result;
  }

  async readStream(streamId: string, fromRevision?: bigint): Promise<StoredEvent[]> {
    const events = await this.inner.readStream(streamId, fromRevision);
    const last = events.at(-1);
    if (last !== undefined) this.rememberLast(streamId, last);
    return events.map(withoutLink);
  }

  async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    return (await this.inner.readAll(options)).map(withoutLink);
  }

  headPosition(): Promise<bigint> {
    return this.inner.headPosition();
  }

  subscribeAll(handler: EventHandler, options?: { after?: bigint }): Subscription {
    return this.inner.subscribeAll((event) => handler(withoutLink(event)), options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /**
   * The hash of the event at `revision`; GENESIS when it has none (written before the chain) or is not there (the
   * append then fails). A command loads its stream right before it appends: that read usually gave it already.
   */
  private async hashAt(streamId: string, revision: bigint): Promise<string> {
    const known = this.lastRead.get(streamId);
    if (known?.revision === revision) return known.hash;
    const [event] = await this.inner.readStream(streamId, revision);
    return event?.revision === revision ? (linkOf(event)?.hash ?? GENESIS) : GENESIS;
  }

  private async appendAtEnd(streamId: string, events: NewEvent[], expected: 'any' | 'stream_exists'): Promise<AppendResult> {
    const original = await this.retried(streamId, events);
    if (original !== undefined) return original;
    return new Promise((resolve, reject) => {
      const item = { events, expected, resolve, reject };
      const queue = this.queues.get(streamId);
      if (queue !== undefined) return queue.push(item);
      this.queues.set(streamId, [item]);
      void this.drain(streamId);
    });
  }

  private async drain(streamId: string): Promise<void> {
    const queue = this.queues.get(streamId)!;
    while (queue.length > 0) await this.appendBatch(streamId, queue.splice(0));
    this.queues.delete(streamId);
  }

  /** The queued appends of one stream as one append at its end; each caller gets the result of its own events. */
  private async appendBatch(streamId: string, batch: QueuedAppend[]): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      let waiting = batch;
      try {
        const end = await this.readEnd(streamId);
        if (end === undefined) {
          for (const item of batch.filter((i) => i.expected === 'stream_exists'))
            item.reject(new WrongExpectedRevision(streamId, 'stream_exists', 'no_stream'));
          waiting = batch.filter((i) => i.expected === 'any');
          if (waiting.length === 0) return;
        }
        const after = end?.revision ?? -1n;
        const all = waiting.flatMap((item) => item.events);
        const appended = await this.inner.append(
          streamId,
          chained(streamId, after, end?.hash ?? GENESIS, all).events,
          end === undefined ? 'no_stream' : after,
        );
        if (appended.nextExpectedRevision !== after + BigInt(all.length)) {
          // The store recognised a retry of an earlier append (by its event ids): its original result.
          for (const item of waiting) item.resolve(appended);
          return;
        }
        this.remember(streamId, appended.nextExpectedRevision, all);
        // One caller: the store's result is its own. Several: each needs the position of its own last event,
        // which only the store knows (EventStoreDB's positions are not consecutive).
        if (waiting.length === 1) return waiting[0].resolve(appended);
        const stored = await this.inner.readStream(streamId, after + 1n);
        let count = 0;
        for (const item of waiting) {
          count += item.events.length;
          const last = stored[count - 1];
          item.resolve({ nextExpectedRevision: last.revision, position: last.position });
        }
        return;
      } catch (error) {
        if (error instanceof WrongExpectedRevision && attempt < MAX_ATTEMPTS) continue;
        // One bad append (a repeated event id) must not fail the others it was batched with.
        if (waiting.length > 1 && !(error instanceof WrongExpectedRevision)) {
          for (const item of waiting) await this.appendBatch(streamId, [item]);
          return;
        }
        for (const item of waiting) item.reject(error);
        return;
      }
    }
  }

  private async readEnd(streamId: string): Promise<StreamEnd | undefined> {
    const from = this.knownEnds.get(streamId) ?? 0n;
    let events = await this.inner.readStream(streamId, from);
    if (events.length === 0 && from > 0n) events = await this.inner.readStream(streamId);
    const last = events.at(-1);
    return last === undefined ? undefined : { revision: last.revision, hash: linkOf(last)?.hash ?? GENESIS };
  }

  /** The original result when these events are exactly a recent append of this process to this stream. */
  private async retried(streamId: string, events: readonly NewEvent[]): Promise<AppendResult | undefined> {
    const found = events.map((event) => this.recentIds.get(event.eventId));
    const first = found[0];
    if (first === undefined || !found.every((f, i) => f?.streamId === streamId && f.revision === first.revision + BigInt(i))) return undefined;
    const revision = first.revision + BigInt(events.length - 1);
    const [last] = await this.inner.readStream(streamId, revision);
    return last?.eventId === events[events.length - 1].eventId ? { nextExpectedRevision: revision, position: last.position } : undefined;
  }

  private rememberLast(streamId: string, event: StoredEvent): void {
    this.lastRead.delete(streamId);
    this.lastRead.set(streamId, { revision: event.revision, hash: linkOf(event)?.hash ?? GENESIS });
    if (this.lastRead.size > KNOWN_ENDS) this.lastRead.delete(this.lastRead.keys().next().value!);
  }

  private remember(streamId: string, revision: bigint, events: readonly NewEvent[]): void {
    this.knownEnds.delete(streamId);
    this.knownEnds.set(streamId, revision);
    if (this.knownEnds.size > KNOWN_ENDS) this.knownEnds.delete(this.knownEnds.keys().next().value!);
    events.forEach((event, i) => this.recentIds.set(event.eventId, { streamId, revision: revision - BigInt(events.length - 1 - i) }));
    while (this.recentIds.size > KNOWN_ENDS) this.recentIds.delete(this.recentIds.keys().next().value!);
  }
}

function withoutLink(event: StoredEvent): StoredEvent {
  if (!(CHAIN_KEY in event.metadata)) return event;
  const { [CHAIN_KEY]: _link, ...metadata } = event.metadata;
  return { ...event, metadata: metadata };
}
