import { Binary, MongoClient } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { MongoKeyStore, type MongoKeyStoreOptions } from '../../../src/infrastructure/crypto/mongo-key-store';
import { MONGO_TIMEOUTS, mongoClientOptions } from '../../../src/infrastructure/mongodb/client-options';
import { keyStoreContract } from '../../contracts/key-store.contract';
import { rejection, times } from '../../contracts/event-store.fixtures';

const serverUrl = process.env.MONGODB_URL;

/** The stored shape, read back as the driver returns it. */
interface StoredKey {
  _id: string;
  wrapped: Binary | null;
  createdAt: Date | null;
  destroyedAt: Date | null;
}

if (serverUrl) {
  // A fresh database per run, dropped afterwards; its name (not the URL, which may carry a password) names the run.
  const database = `madoguchi_key_store_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const masterKey = randomBytes(32);

  describe(`MongoKeyStore on a real MongoDB (database ${database})`, () => {
    afterAll(async () => {
      const client = new MongoClient(serverUrl);
      try {
        await client.db(database).dropDatabase();
      } finally {
        await client.close();
      }
    });

    keyStoreContract(`MongoKeyStore (database ${database})`, () => MongoKeyStore.connect(serverUrl, masterKey, { database }));

    describe('shared by several instances', () => {
      let collection: string;
      let collectionCount = 0;
      const opened: MongoKeyStore[] = [];
      const connect = async (key = masterKey, options: MongoKeyStoreOptions = { database, collection }) => {
        const store = await MongoKeyStore.connect(serverUrl, key, options);
        opened.push(store);
        return store;
      };
      /** The stored document itself, read with a client of its own. */
      const storedDocument = async (subject: string) => {
        const client = new MongoClient(serverUrl);
        try {
          return await client.db(database).collection<StoredKey>(collection).findOne({ _id: subject });
        } finally {
          await client.close();
        }
      };

      beforeEach(() => {
        collection = `subject_keys_${(collectionCount += 1)}`;
      });

      afterEach(async () => {
        await Promise.all(opened.splice(0).map((store) => store.close()));
      });

      it('gives two instances racing on a new subject the same key', async () => {
        const [a, b] = await Promise.all([connect(), connect()]);

        const results = await Promise.all(times(20, (index) => (index % 2 === 0 ? a : b).keyFor('js-raced')));

        expect(new Set(results.map((key) => key.toString('hex'))).size).toBe(1);
      });

      it('makes an erasure by one instance hold on the other at once', async () => {
        const [a, b] = await Promise.all([connect(), connect()]);
        await b.keyFor('js-1');

        await a.destroy('js-1', new Date('2025-04-01T01:00:00Z'));

        expect(await b.find('js-1')).toBe('erased');
        await expect(b.keyFor('js-1')).rejects.toThrow(/was erased/);
      });

      it('keeps keys and tombstones across close and reconnect', async () => {
        const first = await connect();
        const key = await first.keyFor('js-kept');
        await first.destroy('js-erased', new Date());
        await first.close();

        const reconnected = await connect();

        expect((await reconnected.keyFor('js-kept')).equals(key)).toBe(true);
        expect(await reconnected.find('js-erased')).toBe('erased');
      });

      it('refuses to connect with another master key when a live key is stored, saying so', async () => {
        await (await connect()).keyFor('js-1');

        const error = await rejection(connect(randomBytes(32)));

        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toMatch(/master key is not the one it was stored with/);
        expect((error as Error).message).toContain(`MongoDB ${database}.${collection}`);
        expect((error as Error).message).not.toContain(serverUrl);
      });

      it('connects with any master key when only tombstones are stored', async () => {
        await (await connect()).destroy('js-1', new Date());

        const other = await connect(randomBytes(32));

        expect(await other.find('js-1')).toBe('erased');
      });

      it('stores the key only wrapped, and records when it was created and first destroyed', async () => {
        const store = await connect();
        const key = await store.keyFor('js-1');

        const live = await storedDocument('js-1');
        expect(live).toEqual({ _id: 'js-1', wrapped: expect.any(Binary), createdAt: expect.any(Date), destroyedAt: null });
        expect(Buffer.from((live?.wrapped as Binary).value()).includes(key)).toBe(false);

        await store.destroy('js-1', new Date('2025-04-01T01:00:00Z'));
        await store.destroy('js-1', new Date('2025-04-02T01:00:00Z'));

        expect(await storedDocument('js-1')).toEqual({
          _id: 'js-1',
          wrapped: null,
          createdAt: live?.createdAt,
          destroyedAt: new Date('2025-04-01T01:00:00Z'),
        });
      });

      it('tombstones a subject that never had a key, with no creation time', async () => {
        await (await connect()).destroy('js-never', new Date('2025-04-01T01:00:00Z'));

        expect(await storedDocument('js-never')).toEqual({
          _id: 'js-never',
          wrapped: null,
          createdAt: null,
          destroyedAt: new Date('2025-04-01T01:00:00Z'),
        });
      });

      it('rejects a master key that is not 32 bytes', async () => {
        await expect(connect(randomBytes(16))).rejects.toThrow(/32 bytes/);
      });
    });
  });
} else {
  describe('MongoKeyStore contract', () => {
    it('is not run: MONGODB_URL is not set (no MongoDB server can run on this machine)', () => {
      console.warn('MongoKeyStore contract: NOT RUN — set MONGODB_URL (e.g. mongodb://localhost:27017) to run it against a real MongoDB');
    });
  });
}

describe('MongoKeyStore limits on waiting (the real driver 7; no MongoDB server)', () => {
  /** The options the driver resolves from the URL and the key store's own, as a connection would use them. */
  const resolved = (url: string) => new MongoClient(url, mongoClientOptions(url)).options;

  it('bounds every wait: a majority write, finding a primary, connecting, and a stuck answer', () => {
    const options = resolved('mongodb://a,b,c/madoguchi?replicaSet=rs0');

    expect(options.writeConcern).toMatchObject({ w: 'majority', journal: true, wtimeoutMS: MONGO_TIMEOUTS.wtimeoutMS });
    expect(options.serverSelectionTimeoutMS).toBe(MONGO_TIMEOUTS.serverSelectionTimeoutMS);
    expect(options.connectTimeoutMS).toBe(MONGO_TIMEOUTS.connectTimeoutMS);
    expect(options.socketTimeoutMS).toBe(MONGO_TIMEOUTS.socketTimeoutMS);
  });

  it('lets MONGODB_URL set its own limits', () => {
    const options = resolved('mongodb://a,b,c/?replicaSet=rs0&wtimeoutMS=2500&serverSelectionTimeoutMS=4000&socketTimeoutMS=0');

    expect(options.writeConcern).toMatchObject({ w: 'majority', wtimeoutMS: 2500 });
    expect(options.serverSelectionTimeoutMS).toBe(4000);
    expect(options.socketTimeoutMS).toBe(0);
  });

  it('fails a start against an unreachable MongoDB naming the key store and MONGODB_URL, after the selection timeout', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));

    const start = MongoKeyStore.connect(`mongodb://127.0.0.1:${port}/?serverSelectionTimeoutMS=300`, randomBytes(32));

    await expect(start).rejects.toThrow(
      new RegExp(`^The key store cannot reach MongoDB \\(MONGODB_URL\\) within 300 ms: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}`),
    );
  });
});
