import { createCipheriv, createDecipheriv } from 'node:crypto';
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
import { IV_BYTES, randomIv, TAG_BYTES } from './key-wrapping';

/** Before issue 18 each encrypted field held its own ciphertext: 'enc:v1:' + base64url(iv ‖ tag ‖ ciphertext). */
const V1_PREFIX = 'enc:v1:';
/**
 * Since issue 18 (one AES-GCM operation per event, not one per field): each encrypted field holds this marker, and
 * `personalData.ciphertext` in the metadata holds base64url(iv ‖ tag ‖ ciphertext) of the JSON array of their values.
 */
const V2_MARKER = 'enc:v2';

/** Recorded in the metadata of an event whose personal data was encrypted. */
export interface PersonalDataMetadata {
  subject: string;
  encrypted: string[];
  /** The values of the `encrypted` fields, in that order (absent on events stored before issue 18); not shown on read. */
  ciphertext?: string;
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
    const plaintexts = decryptFields(key, stored, personalData);
    let data = stored.data;
    personalData.encrypted.forEach((path, i) => {
      const plaintext = plaintexts[i];
      if (plaintext !== undefined) data = withPath(data, path, plaintext);
    });
    return opened(stored, personalData, data);
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
    let data = event.data;
    const plaintexts = paths.map((path) => {
      const value = getPath(event.data, path);
      if (typeof value !== 'string') {
        throw new TypeError(`A8.1: ${path} of ${event.type} ${event.eventId} must be a string to be encrypted`);
      }
      data = withPath(data, path, V2_MARKER);
      return value;
    });
    const personalData: PersonalDataMetadata = { subject, encrypted: paths, ciphertext: encrypt(key, subject, event.type, paths, plaintexts) };
    return { ...event, data, metadata: { ...event.metadata, personalData } };
  }

  /**
   * Keys are looked up once per subject per read, never kept across reads: an erasure made by any
   * instance shows in the very next read of every instance.
   */
  private async openAll(events: StoredEvent[]): Promise<StoredEvent[]> {
    const keys: ReadKeys = new Map();
    const result: StoredEvent[] = [];
    for (const event of events) result.push(await this.open(event, keys));
    return result;
  }

  private async open(event: StoredEvent, keys: ReadKeys): Promise<StoredEvent> {
    if (event.type === 'PersonalDataErased') await this.enforceErasure(event, keys);
    const personalData = personalDataOf(event);
    if (personalData === undefined) return event;
    const { subject, encrypted } = personalData;
    const sealed = this.fieldsOf(event.type)?.sealed ?? [];
    // A7.2: sealed fields read as SEALED whatever their key: an event with nothing else encrypted needs no key.
    const key = encrypted.every((path) => sealed.includes(path)) ? undefined : await this.readKey(subject, keys);
    const plaintexts = key instanceof Buffer ? decryptFields(key, event, personalData) : undefined;
    let data = event.data;
    encrypted.forEach((path, i) => {
      // v1: values written before encryption existed are returned as they are.
      if (!isStoredEncrypted(event, personalData, path)) return;
      data = withPath(data, path, sealed.includes(path) ? SEALED : (plaintexts?.[i] ?? ERASED));
    });
    return opened(event, personalData, data);
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

/** The event as the application sees it: its data opened, and its metadata without the ciphertext. */
function opened(event: StoredEvent, personalData: PersonalDataMetadata, data: Data): StoredEvent {
  if (personalData.ciphertext === undefined) return { ...event, data };
  const { ciphertext: _ciphertext, ...shown } = personalData;
  return { ...event, data, metadata: { ...event.metadata, personalData: shown } };
}

function isStoredEncrypted(event: StoredEvent, personalData: PersonalDataMetadata, path: string): boolean {
  if (personalData.ciphertext !== undefined) return true;
  const value = getPath(event.data, path);
  return typeof value === 'string' && value.startsWith(V1_PREFIX);
}

/**
 * The plaintext of each encrypted field of a stored event, in the order of `encrypted`; undefined for a field
 * stored before encryption existed. Sealed fields included: callers decide what to show.
 */
function decryptFields(key: Buffer, event: StoredEvent, personalData: PersonalDataMetadata): Array<string | undefined> {
  const { subject, encrypted, ciphertext } = personalData;
  if (ciphertext !== undefined) {
    const plaintext = decrypt(
      key,
      ciphertext,
      aad(subject, event.type, encrypted),
      () => `the personal data (${encrypted.join(', ')}) of a ${event.type} event of ${subject}`,
    );
    return JSON.parse(plaintext) as string[];
  }
  return encrypted.map((path) => {
    const value = getPath(event.data, path);
    if (typeof value !== 'string' || !value.startsWith(V1_PREFIX)) return undefined;
    return decrypt(key, value.slice(V1_PREFIX.length), aad(subject, event.type, path), () => `${path} of a ${event.type} event of ${subject}`);
  });
}

/**
 * The ciphertext opens only for the subject, event type and fields it was written for (v1: one field, v2: the list,
 * so values moved between fields do not open either).
 */
function aad(subject: string, type: string, fields: string | readonly string[]): Buffer {
  return Buffer.from(JSON.stringify([subject, type, fields]), 'utf8');
}

function encrypt(key: Buffer, subject: string, type: string, paths: readonly string[], plaintexts: readonly string[]): string {
  const iv = randomIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad(subject, type, paths));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(plaintexts), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
}

function decrypt(key: Buffer, base64url: string, additionalData: Buffer, what: () => string): string {
  const bytes = Buffer.from(base64url, 'base64url');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES))
      .setAAD(additionalData)
      .setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new Error(`A8.1: ${what()} does not open: it was altered or written for other fields, another event type or another subject`);
  }
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

/**
 * A copy of `data` with `path` set to `value`: only the objects along the path are copied (the caller's event, and
 * the stored one, stay as they are). Only called for paths `getPath` found, so every parent exists.
 */
function withPath(data: Data, path: string, value: string): Data {
  const dot = path.indexOf('.');
  if (dot === -1) return { ...data, [path]: value };
  const head = path.slice(0, dot);
  return { ...data, [head]: withPath(data[head] as Data, path.slice(dot + 1), value) };
}

function where(event: StoredEvent): string {
  return `${event.type} ${event.eventId} at ${event.streamId}@${event.revision}`;
}
