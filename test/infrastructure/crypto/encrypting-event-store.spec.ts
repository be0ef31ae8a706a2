import Database from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent, StoredEvent } from '../../../src/application/ports/event-store';
import { SubjectErased } from '../../../src/application/ports/key-store';
import { ERASED, SEALED } from '../../../src/domain/privacy/personal-data';
import { EncryptingEventStore } from '../../../src/infrastructure/crypto/encrypting-event-store';
import { SqliteKeyStore } from '../../../src/infrastructure/crypto/sqlite-key-store';
import { SqliteEventStore } from '../../../src/infrastructure/event-store/sqlite/sqlite-event-store';
import { describeEventStoreContract } from '../../contracts/event-store.contract';
import { newMetadata, newStreamId, Recorder, rejection } from '../../contracts/event-store.fixtures';
import fixtureV1 from './fixtures/events-v1.json';

const masterKey = randomBytes(32);

const NAME = '岡山 太郎';
const EMAIL = 'taro@example.jp';
const PHONE = '090-1234-5678';
const JOB_SEEKER_NO = '13010-20250401';
const DIFFICULTY = '介護のため平日の来所が難しい';
const DEVICE_ID = 'A1B2C3D4-IPHONE-15-UDID-7788';
const PLAINTEXTS = [NAME, EMAIL, PHONE, JOB_SEEKER_NO, DIFFICULTY, DEVICE_ID];

function event(type: string, data: Record<string, unknown>): NewEvent {
  return { eventId: randomUUID(), type, schemaVersion: 1, data, metadata: newMetadata() };
}

function registered(jobSeekerId: string): NewEvent {
  return event('JobSeekerRegistered', {
    jobSeekerId,
    jobSeekerNo: JOB_SEEKER_NO,
    registration: 'pre',
    name: NAME,
    email: EMAIL,
    phone: PHONE,
    inPersonDifficulty: DIFFICULTY,
  });
}

function checkedIn(jobSeekerId: string, device = true): NewEvent {
  return event('CheckedIn', {
    reservationId: 'rsv-1',
    jobSeekerId,
    checkedInAt: '2025-04-01T01:00:00.000Z',
    ...(device ? { device: { identifier: DEVICE_ID, pseudonym: 'dev-5f3a' } } : {}),
  });
}

function completed(jobSeekerId: string): NewEvent {
  return event('JobSeekerRegistrationCompleted', { jobSeekerId });
}

/** A job seeker's stream: registered, details updated (e-mail only), registration completed. */
function history(jobSeekerId: string): NewEvent[] {
  return [registered(jobSeekerId), event('JobSeekerDetailsUpdated', { jobSeekerId, email: 'okayama@example.jp' }), completed(jobSeekerId)];
}

const json = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

