import type { EventStore, StoredEvent } from '../../../application/ports/event-store';
import { GENESIS, linkHash, linkOf } from './hash-chain';

/** What broke at the first broken link. */
export type BreakKind =
  /** The event's content (data, metadata, type, id…) is not what its hash was computed over: edited. */
  | 'content'
  /** Its `prev` is not its stream predecessor's hash: an event before it was removed, replaced or moved. */
  | 'prev'
  /** A revision is missing from the stream (deleted) or comes out of order (rows reordered). */
  | 'revision'
  /** An event without a link after linked ones: written around the chain, or its link removed. */
  | 'unlinked';

export interface BrokenLink {
  kind: BreakKind;
  /** Global position of the event (in SQLite its row id). */
  position: string;
  streamId: string;
  revision: string;
  eventId: string;
  type: string;
  expected: string;
  found: string;
}

export interface ChainReport {
  /** Events checked. */
  checked: number;
  /** Events written before the chain existed (at the start of their stream; not covered). */
  unlinked: number;
  streams: number;
  /** The last hash of every stream walked, for keeping outside as an anchor: the newest position and its hash. */
  head?: { position: string; streamId: string; hash: string };
  broken?: BrokenLink;
}

interface StreamTail {
  revision: bigint;
  /** undefined while the stream has only unlinked events. */
  hash: string | undefined;
}

/**
 * Walks events in global order and checks each one against its stream predecessor. The same code checks the
 * whole store (`npm run verify`) and the tail at start-up, on any adapter (it reads through the port).
 */
export class ChainWalker {
  private readonly tails = new Map<string, StreamTail>();
  checked = 0;
  unlinked = 0;
  head: ChainReport['head'];

  /** Starts a stream's check after `predecessor` (the tail check reads it from the stream). */
  seed(predecessor: StoredEvent): void {
    this.tails.set(predecessor.streamId, { revision: predecessor.revision, hash: linkOf(predecessor)?.hash });
  }

  knows(streamId: string): boolean {
    return this.tails.has(streamId);
  }

  get streams(): number {
    return this.tails.size;
  }

  /** The first problem of this event, or undefined when it is linked as it should be. */
  check(event: StoredEvent): BrokenLink | undefined {
    this.checked += 1;
    const tail = this.tails.get(event.streamId);
    const expectedRevision = tail === undefined ? 0n : tail.revision + 1n;
    const broken = (kind: BreakKind, expected: string, found: string): BrokenLink => ({
      kind,
      position: String(event.position),
      streamId: event.streamId,
      revision: String(event.revision),
      eventId: event.eventId,
      type: event.type,
      expected,
      found,
    });
    if (event.revision !== expectedRevision) return broken('revision', `revision ${expectedRevision}`, `revision ${event.revision}`);
    const link = linkOf(event);
    if (link === undefined) {
      if (tail?.hash !== undefined) return broken('unlinked', 'a link (metadata.chain)', 'none');
      this.unlinked += 1;
      this.tails.set(event.streamId, { revision: event.revision, hash: undefined });
      return undefined;
    }
    const prev = tail?.hash ?? GENESIS;
    if (link.prev !== prev) return broken('prev', prev, link.prev);
    const hash = linkHash(link.prev, event.streamId, event.revision, event);
    if (hash !== link.hash) return broken('content', hash, link.hash);
    this.tails.set(event.streamId, { revision: event.revision, hash });
    this.head = { position: String(event.position), streamId: event.streamId, hash };
    return undefined;
  }

  report(broken?: BrokenLink): ChainReport {
    return {
      checked: this.checked,
      unlinked: this.unlinked,
      streams: this.streams,
      ...(this.head && { head: this.head }),
      ...(broken && { broken }),
    };
  }
}

export interface Progress {
  checked: number;
  /** Position of the last event checked, and of the store's head when the walk began. */
  position: bigint;
  head: bigint;
}

/** The whole store, oldest first; stops at the first broken link. Reads the store as stored (below the encryption). */
export async function verifyChain(store: EventStore, onProgress: (progress: Progress) => void = () => undefined): Promise<ChainReport> {
  const walker = new ChainWalker();
  const head = await store.headPosition();
  let after = -1n;
  for (;;) {
    const page = await store.readAll({ after });
    if (page.length === 0) return walker.report();
    for (const event of page) {
      const broken = walker.check(event);
      if (broken) return walker.report(broken);
    }
    after = page[page.length - 1].position;
    onProgress({ checked: walker.checked, position: after, head });
  }
}

/** Events checked at start-up, at least (the newest ones). */
export const TAIL_EVENTS = 1000;

/**
 * The newest `count` events or a few more, each checked against its stream predecessor (read from the stream
 * when it is older than the window). Positions are only comparable, not counted (EventStoreDB's are byte
 * offsets), so the window widens from the head until it holds `count` events.
 */
export async function verifyTail(store: EventStore, count = TAIL_EVENTS): Promise<ChainReport> {
  const head = await store.headPosition();
  const walker = new ChainWalker();
  if (head < 0n) return walker.report();
  let span = BigInt(count);
  let window: StoredEvent[];
  for (;;) {
    const after = head - span < -1n ? -1n : head - span;
    window = await readRange(store, after, head);
    if (window.length >= count || after === -1n) break;
    span *= 4n;
  }
  for (const event of window) {
    if (!walker.knows(event.streamId) && event.revision > 0n) {
      const [predecessor] = await store.readStream(event.streamId, event.revision - 1n);
      if (predecessor !== undefined && predecessor.revision === event.revision - 1n) walker.seed(predecessor);
    }
    const broken = walker.check(event);
    if (broken) return walker.report(broken);
  }
  return walker.report();
}

async function readRange(store: EventStore, after: bigint, head: bigint): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = await store.readAll({ after: cursor });
    for (const event of page) {
      if (event.position > head) return events;
      events.push(event);
    }
    if (page.length === 0) return events;
    cursor = page[page.length - 1].position;
  }
}

/** One line naming the broken link, for the operator and the log. */
export function describeBreak(broken: BrokenLink): string {
  const what: Record<BreakKind, string> = {
    content: 'its content does not match its hash (edited)',
    prev: 'it does not link to its stream predecessor (an earlier event was removed, replaced or moved)',
    revision: 'its revision is out of sequence (an event was deleted or rows were reordered)',
    unlinked: 'it has no link although earlier events of its stream have (written around the chain, or its link removed)',
  };
  return (
    `First broken link: position ${broken.position} (in SQLite the row id), ${broken.streamId}@${broken.revision}, ` +
    `${broken.type} ${broken.eventId}: ${what[broken.kind]}; expected ${broken.expected}, found ${broken.found}`
  );
}
