import { randomBytes } from 'node:crypto';
import { Binary, type Collection, MongoClient, MongoServerError } from 'mongodb';
import { type KeyStore, type MasterKeyRotation, type RotationProgress, SubjectErased } from '../../application/ports/key-store';
import { assertMasterKey, KEY_BYTES, opensWith, unwrapKey, wrapKey } from './key-wrapping';
import { connectOrExplain, databaseInUrl, mongoClientOptions } from '../mongodb/client-options';

const DEFAULT_DATABASE = 'madoguchi';
const DEFAULT_COLLECTION = 'subject_keys';
const DUPLICATE_KEY = 11000;
/** Concurrent upserts of one new subject: how often a loser of the insert race tries again before giving up. */
const UPSERT_ATTEMPTS = 3;

/** A live key has wrapped bytes and a creation time; a tombstone has neither, and the time of the first destroy. */
interface SubjectKeyDocument {
  _id: string;
  wrapped: Binary | null;
  createdAt: Date | null;
  destroyedAt: Date | null;
}

export interface MongoKeyStoreOptions {
  /** Defaults to the database named in the URL, else 'madoguchi'. */
  database?: string;
  /** Defaults to 'subject_keys'. */
  collection?: string;
  /** False only for a rotation of the master key, which may find some keys re-wrapped already. */
  verifyMasterKey?: boolean;
}

/**
 * Per-subject keys in MongoDB, for several instances sharing one EventStoreDB: they must share one key store, or
 * an erasure done by one instance would not hold on the others. Each key is stored wrapped (AES-256-GCM) by a
 * master key that never reaches the database.
 *
 * Writes wait for a majority and reads see only majority-committed data: a created key survives a failover (else
 * data sealed with it would be lost), and an erasure, once acknowledged, is seen by every instance (A8.1).
 *
 * Unlike the SQLite key store (secure_delete, then its WAL checkpointed and truncated: nothing of an erased key is
 * left in any of its files when destroy returns), MongoDB cannot promise that an erased key is gone from disk when destroy
 * returns: it does not overwrite a destroyed key's bytes, which stay in the oplog until it rolls over, may stay in
 * WiredTiger's data files and journal until their space is reused, and stay in backups. Only the master key opens
 * it, so erasure there rests on the master key never being stored with the database or its backups.
 */
export class MongoKeyStore implements KeyStore, MasterKeyRotation {
  private closing: Promise<void> | undefined;

  static async connect(url: string, masterKey: Buffer, options: MongoKeyStoreOptions = {}): Promise<MongoKeyStore> {
    assertMasterKey(masterKey);
    const client = new MongoClient(url, mongoClientOptions(url));
    try {
      await connectOrExplain(client, 'The key store');
      const database = options.database ?? databaseInUrl(url) ?? DEFAULT_DATABASE;
      const collection = options.collection ?? DEFAULT_COLLECTION;
      const store = new MongoKeyStore(
        client,
        client.db(database).collection<SubjectKeyDocument>(collection),
        masterKey,
        // Names the collection in errors without the URL, which may carry a password.
        `MongoDB ${database}.${collection}`,
      );
      if (options.verifyMasterKey ?? true) await store.checkMasterKey();
      return store;
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  private constructor(
    private readonly client: MongoClient,
    private readonly keys: Collection<SubjectKeyDocument>,
    private readonly masterKey: Buffer,
    private readonly location: string,
  ) {}

  async keyFor(subject: string): Promise<Buffer> {
    const document = await this.createOrRead(subject);
    if (document.wrapped === null) throw new SubjectErased(subject);
    return this.unwrap(subject, document.wrapped);
  }

  async find(subject: string): Promise<Buffer | 'erased' | undefined> {
    const document = await this.keys.findOne({ _id: subject });
    if (document === null) return undefined;
    return document.wrapped === null ? 'erased' : this.unwrap(subject, document.wrapped);
  }

  async destroy(subject: string, at: Date): Promise<void> {
    // A pipeline update, so that a repeated destroy keeps the first destruction time. Upsert: a subject that never
    // had a key gets a tombstone, so that a later keyFor cannot create one.
    await this.keys.updateOne(
      { _id: subject },
      [
        {
          $set: {
            wrapped: null,
            createdAt: { $ifNull: ['$createdAt', null] },
            destroyedAt: { $ifNull: ['$destroyedAt', at] },
          },
        },
      ],
      { upsert: true },
    );
  }

  async close(): Promise<void> {
    this.closing ??= this.client.close();
    await this.closing;
  }

  async rewrapAll(newMasterKey: Buffer, progress?: (progress: RotationProgress) => void): Promise<RotationProgress> {
    assertMasterKey(newMasterKey);
    const live = { wrapped: { $ne: null } };
    const state: RotationProgress = { done: 0, total: await this.keys.countDocuments(live), rewrapped: 0, alreadyNew: 0 };
    for await (const { _id: subject, wrapped } of this.keys.find(live).sort({ _id: 1 })) {
      if (wrapped === null) continue;
      const bytes = Buffer.from(wrapped.value());
      if (opensWith(newMasterKey, subject, bytes)) state.alreadyNew++;
      else {
        const rewrapped = new Binary(wrapKey(newMasterKey, subject, this.unwrap(subject, wrapped)));
        // Conditional on the stored bytes: a key destroyed (or re-wrapped by another run) meanwhile is left alone.
        if ((await this.keys.updateOne({ _id: subject, wrapped }, { $set: { wrapped: rewrapped } })).modifiedCount === 1) state.rewrapped++;
      }
      state.done++;
      progress?.({ ...state });
    }
    return state;
  }

  /**
   * One atomic upsert: inserts a new wrapped key unless the subject has a document (a key or a tombstone), and
   * returns whichever is stored. A destroyed key is therefore never re-created.
   */
  private async createOrRead(subject: string): Promise<SubjectKeyDocument> {
    const wrapped = new Binary(wrapKey(this.masterKey, subject, randomBytes(KEY_BYTES)));
    for (let attempt = 1; ; attempt += 1) {
      try {
        const document = await this.keys.findOneAndUpdate(
          { _id: subject },
          { $setOnInsert: { wrapped, createdAt: new Date(), destroyedAt: null } },
          { upsert: true, returnDocument: 'after' },
        );
        if (document === null) throw new Error(`MongoDB returned no document for the upsert of ${subject}'s key`);
        return document;
      } catch (error) {
        // Two upserts raced to insert the subject and this one lost: the winner's document exists now, so the
        // same upsert reads it back (a plain majority read could still miss a write not yet majority-committed).
        if (!isDuplicateKey(error) || attempt >= UPSERT_ATTEMPTS) throw error;
      }
    }
  }

  private unwrap(subject: string, wrapped: Binary): Buffer {
    return unwrapKey(this.masterKey, subject, Buffer.from(wrapped.value()), this.location);
  }

  /** Fails at startup, not at the first read, when the master key does not open the keys already stored. */
  private async checkMasterKey(): Promise<void> {
    const sample = await this.keys.findOne({ wrapped: { $ne: null } });
    if (sample?.wrapped) this.unwrap(sample._id, sample.wrapped);
  }
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}
