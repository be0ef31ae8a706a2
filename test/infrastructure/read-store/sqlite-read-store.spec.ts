import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteReadStore } from '../../../src/infrastructure/read-store/sqlite/sqlite-read-store';
import { readStoreContract } from '../../contracts/read-store.contract';

const directory = mkdtempSync(join(tmpdir(), 'madoguchi-read-store-'));
let files = 0;
afterAll(() => rmSync(directory, { recursive: true, force: true }));

readStoreContract('SQLite in memory', () => SqliteReadStore.open(':memory:'));
readStoreContract('SQLite file (WAL)', () => SqliteReadStore.open(join(directory, `read-${(files += 1)}.sqlite`)));

describe('SqliteReadStore on a file', () => {
  it('keeps documents and checkpoints across a restart, in WAL mode', async () => {
    const file = join(directory, 'restart.sqlite');
    const first = SqliteReadStore.open(file);
    await first.register('restart', [{ name: 'restart_docs' }]);
    await first.transaction('restart', async (tx) => {
      await tx.put('restart_docs', { id: 'a', n: 1 });
      await tx.setCheckpoint(7n);
    });
    await first.close();

    const second = SqliteReadStore.open(file);
    await second.register('restart', [{ name: 'restart_docs' }]);

    expect(await second.checkpoint('restart')).toBe(7n);
    expect(await second.get('restart_docs', 'a')).toEqual({ id: 'a', n: 1 });
    await second.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('answers filtered, sorted queries from the declared expression index', async () => {
    const file = join(directory, 'index.sqlite');
    const store = SqliteReadStore.open(file);
    await store.register('indexed', [{ name: 'indexed_docs', indexes: [{ fields: [{ field: 'office' }, { field: 'start' }] }] }]);
    await store.close();

    const db = new Database(file, { readonly: true });
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT doc FROM "rs_indexed_docs_g1" WHERE json_extract(doc, '$.office') = ? ORDER BY json_extract(doc, '$.office'), json_extract(doc, '$.start')`,
      )
      .all('x') as Array<{ detail: string }>;
    db.close();
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX/);
  });
});
