import { join } from 'node:path';
import type { ReadStore } from '../../application/ports/read-store';
import type { Config } from '../config/config';
import { SqliteReadStore } from './sqlite/sqlite-read-store';

/**
 * The read store the configuration names: MongoDB (shared by the instances) or SQLite (DATA_DIR/read.sqlite).
 * The MongoDB driver is loaded only when it is used (issue 18: the production clients cost the embedded default
 * about 55 MB of memory).
 */
export async function openReadStore(config: Pick<Config, 'READ_STORE' | 'MONGODB_URL' | 'DATA_DIR'>): Promise<ReadStore> {
  const kind = config.READ_STORE ?? (config.MONGODB_URL ? 'mongodb' : 'sqlite');
  if (kind === 'sqlite') return SqliteReadStore.open(join(config.DATA_DIR, 'read.sqlite'));
  const { MongoReadStore } = await import('./mongodb/mongo-read-store');
  return MongoReadStore.connect(config.MONGODB_URL!);
}
