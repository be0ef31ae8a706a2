import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/infrastructure/config/config';
import { openReadStore } from '../../../src/infrastructure/read-store/open-read-store';

describe('which read store the configuration opens', () => {
  it('opens read.sqlite under DATA_DIR by default', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'madoguchi-open-read-'));
    try {
      const store = await openReadStore(loadConfig({ DATA_DIR: dataDir }));
      expect(store.kind).toBe('sqlite');
      await store.close();
      expect(existsSync(join(dataDir, 'read.sqlite'))).toBe(true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses READ_STORE=mongodb without MONGODB_URL, and an unknown READ_STORE', () => {
    expect(() => loadConfig({ READ_STORE: 'mongodb' })).toThrow(/MONGODB_URL must be set when READ_STORE is mongodb/);
    expect(() => loadConfig({ READ_STORE: 'postgres' })).toThrow(/READ_STORE/);
  });
});
