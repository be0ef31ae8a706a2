import type { EventStore, StoredEvent } from '../ports/event-store';
import type { ReadStore } from '../ports/read-store';
import { BatchWrites } from './batch-writes';
import { applyAll, Projector, ProjectorConsumer } from './consumer';

export interface RebuildProgress {
  /** Events of the handled types applied so far, per read model. */
  applied: Record<string, number>;
  /** How far the log has been read (a position). */
  position: number;
  /** The event store's head when the rebuild started (an estimate of the end). */
  total: number;
}

export interface RebuildOptions {
  /** Events per transaction. */
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
}

export interface Rebuilt {
  projector: string;
  generation: number;
  checkpoint: bigint | undefined;
  /** Events of the types the read model handles that were applied. */
  events: number;
}

interface Run {
  projector: Projector;
  handles: Set<string>;
  previous: number;
  generation: number;
  consumer: ProjectorConsumer;
  events: number;
}

/**
 * Replays the log into a fresh generation of each projector's collections while the running service keeps
 * answering from the active one; then, in the transaction of the last batch (read inside it), makes the fresh
 * generation active and drops the old. A crash before the switch-over leaves the old generation active (the
 * half-built one is dropped by the next rebuild). The log is read once for all the projectors, and only the
 * events of the types they handle are read at all (the store filters them).
 */
export async function rebuild(store: EventStore, readStore: ReadStore, projectors: Projector[], options: RebuildOptions = {}): Promise<Rebuilt[]> {
  const batchSize = options.batchSize ?? 5000;
  const runs: Run[] = [];
  for (const projector of projectors) {
    await readStore.register(projector.name, projector.collections);
    const previous = await readStore.activeGeneration(projector.name);
    const generation = await readStore.createGeneration(projector.name);
    const consumer = new ProjectorConsumer(projector, readStore, generation);
    runs.push({ projector, handles: new Set(projector.handles), previous, generation, consumer, events: 0 });
  }
  const types = [...new Set(projectors.flatMap((projector) => projector.handles))];
  const head = await store.headPosition();
  const total = Number(head < 0n ? 0n : head);
  const progress = (position: bigint | undefined) =>
    options.onProgress?.({
      applied: Object.fromEntries(runs.map((run) => [run.projector.name, run.events])),
      position: Number(position ?? 0n),
      total,
    });
  let after: bigint | undefined;
  for (;;) {
    const events = await store.readAll({ after, limit: batchSize, types });
    if (events.length < batchSize) break; // the tail is read again inside each switch-over's transaction
    const through = events[events.length - 1].position;
    for (const run of runs) {
      const handled = events.filter((e) => run.handles.has(e.type));
      await run.consumer.handle({ after, events: handled, through });
      run.events += handled.length;
    }
    after = through;
    progress(after);
  }
  const rebuilt: Rebuilt[] = [];
  for (const run of runs) {
    const checkpoint = await switchOver(store, readStore, run, after, batchSize);
    progress(checkpoint ?? after);
    await readStore.dropGeneration(run.projector.name, run.previous);
    rebuilt.push({ projector: run.projector.name, generation: run.generation, checkpoint, events: run.events });
  }
  return rebuilt;
}

/** Applies the rest of the log and activates the fresh generation, in one transaction. */
function switchOver(store: EventStore, readStore: ReadStore, run: Run, after: bigint | undefined, batchSize: number): Promise<bigint | undefined> {
  const { projector } = run;
  return readStore.transaction(
    projector.name,
    async (tx) => {
      let events: StoredEvent[];
      let checkpoint = after;
      do {
        events = await store.readAll({ after: checkpoint, limit: batchSize, types: projector.handles });
        await applyAll(projector, events, checkpoint, new BatchWrites(tx));
        if (events.length > 0) checkpoint = events[events.length - 1].position;
        run.events += events.length;
      } while (events.length === batchSize);
      if (checkpoint !== undefined) await tx.setCheckpoint(checkpoint);
      await tx.activate();
      return checkpoint;
    },
    run.generation,
  );
}
