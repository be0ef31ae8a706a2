import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type {
  AppendResult,
  EventHandler,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  StoredEvent,
  Subscription,
} from '../../application/ports/event-store';
import { type KeyStore, type PersonalDataVault, SubjectErased } from '../../application/ports/key-store';
import { ERASED, PERSONAL_DATA, type PersonalDataMap, SEALED } from '../../domain/privacy/personal-data';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Recorded in the metadata of an event whose personal data was encrypted. */
export interface PersonalDataMetadata {
  subject: string;
  encrypted: string[];
}

interface Fields {
  readonly personal: readonly string[];
  readonly sealed?: readonly string[];
}

type Data = Record<string, unknown>;
/** The keys looked up during one read. */
type ReadKeys = Map<string, Promise<Buffer | 'erased' | undefined>>;

/**
 * A8.1: encrypts the personal fields of events with a key of their job seeker before the inner store sees
 * them, and opens them on read. Destroying the key (`erase`) erases the data from the whole history at once:
 * the events stay, their personal fields read as ERASED. A7.2: sealed fields always read as SEALED; only
 * `unseal` (the legal-request export) opens them.
 */
export class EncryptingEventStore implements EventStore, PersonalDataVault {
  constructor(
    private readonly inner: EventStore,
    private readonly keys: KeyStore,
    private readonly map: PersonalDataMap = PERSONAL_DATA,
  ) {}

  async append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    // Every key first: an erased subject fails the whole append before anything is written.
    const keys = new Map<string, Buffer>();
    const encrypted: NewEvent[] = [];
    for (const event of events) encrypted.push(await this.encrypt(event, keys));
    return this.inner.append(streamId, encrypted, expectedRevision);
  }

  async readStream(streamId: string, fromRevision?: bigint): Promise<StoredEvent[]> {
    return this.openAll(await this.inner.readStream(streamId, fromRevision));
  }

  async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    return this.openAll(await this.inner.readAll(options));
  }

  headPosition(): Promise<bigint> {
    return this.inner.headPosition();
  }

  subscribeAll(handler: EventHandler, options?: { after?: bigint }): Subscription {
    return this.inner.subscribeAll(async (event) => handler(await this.open(event, new Map())), options);
  }

  /** Closes the inner store only: the key store has its own owner. */
  close(): Promise<void> {
    return this.inner.close();
  }

  /** A8.1: destroys the subject's key; from the next read on, every instance reads its personal fields as ERASED. */
  async erase(subject: string, at: Date): Promise<void> {
    await this.keys.destroy(subject, at);
  }

  /** A7.2: the event as stored, with its sealed and personal fields opened. Throws SubjectErased after erasure. */
  async unseal(event: StoredEvent): Promise<StoredEvent> {
    const [stored] = await this.inner.readStream(event.streamId, event.revision);
    if (stored?.eventId !== event.eventId || stored.revision !== event.revision) {
      throw new Error(`Event ${event.eventId} is not stored at ${event.streamId}@${event.revision}`);
    }
    const personalData = personalDataOf(stored);
    if (personalData === undefined) return stored;
    // The key store, not the cache: the export must see an erasure made by any process.
    const key = await this.keys.find(personalData.subject);
    if (key === 'erased') throw new SubjectErased(personalData.subject);
    if (key === undefined) throw new Error(`No data key for ${personalData.subject}: ${where(stored)} cannot be opened`);
    const data = structuredClone(stored.data);
    for (const path of personalData.encrypted) {
      const value = getPath(data, path);
      if (isCiphertext(value)) setPath(data, path, decrypt(key, personalData.subject, stored.type, path, value));
    }
    return { ...stored, data };
  }

  private async encrypt(event: NewEvent, keys: Map<string, Buffer>): Promise<NewEvent> {
    const fields = this.fieldsOf(event.type);
    if (fields === undefined) return event;
    const paths = [...fields.personal, ...(fields.sealed ?? [])].filter((path) => present(event.data, path));
    if (paths.length === 0) return event;
    const subject = event.data.jobSeekerId;
    if (typeof subject !== 'string' || subject === '') {
      throw new TypeError(`A8.1: ${event.type} ${event.eventId} has personal data but no jobSeekerId to key it by`);
    }
    let key = keys.get(subject);
    if (key === undefined) {
      key = await this.keys.keyFor(subject);
      keys.set(subject, key);
    }
    const data = structuredClone(event.data);
    for (const path of paths) {
      const value = getPath(data, path);
      if (typeof value !== 'string') {
        throw new TypeError(`A8.1: ${path} of ${event.type} ${event.eventId} must be a string to be encrypted`);
      }
      setPath(data, path, encrypt(key, subject, event.type, path, value));
    }
    const personalData: PersonalDataMetadata = { subject, encrypted: paths };
    return { ...event, data, metadata: { ...event.metadata, personalData } };
  }

  /**
   * Keys are looked up once per subject per read, never kept across reads: an erasure made by any
   * instance shows in the very next read of every instance.
   */
  private async openAll(events: StoredEvent[]): Promise<StoredEvent[]> {
    const keys: ReadKeys = new Map();
    const opened: StoredEvent[] = [];
    for (const event of events) opened.push(await this.open(event, keys));
    return opened;
  }

  private async open(event: StoredEvent, keys: ReadKeys): Promise<StoredEvent> {
    if (event.type === 'PersonalDataErased') await this.enforceErasure(event, keys);
    const personalData = personalDataOf(event);
    if (personalData === undefined) return event;
    const { subject, encrypted } = personalData;
    const sealed = new Set(this.fieldsOf(event.type)?.sealed ?? []);
    const key = await this.readKey(subject, keys);
    const data = structuredClone(event.data);
    for (const path of encrypted) {
      const value = getPath(data, path);
      // Values written before encryption existed are returned as they are.
      if (!isCiphertext(value)) continue;
      if (sealed.has(path)) setPath(data, path, SEALED);
      else setPath(data, path, key instanceof Buffer ? decrypt(key, subject, event.type, path, value) : ERASED);
    }
    return { ...event, data };
  }

  /**
   * Whichever instance reads a PersonalDataErased first destroys the key if it still exists: a crash
   * between the event and the key's destruction, or another instance's cached key, never outlives it.
   */
  private async enforceErasure(event: StoredEvent, keys: ReadKeys): Promise<void> {
    const subject = event.data.jobSeekerId;
    if (typeof subject !== 'string') return;
    if ((await this.readKey(subject, keys)) === 'erased') return;
    await this.erase(subject, new Date(String(event.data.erasedAt)));
    keys.set(subject, Promise.resolve('erased'));
  }

  private readKey(subject: string, keys: ReadKeys): Promise<Buffer | 'erased' | undefined> {
    let lookup = keys.get(subject);
    if (lookup === undefined) {
      lookup = this.keys.find(subject);
      keys.set(subject, lookup);
    }
    return lookup;
  }

  private fieldsOf(type: string): Fields | undefined {
    return Object.prototype.hasOwnProperty.call(this.map, type) ? (this.map as Record<string, Fields>)[type] : undefined;
  }
}

