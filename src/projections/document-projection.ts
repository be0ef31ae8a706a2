import type { Projector } from '../application/consumers/consumer';
import type { StoredEvent } from '../application/ports/event-store';
import type { CollectionSpec, FindOptions, ReadStoreReader, ReadTransaction } from '../application/ports/read-store';
import { applyEvent, DocumentProjector, Positioned } from './document-projector';
import { projected } from './projected-event';

/** A read-model document as stored: its id and the position of the last event applied to it. */
export type Stored<D> = Positioned<D> & { id: string };

/**
 * Runs a pure DocumentProjector as a Projector of the consumer runtime, on one collection: loads
 * the documents an event targets, applies the event (idempotently by the position each document
 * keeps, so a redelivery changes nothing even where the checkpoint is not in the same transaction),
 * and writes or deletes them.
 */
export abstract class DocumentProjection<D extends object> implements Projector {
  readonly name: string;
  readonly handles: readonly string[];
  readonly collections: CollectionSpec[];

  protected constructor(
    private readonly projector: DocumentProjector<D>,
    private readonly collection: CollectionSpec,
  ) {
    this.name = projector.name;
    this.handles = projector.handles;
    this.collections = [collection];
  }

  async apply(stored: StoredEvent, tx: ReadTransaction): Promise<void> {
    const event = projected(stored);
    const targets = this.projector.targets(event);
    const name = this.collection.name;
    const documents: Array<[string, Stored<D> | undefined]> = [];
    if ('ids' in targets) {
      for (const id of targets.ids) documents.push([id, await tx.get<Stored<D>>(name, id)]);
    } else {
      let after: string | undefined;
      do {
        const found = await tx.find<Stored<D>>(name, { where: { [targets.where.field]: targets.where.value }, limit: 1000, after });
        for (const document of found.items) documents.push([document.id, document]);
        after = found.next;
      } while (after);
    }
    for (const [id, document] of documents) {
      const next = applyEvent(this.projector, document, event);
      if (next === 'unchanged') continue;
      if (next === null) await tx.delete(name, id);
      else await tx.put(name, { ...next, id });
    }
  }
}

/** Every document matching, page after page (for answers built from several documents: calendars, to-do lists, sessions). */
export async function findAll<D extends object>(
  store: ReadStoreReader,
  collection: string,
  options: Omit<FindOptions, 'after' | 'limit' | 'offset'>,
): Promise<D[]> {
  const all: D[] = [];
  let after: string | undefined;
  do {
    const found = await store.find<Stored<D>>(collection, { ...options, limit: 1000, after });
    all.push(...found.items.map(withoutStorage));
    after = found.next;
  } while (after);
  return all;
}

/** A stored document without what the store keeps for itself (its id and position). */
export function withoutStorage<D extends object>(document: Stored<D>): D {
  const { id: _id, position: _position, ...rest } = document;
  return rest as unknown as D;
}
