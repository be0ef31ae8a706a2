import type { StoredEvent } from '../ports/event-store';
import type { CollectionSpec, ReadStore, ReadTransaction } from '../ports/read-store';

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
        for (const event of batch.events) {
          if (!before(stored, event.position)) continue;
          try {
            await this.projector.apply(event, tx);
          } catch (error) {
            throw new PoisonEvent(this.name, event, error instanceof Error ? error : new Error(String(error)));
          }
        }
        if (before(stored, batch.through)) await tx.setCheckpoint(batch.through);
        return { status: 'applied', checkpoint: before(stored, batch.through) ? batch.through : (stored as bigint) };
      },
      this.generation,
    );
  }
}