describe('EncryptingEventStore', () => {
  let inner: SqliteEventStore;
  let keys: SqliteKeyStore;
  let store: EncryptingEventStore;
  let jobSeekerId: string;
  let streamId: string;

  beforeEach(() => {
    inner = new SqliteEventStore({ filename: ':memory:', pollIntervalMs: 50 });
    keys = SqliteKeyStore.open(':memory:', masterKey);
    store = new EncryptingEventStore(inner, keys);
    jobSeekerId = `js-${randomUUID()}`;
    streamId = `jobseeker-${jobSeekerId}`;
  });

  afterEach(async () => {
    await store.close();
    await keys.close();
  });

  describe('A8.1: personal fields are encrypted before the inner store sees them', () => {
    it('reads back what was appended, recording which fields were encrypted', async () => {
      const events = history(jobSeekerId);

      await store.append(streamId, events, 'no_stream');

      const read = await store.readStream(streamId);
      expect(read.map((stored) => [stored.eventId, stored.type, stored.data])).toEqual(
        events.map((appended) => [appended.eventId, appended.type, appended.data]),
      );
      expect(read[0].metadata).toEqual({
        ...events[0].metadata,
        personalData: { subject: jobSeekerId, encrypted: ['jobSeekerNo', 'name', 'email', 'phone', 'inPersonDifficulty'] },
      });
      expect(read[1].metadata.personalData).toEqual({ subject: jobSeekerId, encrypted: ['email'] });
      expect(read[2]).toEqual({ ...events[2], streamId, revision: 2n, position: read[2].position });
    });

    it('does not change the caller’s events', async () => {
      const events = [registered(jobSeekerId), checkedIn(jobSeekerId)];
      const before = structuredClone(events);

      await store.append(streamId, events, 'no_stream');

      expect(events).toEqual(before);
    });

    it('leaves no plaintext personal data in the inner store', async () => {
      await store.append(streamId, [...history(jobSeekerId), checkedIn(jobSeekerId)], 'no_stream');

      const raw = await inner.readStream(streamId);

      expect(raw).toHaveLength(4);
      for (const plaintext of PLAINTEXTS) expect(json(raw)).not.toContain(plaintext);
      // One ciphertext per event, in the metadata; each encrypted field keeps its place with a marker.
      expect(raw[0].data).toEqual({
        jobSeekerId,
        jobSeekerNo: 'enc:v2',
        registration: 'pre',
        name: 'enc:v2',
        email: 'enc:v2',
        phone: 'enc:v2',
        inPersonDifficulty: 'enc:v2',
      });
      expect(raw[0].metadata.personalData).toEqual({
        subject: jobSeekerId,
        encrypted: ['jobSeekerNo', 'name', 'email', 'phone', 'inPersonDifficulty'],
        ciphertext: expect.stringMatching(/^[\w-]+$/),
      });
      expect(raw[3].data.device).toEqual({ identifier: 'enc:v2', pseudonym: 'dev-5f3a' });
    });

    it('leaves no plaintext personal data in the SQLite file', async () => {
      const directory = mkdtempSync(join(tmpdir(), 'madoguchi-encrypting-'));
      const filename = join(directory, 'events.sqlite');
      const fileStore = new EncryptingEventStore(SqliteEventStore.open(filename), keys);
      try {
        await fileStore.append(streamId, [...history(jobSeekerId), checkedIn(jobSeekerId)], 'no_stream');
        expect(await fileStore.readStream(streamId)).toHaveLength(4);
        await fileStore.close();

        const db = new Database(filename);
        db.pragma('wal_checkpoint(TRUNCATE)');
        db.close();
        const bytes = Buffer.concat([readFileSync(filename), existsSync(`${filename}-wal`) ? readFileSync(`${filename}-wal`) : Buffer.alloc(0)]);
        expect(bytes.includes(Buffer.from(jobSeekerId))).toBe(true);
        for (const plaintext of PLAINTEXTS) expect(bytes.includes(Buffer.from(plaintext, 'utf8'))).toBe(false);
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    });

    it('passes events that are not in the map, or carry no personal field, through unchanged', async () => {
      const events = [completed(jobSeekerId), checkedIn(jobSeekerId, false)];

      await store.append(streamId, events, 'no_stream');

      expect((await inner.readStream(streamId)).map((raw) => [raw.data, raw.metadata])).toEqual(
        events.map((appended) => [appended.data, appended.metadata]),
      );
      expect(await keys.find(jobSeekerId)).toBeUndefined();
    });

    it('refuses to store personal data it cannot key to a job seeker', async () => {
      const { jobSeekerId: _, ...data } = registered(jobSeekerId).data;

      await expect(store.append(streamId, [event('JobSeekerRegistered', data)], 'no_stream')).rejects.toThrow(/jobSeekerId/);
      expect(await inner.readStream(streamId)).toEqual([]);
    });

    it('returns values written before encryption existed as they are', async () => {
      const legacy = registered(jobSeekerId);
      await inner.append(streamId, [legacy], 'no_stream');

      const [read] = await store.readStream(streamId);

      expect(read.data).toEqual(legacy.data);
    });

    it('keeps appends idempotent by event id: a retry returns the original result and writes nothing', async () => {
      const events = history(jobSeekerId);
      const original = await store.append(streamId, events, 'no_stream');
      const raw = await inner.readStream(streamId);

      const retried = await store.append(streamId, events, 'no_stream');

      expect(retried).toEqual(original);
      expect(await inner.readStream(streamId)).toEqual(raw);
    });

    it('gives events of one job seeker appended concurrently the same key', async () => {
      const other = new EncryptingEventStore(inner, keys);
      const streams = [newStreamId(), newStreamId(), newStreamId(), newStreamId()];

      await Promise.all(streams.map((id, index) => (index % 2 ? other : store).append(id, [registered(jobSeekerId)], 'no_stream')));

      for (const id of streams) expect((await store.readStream(id))[0].data.name).toBe(NAME);
    });
  });

  describe('A8.1: erasure', () => {
    it('reads personal fields as ERASED everywhere, keeping the events and their other fields', async () => {
      const events = [...history(jobSeekerId), checkedIn(jobSeekerId)];
      await store.append(streamId, events, 'no_stream');
      const before = await store.readStream(streamId);
      const otherStream = `jobseeker-js-${randomUUID()}`;
      await store.append(otherStream, [registered(otherStream.slice('jobseeker-'.length))], 'no_stream');

      await store.erase(jobSeekerId, new Date('2025-05-01T00:00:00Z'));

      const recorder = new Recorder([streamId]);
      const subscription = store.subscribeAll(recorder.handler);
      await recorder.until(4);
      await subscription.stop();
      const fromStream = await store.readStream(streamId);
      const fromAll = (await store.readAll()).filter((read) => read.streamId === streamId);
      for (const read of [fromStream, fromAll, recorder.events]) {
        expect(read).toHaveLength(4);
        expect(read.map((erased) => [erased.eventId, erased.type, erased.revision, erased.position, erased.metadata])).toEqual(
          before.map((kept) => [kept.eventId, kept.type, kept.revision, kept.position, kept.metadata]),
        );
        expect(read[0].data).toEqual({
          jobSeekerId,
          registration: 'pre',
          jobSeekerNo: ERASED,
          name: ERASED,
          email: ERASED,
          phone: ERASED,
          inPersonDifficulty: ERASED,
        });
        expect(read[1].data).toEqual({ jobSeekerId, email: ERASED });
        expect(read[2].data).toEqual({ jobSeekerId });
        expect(read[3].data).toEqual({ ...events[3].data, device: { identifier: SEALED, pseudonym: 'dev-5f3a' } });
      }
      expect((await store.readStream(otherStream))[0].data.name).toBe(NAME);
    });

    it('refuses new personal data of an erased job seeker, writing nothing of the append', async () => {
      await store.append(streamId, [registered(jobSeekerId)], 'no_stream');
      await store.erase(jobSeekerId, new Date());
      const head = await store.headPosition();

      const error = await rejection(
        store.append(streamId, [completed(jobSeekerId), event('JobSeekerDetailsUpdated', { jobSeekerId, name: NAME })], 0n),
      );

      expect(error).toBeInstanceOf(SubjectErased);
      expect(error).toMatchObject({ subject: jobSeekerId });
      expect(await store.headPosition()).toBe(head);
      await expect(store.append(newStreamId(), [checkedIn(jobSeekerId)], 'no_stream')).rejects.toBeInstanceOf(SubjectErased);
      expect(await store.headPosition()).toBe(head);
    });

    it('still records events of an erased job seeker that carry no personal data', async () => {
      await store.erase(jobSeekerId, new Date());

      await store.append(streamId, [completed(jobSeekerId), checkedIn(jobSeekerId, false)], 'no_stream');

      expect(await store.readStream(streamId)).toHaveLength(2);
    });

    it('takes effect in another instance at its very next read', async () => {
      await store.append(streamId, [registered(jobSeekerId)], 'no_stream');
      const otherProcess = new EncryptingEventStore(inner, keys);
      expect((await otherProcess.readStream(streamId))[0].data.name).toBe(NAME);

      await store.erase(jobSeekerId, new Date());

      expect((await otherProcess.readStream(streamId))[0].data.name).toBe(ERASED);
    });

    it('takes effect in an instance with its own key store on the shared file, after its reads opened the key many times', async () => {
      const directory = mkdtempSync(join(tmpdir(), 'madoguchi-erasure-'));
      const here = SqliteKeyStore.open(join(directory, 'keys.sqlite'), masterKey);
      const there = SqliteKeyStore.open(join(directory, 'keys.sqlite'), masterKey);
      const subscribe = async (store: EncryptingEventStore) => {
        const recorder = new Recorder([streamId]);
        const subscription = store.subscribeAll(recorder.handler);
        await recorder.until(2);
        await subscription.stop();
        return recorder.events;
      };
      try {
        const thisInstance = new EncryptingEventStore(inner, here);
        const otherInstance = new EncryptingEventStore(inner, there);
        await thisInstance.append(streamId, [registered(jobSeekerId), checkedIn(jobSeekerId)], 'no_stream');
        for (let read = 0; read < 3; read++) expect((await otherInstance.readStream(streamId))[0].data.name).toBe(NAME);
        expect((await subscribe(otherInstance))[0].data.name).toBe(NAME);
        const [, stored] = await otherInstance.readStream(streamId);

        await thisInstance.erase(jobSeekerId, new Date());

        expect((await otherInstance.readStream(streamId))[0].data.name).toBe(ERASED);
        expect((await otherInstance.readAll()).find((read) => read.streamId === streamId)?.data.email).toBe(ERASED);
        expect((await subscribe(otherInstance))[0].data.name).toBe(ERASED);
        await expect(otherInstance.unseal(stored)).rejects.toBeInstanceOf(SubjectErased);
        await expect(otherInstance.append(newStreamId(), [registered(jobSeekerId)], 'no_stream')).rejects.toBeInstanceOf(SubjectErased);
      } finally {
        await here.close();
        await there.close();
        rmSync(directory, { recursive: true, force: true });
      }
    });
  });

  describe('A7.2: sealed fields', () => {
    it('read as SEALED, and unseal opens them (and the personal ones) from the stored event', async () => {
      await store.append(streamId, [registered(jobSeekerId), checkedIn(jobSeekerId)], 'no_stream');
      const [read0, read1] = await store.readStream(streamId);
      expect(read1.data.device).toEqual({ identifier: SEALED, pseudonym: 'dev-5f3a' });

      const unsealed = await store.unseal(read1);

      expect(unsealed.data.device).toEqual({ identifier: DEVICE_ID, pseudonym: 'dev-5f3a' });
      expect(unsealed).toEqual({ ...read1, data: { ...read1.data, device: unsealed.data.device } });
      expect((await store.unseal(read0)).data).toMatchObject({ name: NAME, email: EMAIL });
    });

    it('unseal throws SubjectErased after erasure', async () => {
      await store.append(streamId, [checkedIn(jobSeekerId)], 'no_stream');
      const [read] = await store.readStream(streamId);

      await store.erase(jobSeekerId, new Date());

      await expect(store.unseal(read)).rejects.toBeInstanceOf(SubjectErased);
    });

    it('unseal refuses an event that is not the one stored at its place', async () => {
      await store.append(streamId, [checkedIn(jobSeekerId)], 'no_stream');
      const [read] = await store.readStream(streamId);

      await expect(store.unseal({ ...read, eventId: randomUUID() })).rejects.toThrow(/not stored/);
      await expect(store.unseal({ ...read, revision: 5n })).rejects.toThrow(/not stored/);
    });
  });

  describe('A8.1: events stored before issue 18, one ciphertext per field (enc:v1)', () => {
    // Stored by the release before issue 18, with its key store's row for the job seeker (fixtures/events-v1.json).
    const v1 = fixtureV1 as { masterKey: string; subject: string; wrappedKey: string; events: NewEvent[] };
    const v1Stream = `jobseeker-${v1.subject}`;
    let directory: string;
    let v1Keys: SqliteKeyStore;
    let v1Store: EncryptingEventStore;

    beforeEach(async () => {
      directory = mkdtempSync(join(tmpdir(), 'madoguchi-v1-'));
      const filename = join(directory, 'keys.sqlite');
      await SqliteKeyStore.open(filename, Buffer.from(v1.masterKey, 'hex')).close();
      const db = new Database(filename);
      db.prepare('INSERT INTO subject_keys (subject, wrapped, created_at) VALUES (?, ?, ?)').run(
        v1.subject,
        Buffer.from(v1.wrappedKey, 'base64'),
        '2025-04-01T00:00:00.000Z',
      );
      db.close();
      v1Keys = SqliteKeyStore.open(filename, Buffer.from(v1.masterKey, 'hex'));
      v1Store = new EncryptingEventStore(inner, v1Keys);
      await inner.append(v1Stream, v1.events, 'no_stream');
    });

    afterEach(async () => {
      await v1Keys.close();
      rmSync(directory, { recursive: true, force: true });
    });

    it('still open: personal fields as they were written, sealed ones as SEALED, and unseal opens those', async () => {
      const read = await v1Store.readStream(v1Stream);

      expect(read.map((opened) => opened.data)).toEqual([
        { ...v1.events[0].data, jobSeekerNo: JOB_SEEKER_NO, name: NAME, email: EMAIL, phone: PHONE, inPersonDifficulty: DIFFICULTY },
        { jobSeekerId: v1.subject, email: 'okayama@example.jp' },
        { ...v1.events[2].data, device: { identifier: SEALED, pseudonym: 'dev-5f3a' } },
      ]);
      expect(read.map((opened) => opened.metadata)).toEqual(v1.events.map((stored) => stored.metadata));
      expect((await v1Store.unseal(read[2])).data.device).toEqual({ identifier: DEVICE_ID, pseudonym: 'dev-5f3a' });
    });

    it('read as ERASED once the key is destroyed', async () => {
      await v1Store.erase(v1.subject, new Date());

      const read = await v1Store.readStream(v1Stream);

      expect(read[0].data).toEqual({
        ...v1.events[0].data,
        jobSeekerNo: ERASED,
        name: ERASED,
        email: ERASED,
        phone: ERASED,
        inPersonDifficulty: ERASED,
      });
      expect(read[1].data).toEqual({ jobSeekerId: v1.subject, email: ERASED });
      await expect(v1Store.unseal(read[2])).rejects.toBeInstanceOf(SubjectErased);
    });

    it('do not open when a ciphertext was moved to another field', async () => {
      const [registration] = v1.events;
      const forged = { ...registration, eventId: randomUUID(), data: { ...registration.data, email: registration.data.name } };
      const forgedStream = newStreamId();
      await inner.append(forgedStream, [forged], 'no_stream');

      await expect(v1Store.readStream(forgedStream)).rejects.toThrow(/email of a JobSeekerRegistered event .* does not open/);
    });

    it('are followed by events in the current format in the same stream', async () => {
      await v1Store.append(v1Stream, [event('JobSeekerDetailsUpdated', { jobSeekerId: v1.subject, phone: '080-0000-0000' })], 2n);

      const read = await v1Store.readStream(v1Stream);

      expect(read.map((opened) => opened.data.phone)).toEqual([PHONE, undefined, undefined, '080-0000-0000']);
      expect((await inner.readStream(v1Stream, 3n))[0].data.phone).toBe('enc:v2');
    });
  });

  describe('A8.1: ciphertexts open only where they were written', () => {
    /** Appends to the inner store, as an attacker with write access to it could. */
    async function forge(
      change: (raw: StoredEvent, personalData: Record<string, unknown>) => { data?: Record<string, unknown>; personalData: Record<string, unknown> },
    ): Promise<string> {
      await store.append(streamId, [registered(jobSeekerId)], 'any');
      const [raw] = await inner.readStream(streamId);
      const { data = raw.data, personalData } = change(raw, raw.metadata.personalData as Record<string, unknown>);
      const forgedStream = newStreamId();
      await inner.append(forgedStream, [{ ...event(raw.type, data), metadata: { ...raw.metadata, personalData } }], 'no_stream');
      return forgedStream;
    }

    it('a tampered ciphertext fails to open', async () => {
      const forged = await forge((_raw, personalData) => {
        const ciphertext = personalData.ciphertext as string;
        const flipped = ciphertext.slice(0, -2) + (ciphertext.at(-2) === 'A' ? 'B' : 'A') + ciphertext.slice(-1);
        return { personalData: { ...personalData, ciphertext: flipped } };
      });

      await expect(store.readStream(forged)).rejects.toThrow(
        /personal data \(jobSeekerNo, name, .*\) of a JobSeekerRegistered event .* does not open/,
      );
    });

    it('values moved to other fields fail to open', async () => {
      const forged = await forge((_raw, personalData) => ({
        personalData: { ...personalData, encrypted: ['jobSeekerNo', 'email', 'name', 'phone', 'inPersonDifficulty'] },
      }));

      await expect(store.readStream(forged)).rejects.toThrow(/does not open/);
    });

    it('a ciphertext moved to another job seeker fails to open', async () => {
      const other = `js-${randomUUID()}`;
      await store.append(newStreamId(), [registered(other)], 'no_stream');

      const forged = await forge((raw, personalData) => ({
        data: { ...raw.data, jobSeekerId: other },
        personalData: { ...personalData, subject: other },
      }));

      await expect(store.readStream(forged)).rejects.toThrow(/does not open/);
      await expect(store.readAll()).rejects.toThrow(/does not open/);
    });
  });
});

describeEventStoreContract('EncryptingEventStore over SqliteEventStore in memory', async () => {
  const keys = SqliteKeyStore.open(':memory:', masterKey);
  const store = new EncryptingEventStore(new SqliteEventStore({ filename: ':memory:' }), keys);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await keys.close();
    },
  };
});
