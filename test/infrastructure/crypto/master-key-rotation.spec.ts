import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { MongoKeyStore } from '../../../src/infrastructure/crypto/mongo-key-store';
import { SqliteKeyStore } from '../../../src/infrastructure/crypto/sqlite-key-store';
import { masterKeyRotationContract } from '../../contracts/master-key-rotation.contract';

describe('master-key rotation on SQLite', () => {
  let file: string;
  beforeEach(() => {
    file = join(mkdtempSync(join(tmpdir(), 'madoguchi-rotation-')), 'keys.sqlite');
  });
  masterKeyRotationContract('SqliteKeyStore on a file', async (masterKey, options) => SqliteKeyStore.open(file, masterKey, options));
});

const serverUrl = process.env.MONGODB_URL;
if (serverUrl) {
  const database = `madoguchi_rotation_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
  describe(`master-key rotation on a real MongoDB (database ${database})`, () => {
    let collection: string;
    beforeEach(() => {
      collection = `keys_${randomBytes(6).toString('hex')}`;
    });
    afterAll(async () => {
      const client = new MongoClient(serverUrl);
      try {
        await client.db(database).dropDatabase();
      } finally {
        await client.close();
      }
    });
    masterKeyRotationContract('MongoKeyStore', (masterKey, options) =>
      MongoKeyStore.connect(serverUrl, masterKey, { database, collection, ...options }),
    );
  });
} else {
  describe('master-key rotation on MongoDB', () => {
    it('is not run: MONGODB_URL is not set (no MongoDB server can run on this machine)', () => {
      console.warn(
        'MasterKeyRotation contract on MongoKeyStore: NOT RUN — set MONGODB_URL (e.g. mongodb://localhost:27017/?replicaSet=rs0) to run it against a real MongoDB',
      );
    });
  });
}
