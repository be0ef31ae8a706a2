import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../infrastructure/config/config';
import { masterKeyFromConfig } from '../infrastructure/crypto/master-key';
import { MongoKeyStore } from '../infrastructure/crypto/mongo-key-store';
import { type EncryptedStore, encryptPersonalData } from '../infrastructure/crypto/personal-data-encryption';
import { SqliteKeyStore } from '../infrastructure/crypto/sqlite-key-store';
import { EventStoreDbEventStore } from '../infrastructure/event-store/eventstoredb/eventstoredb-event-store';
import { SqliteEventStore } from '../infrastructure/event-store/sqlite/sqlite-event-store';

/**
 * The event store of the configuration (DATA_DIR, EVENTSTORE_URL, MONGODB_URL, MASTER_KEY) behind the encryption
 * of personal data, as the service opens it, for the command-line tools. `close` closes both stores.
 */
export async function openEncryptedStore(config: Config): Promise<EncryptedStore & { close: () => Promise<void> }> {
  mkdirSync(config.DATA_DIR, { recursive: true });
  const inner = config.EVENTSTORE_URL
    ? EventStoreDbEventStore.connect(config.EVENTSTORE_URL)
    : SqliteEventStore.open(join(config.DATA_DIR, 'events.sqlite'));
  const masterKey = masterKeyFromConfig(config.MASTER_KEY, join(config.DATA_DIR, 'secrets', 'master.key'));
  const keyStore = config.MONGODB_URL
    ? await MongoKeyStore.connect(config.MONGODB_URL, masterKey)
    : SqliteKeyStore.open(join(config.DATA_DIR, 'keys.sqlite'), masterKey);
  const stores = encryptPersonalData(inner, keyStore);
  return {
    ...stores,
    close: async () => {
      await stores.eventStore.close();
      await keyStore.close();
    },
  };
}
