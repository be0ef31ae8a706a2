import type { StoredEvent } from '../ports/event-store';
import type { ReadStore } from '../ports/read-store';
import type { Batch, Consumer, HandleResult } from './consumer';

/**
 * A reactor (process manager): reacts to events with side effects that are idempotent — scheduling under a
 * deterministic job id, commands with a deterministic command id. Run as a consumer from its own checkpoint:
 * at least once — after a crash it reacts again to the events after its checkpoint, which its idempotence
 * absorbs. Safe on every instance for the same reason.
 */
export interface Reactor {
  readonly name: string;
  readonly handles: readonly string[];
  react(event: StoredEvent): Promise<void>;
}

const before = (a: bigint | undefined, b: bigint | undefined) => (a ?? -1n) < (b ?? -1n);

/** A reactor on the consumer runtime, its checkpoint kept in the read store (no collections of its own). */
export class ReactorConsumer implements Consumer {
  readonly name: string;
  readonly handles: readonly string[];

  constructor(
    private readonly reactor: Reactor,
    private readonly store: ReadStore,
  ) {
    this.name = reactor.name;
    this.handles = reactor.handles;
  }

  async init(): Promise<void> {
    await this.store.register(this.name, []);
  }

  checkpoint(): Promise<bigint | undefined> {
    return this.store.checkpoint(this.name);
  }

  /** Reacts outside any transaction (the side effects are not the store's), then moves the checkpoint. */
  async handle(batch: Batch): Promise<HandleResult> {
    const stored = await this.store.checkpoint(this.name);
    if (before(stored, batch.after)) return { status: 'behind', checkpoint: stored };
    for (const event of batch.events) if (before(stored, event.position)) await this.reactor.react(event);
    return this.store.transaction(this.name, async (tx): Promise<HandleResult> => {
      const now = await tx.checkpoint();
      if (before(now, batch.through)) await tx.setCheckpoint(batch.through);
      return { status: 'applied', checkpoint: before(now, batch.through) ? batch.through : (now as bigint) };
    });
  }
}
