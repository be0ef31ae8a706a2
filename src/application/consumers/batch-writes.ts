import type { Document, FindOptions, FoundPage, ReadTransaction, Where } from '../ports/read-store';

const nothing = async (): Promise<void> => undefined;

/** A document as the batch left it: `undefined` when it is known to be absent (or deleted); `dirty` when not written yet. */
interface Held {
  document: Document | undefined;
  dirty: boolean;
}

/**
 * A projector's batch transaction that keeps the documents it reads and writes until the batch ends, and writes each
 * changed one once (`flush`): the events of one reservation, or of one job seeker, that a batch holds read and write
 * their document once, not once per event. A query over several documents (`find`, `count`, `deleteWhere`) first
 * writes what is pending, so it sees the batch's own writes, as a transaction does. Lives for one attempt of one
 * transaction (a retried MongoDB transaction starts with a new one).
 */
export class BatchWrites implements ReadTransaction {
  private readonly held = new Map<string, Map<string, Held>>();

  constructor(private readonly tx: ReadTransaction) {}

  private collection(name: string): Map<string, Held> {
    let documents = this.held.get(name);
    if (documents === undefined) this.held.set(name, (documents = new Map<string, Held>()));
    return documents;
  }

  async get<T extends { id: string } = Document>(collection: string, id: string): Promise<T | undefined> {
    const documents = this.collection(collection);
    const held = documents.get(id);
    if (held) return held.document as T | undefined;
    const document = await this.tx.get<T>(collection, id);
    documents.set(id, { document, dirty: false });
    return document;
  }

  async put<T extends { id: string }>(collection: string, document: T): Promise<void> {
    this.collection(collection).set(document.id, { document, dirty: true });
  }

  async update(collection: string, id: string, changes: Record<string, unknown>): Promise<boolean> {
    const current = await this.get(collection, id);
    if (!current) return false;
    const next: Document = { ...current, ...changes, id };
    for (const [key, value] of Object.entries(changes)) if (value === undefined) delete next[key];
    this.collection(collection).set(id, { document: next, dirty: true });
    return true;
  }

  async delete(collection: string, id: string): Promise<boolean> {
    const existed = (await this.get(collection, id)) !== undefined;
    this.collection(collection).set(id, { document: undefined, dirty: existed });
    return existed;
  }

  async find<T extends { id: string } = Document>(collection: string, options?: FindOptions): Promise<FoundPage<T>> {
    await this.flushCollection(collection);
    return this.tx.find<T>(collection, options);
  }

  async count(collection: string, where?: Where): Promise<number> {
    await this.flushCollection(collection);
    return this.tx.count(collection, where);
  }

  async deleteWhere(collection: string, where: Where): Promise<number> {
    await this.flushCollection(collection);
    this.held.delete(collection);
    return this.tx.deleteWhere(collection, where);
  }

  checkpoint(): Promise<bigint | undefined> {
    return this.tx.checkpoint();
  }

  async setCheckpoint(position: bigint): Promise<void> {
    await this.flush();
    await this.tx.setCheckpoint(position);
  }

  async activate(): Promise<void> {
    await this.flush();
    await this.tx.activate();
  }

  /** Writes every document changed since the last flush; `between` runs after each write. */
  async flush(between = nothing): Promise<void> {
    for (const collection of this.held.keys()) await this.flushCollection(collection, between);
  }

  private async flushCollection(collection: string, between = nothing): Promise<void> {
    for (const [id, held] of this.held.get(collection) ?? []) {
      if (!held.dirty) continue;
      if (held.document === undefined) await this.tx.delete(collection, id);
      else await this.tx.put(collection, held.document);
      held.dirty = false;
      await between();
    }
  }
}
