import { MongoClient } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { MongoReadStore } from '../../../src/infrastructure/read-store/mongodb/mongo-read-store';
import { readStoreContract } from '../../contracts/read-store.contract';

const serverUrl = process.env.MONGODB_URL;

if (serverUrl) {
  // A fresh database per run, dropped afterwards; its name (not the URL, which may carry a password) names the run.
  const database = `madoguchi_read_store_test_${Date.now()}_${randomBytes(4).toString('hex')}`;

  describe(`MongoReadStore on a real MongoDB (database ${database})`, () => {
    afterAll(async () => {
      const client = new MongoClient(serverUrl);
      try {
        await client.db(database).dropDatabase();
      } finally {
        await client.close();
      }
    });

    readStoreContract(`MongoReadStore (database ${database})`, () => MongoReadStore.connect(serverUrl, { database }));

    it('creates the declared indexes when a consumer registers', async () => {
      const store = await MongoReadStore.connect(serverUrl, { database });
      await store.register('indexed', [
        { name: 'indexed_docs', indexes: [{ fields: [{ field: 'office' }, { field: 'start', direction: 'desc' }] }] },
      ]);
      await store.close();
      const client = new MongoClient(serverUrl);
      try {
        const indexes = await client.db(database).collection('rs_indexed_docs_g1').indexes();
        expect(indexes.map((i) => i.key)).toContainEqual({ office: 1, start: -1 });
      } finally {
        await client.close();
      }
    });
  });
} else {
  describe('MongoReadStore contract', () => {
    it('is not run: MONGODB_URL is not set (no MongoDB server can run on this machine)', () => {
      console.warn(
        'MongoReadStore contract: NOT RUN — set MONGODB_URL (a replica set, e.g. mongodb://localhost:27017/?replicaSet=rs0&directConnection=true) to run it against a real MongoDB',
      );
    });
  });
}

describe('MongoReadStore limits on waiting (the real driver 7; no MongoDB server)', () => {
  it('fails a start against an unreachable MongoDB naming the read store and MONGODB_URL, after the default selection timeout', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));

    // No option in the URL: the bound is the service's own (MONGO_TIMEOUTS), not the driver's 30 s.
    const start = MongoReadStore.connect(`mongodb://127.0.0.1:${port}/`);

    await expect(start).rejects.toThrow(
      new RegExp(`^The read store cannot reach MongoDB \\(MONGODB_URL\\) within 10000 ms: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}`),
    );
  }, 30_000);
});
