import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { masterKeyFromConfig } from '../../../src/infrastructure/crypto/master-key';
import { SqliteKeyStore } from '../../../src/infrastructure/crypto/sqlite-key-store';
import { keyStoreContract } from '../../contracts/key-store.contract';
import { times, waitFor } from '../../contracts/event-store.fixtures';
import { fileIdentity, track, WalSyncGate } from '../../support/wal-sync-gate';

const masterKey = randomBytes(32);

function tempDirectory(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'madoguchi-key-store-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * The bytes of every file of the store as they are on disk now (the database, and any -journal, -wal or -shm
 * beside it), without a checkpoint or a close: what a copy of the data directory would hold.
 */
function fileBytes(filename: string): Buffer {
  const directory = dirname(filename);
  const files = readdirSync(directory).filter((name) => name.startsWith(basename(filename)));
  return Buffer.concat(files.map((name) => readFileSync(join(directory, name))));
}

/** Whether any 8 consecutive bytes of `secret` are in `bytes`: a partly overwritten key still leaks. */
function containsAnyPart(bytes: Buffer, secret: Buffer): boolean {
  return times(secret.length - 7, (start) => secret.subarray(start, start + 8)).some((part) => bytes.includes(part));
}

function wrappedKeyOf(filename: string, subject: string): Buffer {
  const db = new Database(filename, { readonly: true });
  try {
    return (db.prepare('SELECT wrapped FROM subject_keys WHERE subject = ?').get(subject) as { wrapped: Buffer }).wrapped;
  } finally {
    db.close();
  }
}

