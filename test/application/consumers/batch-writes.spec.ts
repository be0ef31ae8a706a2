import { BatchWrites } from '../../../src/application/consumers/batch-writes';
import type { ReadTransaction } from '../../../src/application/ports/read-store';
import { SqliteReadStore } from '../../../src/infrastructure/read-store/sqlite/sqlite-read-store';

describe('BatchWrites (a projector batch’s documents, written once when the batch ends)', () => {
  let store: SqliteReadStore;

  beforeEach(async () => {
    store = SqliteReadStore.open(':memory:');
    await store.register('visits', [{ name: 'visits_docs' }]);
    await store.transaction('visits', async (tx) => {
      await tx.put('visits_docs', { id: 'kept', office: 'tokyo', n: 0 });
      await tx.put('visits_docs', { id: 'gone', office: 'tokyo', n: 0 });
    });
  });

  afterEach(() => store.close());

  /** The inner transaction's writes, counted. */
  const counting = (tx: ReadTransaction, writes: string[]): ReadTransaction => ({
    ...tx,
    put: (collection, document) => (writes.push(`put ${document.id}`), tx.put(collection, document)),
    delete: (collection, id) => (writes.push(`delete ${id}`), tx.delete(collection, id)),
  });

  it('reads its own writes within the batch, and writes each changed document once, with its last state', async () => {
    const writes: string[] = [];
    await store.transaction('visits', async (tx) => {
      const batch = new BatchWrites(counting(tx, writes));
      for (let n = 1; n <= 3; n++) {
        const current = await batch.get<{ id: string; office: string; n: number }>('visits_docs', 'kept');
        await batch.put('visits_docs', { ...current!, n: current!.n + n });
      }
      expect(await batch.update('visits_docs', 'kept', { office: 'osaka' })).toBe(true);
      expect(await batch.delete('visits_docs', 'gone')).toBe(true);
      expect(await batch.get('visits_docs', 'gone')).toBeUndefined();
      await batch.put('visits_docs', { id: 'new', office: 'osaka', n: 1 });
      expect(writes).toEqual([]);
      await batch.flush();
    });

    expect(writes.sort()).toEqual(['delete gone', 'put kept', 'put new']);
    expect(await store.get('visits_docs', 'kept')).toEqual({ id: 'kept', office: 'osaka', n: 6 });
    expect(await store.get('visits_docs', 'gone')).toBeUndefined();
    expect(await store.get('visits_docs', 'new')).toEqual({ id: 'new', office: 'osaka', n: 1 });
  });

  it('writes what is pending before a query over several documents, so the query sees the batch', async () => {
    await store.transaction('visits', async (tx) => {
      const batch = new BatchWrites(tx);
      await batch.put('visits_docs', { id: 'new', office: 'osaka', n: 1 });
      await batch.update('visits_docs', 'kept', { office: 'osaka' });

      expect((await batch.find('visits_docs', { where: { office: 'osaka' } })).items.map((d) => d.id)).toEqual(['kept', 'new']);
      expect(await batch.count('visits_docs', { office: 'tokyo' })).toBe(1);
      expect(await batch.deleteWhere('visits_docs', { office: 'osaka' })).toBe(2);
      expect(await batch.get('visits_docs', 'kept')).toBeUndefined();
    });

    expect(await store.count('visits_docs')).toBe(1);
  });
});