function personalDataOf(event: StoredEvent): PersonalDataMetadata | undefined {
  const value = event.metadata.personalData as PersonalDataMetadata | undefined;
  return typeof value?.subject === 'string' && Array.isArray(value.encrypted) ? value : undefined;
}

/** The ciphertext opens only for the subject, event type and field it was written for. */
function aad(subject: string, type: string, path: string): Buffer {
  return Buffer.from(JSON.stringify([subject, type, path]), 'utf8');
}

function encrypt(key: Buffer, subject: string, type: string, path: string, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad(subject, type, path));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
}

function decrypt(key: Buffer, subject: string, type: string, path: string, value: string): string {
  const bytes = Buffer.from(value.slice(PREFIX.length), 'base64url');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES))
      .setAAD(aad(subject, type, path))
      .setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new Error(`A8.1: ${path} of a ${type} event of ${subject} does not open: it was altered or written for another field or subject`);
  }
}

function isCiphertext(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PREFIX);
}

function present(data: Data, path: string): boolean {
  const value = getPath(data, path);
  return value !== undefined && value !== null;
}

function getPath(data: Data, path: string): unknown {
  let value: unknown = data;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.prototype.hasOwnProperty.call(value, part)) return undefined;
    value = (value as Data)[part];
  }
  return value;
}

/** Only called for paths `getPath` found, so every parent exists. */
function setPath(data: Data, path: string, value: string): void {
  const parts = path.split('.');
  const parent = parts.slice(0, -1).reduce((object, part) => object[part] as Data, data);
  parent[parts[parts.length - 1]] = value;
}

function where(event: StoredEvent): string {
  return `${event.type} ${event.eventId} at ${event.streamId}@${event.revision}`;
}