describe('SqliteKeyStore', () => {
  const directory = tempDirectory();
  let fileCount = 0;
  const newFile = () => join(directory.path, `keys-${(fileCount += 1)}.sqlite`);

  afterAll(() => directory.remove());

  keyStoreContract('SqliteKeyStore on a file', () => SqliteKeyStore.open(newFile(), masterKey));
  keyStoreContract('SqliteKeyStore in memory', () => SqliteKeyStore.open(':memory:', masterKey));

  describe('on a file', () => {
    let filename: string;
    const opened: SqliteKeyStore[] = [];
    const open = (key = masterKey, gate?: WalSyncGate) => {
      const store = SqliteKeyStore.open(filename, key, { syncWal: gate?.syncFile });
      opened.push(store);
      return store;
    };

    beforeEach(() => {
      filename = newFile();
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it('keeps keys and tombstones across close and reopen', async () => {
      const first = open();
      const key = await first.keyFor('js-kept');
      await first.destroy('js-erased', new Date());
      await first.close();

      const reopened = open();

      expect((await reopened.keyFor('js-kept')).equals(key)).toBe(true);
      expect(await reopened.find('js-erased')).toBe('erased');
    });

    it('gives two instances on one file racing on a new subject the same key', async () => {
      const [a, b] = [open(), open()];

      const results = await Promise.all(times(20, (index) => (index % 2 === 0 ? a : b).keyFor('js-raced')));

      expect(new Set(results.map((key) => key.toString('hex'))).size).toBe(1);
    });

    it('refuses to open a file whose keys were wrapped by another master key, saying so', async () => {
      await open().keyFor('js-1');
      await opened[0].close();

      expect(() => open(randomBytes(32))).toThrow(/master key is not the one it was stored with/);
    });

    it('stores keys only wrapped: the raw key bytes are nowhere in the file', async () => {
      const store = open();
      const key = await store.keyFor('js-1');
      await store.close();

      const bytes = fileBytes(filename);

      expect(containsAnyPart(bytes, key)).toBe(false);
      expect(bytes.includes(wrappedKeyOf(filename, 'js-1'))).toBe(true);
    });

    it('A8.1: leaves no byte of a destroyed key in any file of the store once destroy returns, keeping the others', async () => {
      const store = open();
      const key = await store.keyFor('js-erased');
      await store.keyFor('js-kept');
      const [erasedWrapped, keptWrapped] = [wrappedKeyOf(filename, 'js-erased'), wrappedKeyOf(filename, 'js-kept')];
      expect(fileBytes(filename).includes(erasedWrapped)).toBe(true);

      // The store stays open: no close, no checkpoint, as when the process is killed right after the erasure.
      await store.destroy('js-erased', new Date('2025-04-01T01:00:00Z'));

      const bytes = fileBytes(filename);
      expect(containsAnyPart(bytes, erasedWrapped)).toBe(false);
      expect(containsAnyPart(bytes, key)).toBe(false);
      expect(bytes.includes(keptWrapped)).toBe(true);
    });

    it('A8.1: finishes on open an erasure that a crash cut between its commit and its checkpoint', async () => {
      const before = open();
      await before.keyFor('js-erased');
      const kept = await before.keyFor('js-kept');
      await before.close();
      const wrapped = wrappedKeyOf(filename, 'js-erased');
      // What a kill -9 inside destroy leaves: the destruction committed into the WAL, the old page in the main file.
      // This connection stays open until the end, so that its close does not checkpoint.
      const crashed = new Database(filename);
      crashed.pragma('wal_autocheckpoint = 0');
      crashed.pragma('secure_delete = ON');
      crashed.prepare(`UPDATE subject_keys SET wrapped = NULL, destroyed_at = 'then' WHERE subject = 'js-erased'`).run();
      expect(containsAnyPart(fileBytes(filename), wrapped)).toBe(true);

      const store = open();

      expect(containsAnyPart(fileBytes(filename), wrapped)).toBe(false);
      expect(await store.find('js-erased')).toBe('erased');
      expect((await store.keyFor('js-kept')).equals(kept)).toBe(true);
      crashed.close();
    });

    it('hands out a new key only once the WAL holding it is synced, also to a caller that finds it committed', async () => {
      const gate = new WalSyncGate();
      const store = open(masterKey, gate);
      const first = track(store.keyFor('js-1'));
      await waitFor(() => gate.waiting === 1, 'the sync of the new key');
      expect(wrappedKeyOf(filename, 'js-1')).toBeInstanceOf(Buffer);

      const second = track(store.keyFor('js-1'));
      await new Promise(setImmediate);
      expect([first.settled, second.settled]).toEqual([false, false]);

      gate.release();
      expect((await first.promise).equals(await second.promise)).toBe(true);
      expect(gate.files).toEqual([fileIdentity(`${filename}-wal`)]);
    });

    it('hands out a key another process created only once this process has synced the WAL too', async () => {
      const creator = open();
      const key = await creator.keyFor('js-1');
      const gate = new WalSyncGate();
      const user = open(masterKey, gate);

      const handedOut = track(user.keyFor('js-1'));
      await waitFor(() => gate.waiting === 1, 'the sync');
      expect(handedOut.settled).toBe(false);
      gate.release();
      expect((await handedOut.promise).equals(key)).toBe(true);
    });

    it('records when a key was destroyed', async () => {
      const store = open();
      await store.keyFor('js-1');
      await store.destroy('js-1', new Date('2025-04-01T01:00:00Z'));
      await store.destroy('js-1', new Date('2025-04-02T01:00:00Z'));
      await store.close();

      const db = new Database(filename, { readonly: true });
      const row = db.prepare('SELECT wrapped, created_at, destroyed_at FROM subject_keys').get();
      db.close();
      expect(row).toEqual({ wrapped: null, created_at: expect.any(String), destroyed_at: '2025-04-01T01:00:00.000Z' });
    });
  });

  it('rejects a master key that is not 32 bytes', () => {
    expect(() => SqliteKeyStore.open(':memory:', randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('masterKeyFromConfig', () => {
  let directory: ReturnType<typeof tempDirectory>;

  beforeEach(() => {
    directory = tempDirectory();
  });

  afterEach(() => directory.remove());

  it('reads a configured key as hex or base64', () => {
    const key = randomBytes(32);
    const file = join(directory.path, 'unused.key');

    expect(masterKeyFromConfig(key.toString('hex'), file).equals(key)).toBe(true);
    expect(masterKeyFromConfig(key.toString('base64'), file).equals(key)).toBe(true);
    expect(masterKeyFromConfig(key.toString('base64url'), file).equals(key)).toBe(true);
    expect(existsSync(file)).toBe(false);
  });

  it('rejects a configured key that is not 32 bytes, without repeating it', () => {
    for (const value of ['secret', randomBytes(16).toString('hex'), randomBytes(33).toString('base64'), 'z'.repeat(64)]) {
      expect(() => masterKeyFromConfig(value, join(directory.path, 'unused.key'))).toThrow(/32 bytes.*base64.*hex/);
      expect(() => masterKeyFromConfig(value, join(directory.path, 'unused.key'))).not.toThrow(value);
    }
  });

  it('creates a key file on first start, owner-only, and reuses it afterwards', () => {
    const file = join(directory.path, 'secrets', 'master.key');

    const first = masterKeyFromConfig(undefined, file);
    const second = masterKeyFromConfig('', file);

    expect(first).toHaveLength(32);
    expect(second.equals(first)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(directory.path, 'secrets')).mode & 0o777).toBe(0o700);
  });

  it('rejects a key file that does not hold 32 bytes', () => {
    const file = join(directory.path, 'master.key');
    writeFileSync(file, 'not a key');

    expect(() => masterKeyFromConfig(undefined, file)).toThrow(new RegExp(`master key file ${file}`));
  });
});
