/** The behaviour every ReadStore adapter must have: documents, queries, and checkpoints in the same transaction. */
import { randomUUID } from 'node:crypto';
import { type Document, type ReadStore, UnknownCollection } from '../../src/application/ports/read-store';
import { rejection, times } from './event-store.fixtures';

interface Visit extends Document {
  office: string;
  start: string;
  minutes: number;
  confirmed: boolean;
  counselor: { id: string; name: string };
  tags: string[];
  note?: string;
}

export function readStoreContract(name: string, open: () => Promise<ReadStore> | ReadStore): void {
  describe(`ReadStore contract: ${name}`, () => {
    let store: ReadStore;
    let consumer: string;
    let visits: string;
    let other: string;

    const visit = (i: number, changes: Partial<Visit> = {}): Visit => ({
      id: `v${String(i).padStart(3, '0')}`,
      office: i % 2 === 0 ? 'okayama' : 'kurashiki',
      start: `2025-04-${String(1 + (i % 5)).padStart(2, '0')}T01:00:00.000Z`,
      minutes: 30 * (1 + (i % 3)),
      confirmed: i % 3 === 0,
      counselor: { id: `c${i % 4}`, name: `相談員${i % 4}` },
      tags: i % 2 === 0 ? ['interpreter'] : [],
      ...changes,
    });
    const putAll = (docs: Visit[]) =>
      store.transaction(consumer, async (tx) => {
        for (const doc of docs) await tx.put(visits, doc);
      });
    const ids = (docs: Array<{ id: string }>) => docs.map((d) => d.id);

    beforeEach(async () => {
      store = await open();
      const suffix = randomUUID().replace(/-/g, '').slice(0, 12);
      consumer = `test-${suffix}`;
      visits = `visits_${suffix}`;
      other = `other_${suffix}`;
      await store.register(consumer, [
        {
          name: visits,
          indexes: [{ fields: [{ field: 'office' }, { field: 'start', direction: 'desc' }] }, { fields: [{ field: 'counselor.id' }] }],
        },
      ]);
      await store.register(`${consumer}-other`, [{ name: other }]);
    });

    afterEach(async () => {
      await store.close();
    });

    describe('documents', () => {
      it('puts, gets and replaces a whole document; an unknown id is undefined', async () => {
        await putAll([visit(1, { note: 'first' })]);
        await putAll([visit(1)]);

        expect(await store.get<Visit>(visits, 'v001')).toEqual(visit(1));
        expect(await store.get(visits, 'v999')).toBeUndefined();
      });

      it('updates the given fields, removes those set to undefined, and answers false for an unknown id', async () => {
        await putAll([visit(1, { note: 'first' })]);

        const [updated, missing] = await store.transaction(consumer, async (tx) => [
          await tx.update(visits, 'v001', { minutes: 45, note: undefined }),
          await tx.update(visits, 'v999', { minutes: 45 }),
        ]);

        expect([updated, missing]).toEqual([true, false]);
        expect(await store.get<Visit>(visits, 'v001')).toEqual({ ...visit(1), minutes: 45 });
      });

      it('deletes one document, and every document matching a filter', async () => {
        await putAll(times(6, (i) => visit(i)));

        const [one, none, matching] = await store.transaction(consumer, async (tx) => [
          await tx.delete(visits, 'v000'),
          await tx.delete(visits, 'v000'),
          await tx.deleteWhere(visits, { office: 'kurashiki' }),
        ]);

        expect([one, none, matching]).toEqual([true, false, 3]);
        expect(ids((await store.find(visits)).items)).toEqual(['v002', 'v004']);
      });

      it('keeps strings, numbers, booleans, nested objects and arrays as they were put', async () => {
        const doc = {
          id: 'x',
          text: '窓口 "quoted" \\ ',
          n: -1.5,
          big: 2 ** 40,
          yes: true,
          no: false,
          nothing: null,
          nested: { a: [1, { b: 'c' }] },
        };
        await store.transaction(consumer, (tx) => tx.put(visits, doc));

        expect(await store.get(visits, 'x')).toEqual(doc);
      });
    });

    describe('queries', () => {
      beforeEach(async () => {
        await putAll(times(20, (i) => visit(i)).concat(visit(20, { note: 'with a note' })));
      });

      it('filters by equality, on nested fields, and by booleans', async () => {
        const found = await store.find<Visit>(visits, { where: { office: 'okayama', 'counselor.id': 'c0', confirmed: true }, limit: 1000 });

        expect(ids(found.items)).toEqual(['v000', 'v012']);
      });

      it('filters by ranges, in, ne, contains and exists', async () => {
        const q = async (where: Parameters<ReadStore['find']>[1]) => ids((await store.find(visits, { ...where, limit: 1000 })).items);

        expect(await q({ where: { start: { gte: '2025-04-02', lt: '2025-04-03' } } })).toEqual(['v001', 'v006', 'v011', 'v016']);
        expect(await q({ where: { minutes: { gt: 60 } } })).toEqual(['v002', 'v005', 'v008', 'v011', 'v014', 'v017', 'v020']);
        expect(await q({ where: { minutes: { lte: 30 }, office: { ne: 'okayama' } } })).toEqual(['v003', 'v009', 'v015']);
        expect(await q({ where: { 'counselor.id': { in: ['c1', 'c3'] }, minutes: 30 } })).toEqual(['v003', 'v009', 'v015']);
        expect(await q({ where: { 'counselor.id': { in: [] } } })).toEqual([]);
        expect(await q({ where: { tags: { contains: 'interpreter' }, minutes: 90 } })).toEqual(['v002', 'v008', 'v014', 'v020']);
        expect(await q({ where: { note: { exists: true } } })).toEqual(['v020']);
        expect(await q({ where: { note: null, office: 'okayama', minutes: 90 } })).toEqual(['v002', 'v008', 'v014']);
      });

      it('counts what a filter matches', async () => {
        expect(await store.count(visits)).toBe(21);
        expect(await store.count(visits, { office: 'okayama' })).toBe(11);
        expect(await store.count(visits, { confirmed: false, minutes: { gte: 60 } })).toBe(14);
      });

      it('pages with a cursor through a sort on several fields, each document exactly once, ties broken by id', async () => {
        const orderBy = [{ field: 'office' }, { field: 'start', direction: 'desc' as const }];
        const seen: Visit[] = [];
        let after: string | undefined;
        do {
          const found: { items: Visit[]; next?: string } = await store.find<Visit>(visits, { orderBy, limit: 4, after });
          expect(found.items.length).toBeLessThanOrEqual(4);
          seen.push(...found.items);
          after = found.next;
        } while (after);

        const expected = times(21, (i) => visit(i, i === 20 ? { note: 'with a note' } : {})).sort(
          (a, b) => a.office.localeCompare(b.office) || b.start.localeCompare(a.start) || a.id.localeCompare(b.id),
        );
        expect(ids(seen)).toEqual(ids(expected));
      });

      it('pages with a cursor inside a filter, and answers no next cursor on the last page', async () => {
        const first = await store.find(visits, { where: { office: 'kurashiki' }, orderBy: [{ field: 'minutes', direction: 'desc' }], limit: 6 });
        const second = await store.find(visits, {
          where: { office: 'kurashiki' },
          orderBy: [{ field: 'minutes', direction: 'desc' }],
          limit: 6,
          after: first.next,
        });

        expect(ids(first.items)).toEqual(['v005', 'v011', 'v017', 'v001', 'v007', 'v013']);
        expect(ids(second.items)).toEqual(['v019', 'v003', 'v009', 'v015']);
        expect(second.next).toBeUndefined();
      });

      it('pages by offset', async () => {
        const found = await store.find(visits, { orderBy: [{ field: 'id', direction: 'asc' }], offset: 18, limit: 5 });

        expect(ids(found.items)).toEqual(['v018', 'v019', 'v020']);
      });

      it('refuses a cursor it did not give out', async () => {
        expect(await rejection(store.find(visits, { after: 'not-a-cursor' }))).toMatchObject({ name: 'InvalidCursor' });
      });
    });

    describe('transactions and checkpoints', () => {
      it('has no checkpoint before the first one is stored', async () => {
        expect(await store.checkpoint(consumer)).toBeUndefined();
        expect(await store.transaction(consumer, (tx) => tx.checkpoint())).toBeUndefined();
      });

      it('commits the documents and the checkpoint together', async () => {
        await store.transaction(consumer, async (tx) => {
          await tx.put(visits, visit(1));
          await tx.setCheckpoint(41n);
          expect(await tx.checkpoint()).toBe(41n);
          expect(await tx.get(visits, 'v001')).toEqual(visit(1));
        });

        expect(await store.checkpoint(consumer)).toBe(41n);
        expect(await store.get(visits, 'v001')).toEqual(visit(1));
      });

      it('keeps neither the documents nor the checkpoint when the transaction throws', async () => {
        await store.transaction(consumer, async (tx) => {
          await tx.put(visits, visit(1));
          await tx.setCheckpoint(1n);
        });

        const error = await rejection(
          store.transaction(consumer, async (tx) => {
            await tx.put(visits, visit(2));
            await tx.update(visits, 'v001', { minutes: 999 });
            await tx.setCheckpoint(2n);
            throw new Error('crash between the read-model write and the checkpoint');
          }),
        );

        expect((error as Error).message).toMatch(/crash/);
        expect(await store.checkpoint(consumer)).toBe(1n);
        expect(await store.get(visits, 'v002')).toBeUndefined();
        expect(await store.get(visits, 'v001')).toEqual(visit(1));
      });

      it('never shows a transaction’s writes to reads outside it before it commits', async () => {
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let written!: () => void;
        const wrote = new Promise<void>((resolve) => (written = resolve));
        const failing = store.transaction(consumer, async (tx) => {
          await tx.put(visits, visit(7));
          written();
          await gate;
          throw new Error('rolled back');
        });
        await wrote;

        const outside = store.get(visits, 'v007');
        release();

        expect(await outside).toBeUndefined();
        await expect(failing).rejects.toThrow('rolled back');
        expect(await store.get(visits, 'v007')).toBeUndefined();
      });

      it('keeps checkpoints beyond 2^53 exactly (EventStoreDB commit positions)', async () => {
        const position = 2n ** 62n + 12345n;
        await store.transaction(consumer, (tx) => tx.setCheckpoint(position));

        expect(await store.checkpoint(consumer)).toBe(position);
      });

      it('keeps one checkpoint per consumer', async () => {
        await store.transaction(consumer, (tx) => tx.setCheckpoint(5n));
        await store.transaction(`${consumer}-other`, (tx) => tx.setCheckpoint(9n));

        expect([await store.checkpoint(consumer), await store.checkpoint(`${consumer}-other`)]).toEqual([5n, 9n]);
      });

      it('refuses writes to another consumer’s collection inside a transaction', async () => {
        const error = await rejection(store.transaction(consumer, (tx) => tx.put(other, { id: 'x' })));

        expect(error).toBeInstanceOf(UnknownCollection);
        expect(await store.get(other, 'x')).toBeUndefined();
      });

      it('registers idempotently: registering again keeps the documents and the checkpoint', async () => {
        await store.transaction(consumer, async (tx) => {
          await tx.put(visits, visit(1));
          await tx.setCheckpoint(3n);
        });

        await store.register(consumer, [
          {
            name: visits,
            indexes: [{ fields: [{ field: 'office' }, { field: 'start', direction: 'desc' }] }, { fields: [{ field: 'counselor.id' }] }],
          },
        ]);

        expect(await store.checkpoint(consumer)).toBe(3n);
        expect(await store.get(visits, 'v001')).toEqual(visit(1));
      });
    });

    describe('generations (rebuild)', () => {
      it('fills a new generation apart, switches queries and the checkpoint over on activate, then drops the old one', async () => {
        await store.transaction(consumer, async (tx) => {
          await tx.put(visits, visit(1));
          await tx.setCheckpoint(10n);
        });

        const generation = await store.createGeneration(consumer);
        expect(generation).toBe(2);
        expect(await store.checkpoint(consumer, generation)).toBeUndefined();
        await store.transaction(
          consumer,
          async (tx) => {
            expect(await tx.get(visits, 'v001')).toBeUndefined();
            await tx.put(visits, visit(2));
            await tx.setCheckpoint(12n);
          },
          generation,
        );

        expect(await store.get(visits, 'v002')).toBeUndefined();
        expect(await store.checkpoint(consumer)).toBe(10n);
        expect(await store.activeGeneration(consumer)).toBe(1);

        await store.activate(consumer, generation);

        expect(await store.activeGeneration(consumer)).toBe(2);
        expect(await store.checkpoint(consumer)).toBe(12n);
        expect(await store.get(visits, 'v002')).toEqual(visit(2));
        expect(await store.get(visits, 'v001')).toBeUndefined();
        expect(await store.transaction(consumer, (tx) => tx.get(visits, 'v002'))).toEqual(visit(2));

        await expect(store.dropGeneration(consumer, 2)).rejects.toThrow(/active/);
        await store.dropGeneration(consumer, 1);
        expect(await store.checkpoint(consumer, 1)).toBeUndefined();
        expect(await store.createGeneration(consumer)).toBe(3);
      });

      it('drops what an unfinished rebuild left when the next rebuild starts', async () => {
        const unfinished = await store.createGeneration(consumer);
        await store.transaction(
          consumer,
          async (tx) => {
            await tx.put(visits, visit(4));
            await tx.setCheckpoint(4n);
          },
          unfinished,
        );

        const next = await store.createGeneration(consumer);

        expect(next).toBe(unfinished + 1);
        expect(await store.checkpoint(consumer, unfinished)).toBeUndefined();
        await expect(store.transaction(consumer, (tx) => tx.setCheckpoint(5n), unfinished)).rejects.toThrow(/no generation/);
        expect(await store.transaction(consumer, (tx) => tx.get(visits, 'v004'), next)).toBeUndefined();
        expect(await store.activeGeneration(consumer)).toBe(1);
      });

      it('switches over inside a transaction, with that generation’s last batch: both or neither', async () => {
        const generation = await store.createGeneration(consumer);
        await expect(
          store.transaction(
            consumer,
            async (tx) => {
              await tx.put(visits, visit(3));
              await tx.activate();
              throw new Error('crashed before the switch-over committed');
            },
            generation,
          ),
        ).rejects.toThrow('crashed');
        expect(await store.activeGeneration(consumer)).toBe(1);

        await store.transaction(
          consumer,
          async (tx) => {
            await tx.put(visits, visit(3));
            await tx.setCheckpoint(30n);
            await tx.activate();
          },
          generation,
        );

        expect(await store.activeGeneration(consumer)).toBe(generation);
        expect(await store.checkpoint(consumer)).toBe(30n);
        expect(await store.get(visits, 'v003')).toEqual(visit(3));
      });
    });
  });
}
