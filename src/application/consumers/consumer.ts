import { setImmediate as nextTurn } from 'node:timers/promises';
import type { StoredEvent } from '../ports/event-store';
import type { CollectionSpec, ReadStore, ReadTransaction } from '../ports/read-store';
import { BatchWrites } from './batch-writes';

/**
 * A consumer of the event store's global log: the runtime (ConsumerRuntime) reads from its stored
 * checkpoint (catch-up in batches, then live) and hands it batches. Projectors (read models) and,
 * later, reactors (side effects) are consumers.
 */
export interface Consumer {
  /** Unique, stable: the checkpoint is stored under it. */
  readonly name: string;
  /** Event types it handles; the others still move its checkpoint. */
  readonly handles: readonly string[];
  /** Declares what it needs in its store (collections, checkpoint); called once at start-up. */
  init(): Promise<void>;
  /** The committed checkpoint: position of the last event handled; undefined: from the start. */
  checkpoint(): Promise<bigint | undefined>;
  /**
   * Handles `events` (only handled types, in order, all with position > `after`) and stores `through`
   * as the checkpoint, atomically where the store allows. `after` is the checkpoint the batch was read
   * from: when the stored checkpoint is behind it (a rebuild switched generations), nothing is applied
   * and the result is 'behind' with the stored checkpoint, so the runtime reads again from there. Events
   * at or before the stored checkpoint (another instance applied them) are skipped.
   */
  handle(batch: Batch): Promise<HandleResult>;
}

export interface Batch {
  after: bigint | undefined;
  events: StoredEvent[];
  /** Position of the last event read (handled or not). */
  through: bigint;
}

export type HandleResult = { status: 'applied'; checkpoint: bigint } | { status: 'behind'; checkpoint: bigint | undefined };

/** A read model's writer. See the doc comment of src/application/ports/read-store.ts. */
export interface Projector {
  readonly name: string;
  readonly handles: readonly string[];
  readonly collections: CollectionSpec[];
  /** Applies one event inside the batch's transaction. */
  apply(event: StoredEvent, tx: ReadTransaction): Promise<void>;
}

/** Thrown by a consumer's handle when one event cannot be applied; carries the event's position. */
export class PoisonEvent extends Error {
  constructor(
    readonly consumer: string,
    readonly event: StoredEvent,
    override readonly cause: Error,
  ) {
    super(`${consumer} cannot apply ${event.type} at position ${event.position}: ${cause.message}`);
    this.name = 'PoisonEvent';
  }
}

const before = (a: bigint | undefined, b: bigint | undefined) => (a ?? -1n) < (b ?? -1n);

/** A batch gives way to the rest of the process (HTTP requests, timers) after this much synchronous work. */
const SLICE_MS = 5;

/**
 * Applies the events after `stored` in order, their document writes kept until the batch ends (BatchWrites), then
 * written; an event that fails is a PoisonEvent. Every SLICE_MS the batch lets the event loop turn (inside its
 * transaction: queries read another connection), so that a large batch never holds the process for its whole length.
 */
export async function applyAll(projector: Projector, events: StoredEvent[], stored: bigint | undefined, batch: BatchWrites): Promise<void> {
  const giveWay = slices(SLICE_MS);
  for (const event of events) {
    if (!before(stored, event.position)) continue;
    try {
      await projector.apply(event, batch);
    } catch (error) {
      throw new PoisonEvent(projector.name, event, error instanceof Error ? error : new Error(String(error)));
    }
    await giveWay();
  }
  await batch.flush(giveWay);
}

/** A function that, once `ms` have passed since it last did, waits for the next turn of the event loop. */
function slices(ms: number): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < ms) return;
    await nextTurn();
    since = performance.now();
  };
}

/**
 * A projector run as a consumer on a read store: the batch and the checkpoint in one transaction.
 * `generation` pins a rebuild's fresh copy; otherwise the active generation.
 */
export class ProjectorConsumer implements Consumer {
  readonly name: string;
  readonly handles: readonly string[];

  constructor(
    private readonly projector: Projector,
    private readonly store: ReadStore,
    private readonly generation?: number,
  ) {
    this.name = projector.name;
    this.handles = projector.handles;
  }

  async init(): Promise<void> {
    await this.store.register(this.name, this.projector.collections);
  }

  checkpoint(): Promise<bigint | undefined> {
    return this.store.checkpoint(this.name, this.generation);
  }

  handle(batch: Batch): Promise<HandleResult> {
    return this.store.transaction(
      this.name,
      async (tx): Promise<HandleResult> => {
        const stored = await tx.checkpoint();
        if (before(stored, batch.after)) return { status: 'behind', checkpoint: stored };
        await applyAll(this.projector, batch.events, stored, new BatchWrites(tx));
        if (before(stored, batch.through)) await tx.setCheckpoint(batch.through);
        return { status: 'applied', checkpoint: before(stored, batch.through) ? batch.through : (stored as bigint) };
      },
      this.generation,
    );
  }
}
