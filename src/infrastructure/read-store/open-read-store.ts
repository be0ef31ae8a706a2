import { join } from 'node:path';
import type { ReadStore } from '../../application/ports/read-store';
import type { Config } from '../config/config';
import { MongoReadStore } from './mongodb/mongo-read-store';
import { SqliteReadStore } from './sqlite/sqlite-read-store';

/** The read store the configuration names: MongoDB (shared by the instances) or SQLite (DATA_DIR/read.sqlite). */
export async function openReadStore(config: Pick<Config, 'READ_STORE' | 'MONGODB_URL' | 'DATA_DIR'>): Promise<ReadStore> {
  const kind = config.READ_STORE ?? (config.MONGODB_URL ? 'mongodb' : 'sqlite');
  return kind === 'mongodb' ? MongoReadStore.connect(config.MONGODB_URL!) : SqliteReadStore.open(join(config.DATA_DIR, 'read.sqlite'));
}
