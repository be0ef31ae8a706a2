import type { EventStore, StoredEvent } from '../ports/event-store';
import type { ReadStore } from '../ports/read-store';
import { PoisonEvent, Projector, ProjectorConsumer } from './consumer';

export interface RebuildProgress {
  projector: string;
  /** Events read so far (all types). */
  read: number;
  /** The event store's head when the rebuild started (an estimate of the total). */
  total: number;
}

export interface RebuildOptions {
  /** Events per transaction. */
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
}

/**
 * Replays the whole log into a fresh generation of the projector's collections while the running
 * service keeps answering from the active one; then, in the transaction of the last batch (read
 * inside it), makes the fresh generation active and drops the old. A crash before the switch-over
 * leaves the old generation active (the half-built one is dropped by the next rebuild).
 */
export async function rebuild(
  store: EventStore,
  readStore: ReadStore,
  projector: Projector,
  options: RebuildOptions = {},
): Promise<{ generation: number; checkpoint: bigint | undefined; events: number }> {
  const batchSize = options.batchSize ?? 5000;
  await readStore.register(projector.name, projector.collections);
  const previous = await readStore.activeGeneration(projector.name);
  const generation = await readStore.createGeneration(projector.name);
  const consumer = new ProjectorConsumer(projector, readStore, generation);
  const handles = new Set(projector.handles);
  const head = await store.headPosition();
  const total = Number(head < 0n ? 0n : head);
  let after: bigint | undefined;
  let read = 0;
  for (;;) {
    const events = await store.readAll({ after, limit: batchSize });
    if (events.length < batchSize) break; // the tail is read again inside the switch-over's transaction
    await consumer.handle({ after, events: events.filter((e) => handles.has(e.type)), through: events[events.length - 1].position });
    after = events[events.length - 1].position;
    read += events.length;
    options.onProgress?.({ projector: projector.name, read, total });
  }
  const tail = await readStore.transaction(
    projector.name,
    async (tx) => {
      let events: StoredEvent[];
      let count = 0;
      let checkpoint = after;
      do {
        events = await store.readAll({ after: checkpoint, limit: batchSize });
        for (const event of events) {
          if (!handles.has(event.type)) continue;
          try {
            await projector.apply(event, tx);
          } catch (error) {
            throw new PoisonEvent(projector.name, event, error instanceof Error ? error : new Error(String(error)));
          }
        }
        if (events.length > 0) checkpoint = events[events.length - 1].position;
        count += events.length;
      } while (events.length === batchSize);
      if (checkpoint !== undefined) await tx.setCheckpoint(checkpoint);
      await tx.activate();
      return { count, checkpoint };
    },
    generation,
  );
  read += tail.count;
  options.onProgress?.({ projector: projector.name, read, total: Math.max(total, read) });
  await readStore.dropGeneration(projector.name, previous);
  return { generation, checkpoint: tail.checkpoint, events: read };
}
