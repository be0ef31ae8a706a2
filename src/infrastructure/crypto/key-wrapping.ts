import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';

/** The size of a master key and of every per-subject data key (AES-256). */
export const KEY_BYTES = 32;
/** AES-GCM: a 96-bit IV, random for every encryption (with one key, a repeated IV would leak the plaintexts). */
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
/** How many opened keys are remembered per master key (a few MB at most). */
const OPENED_PER_MASTER_KEY = 10_000;

type OpenedKeys = Map<string, { wrapped: Buffer; key: Buffer }>;

/**
 * Keys already opened, by master key and subject, with the wrapped bytes they were opened from. Opening is a pure
 * function of (master key, subject, wrapped bytes): the same bytes give the same key, so only an exact match is
 * answered from here, and a key store still reads the wrapped bytes on every lookup. A8.1: an erased key has no
 * wrapped bytes left in its store, so no lookup reaches this after an erasure, whichever instance made it.
 */
const opened = new WeakMap<Buffer, OpenedKeys>();

function remember(masterKey: Buffer, subject: string, wrapped: Buffer, key: Buffer): void {
  let keys = opened.get(masterKey);
  if (keys === undefined) opened.set(masterKey, (keys = new Map() as OpenedKeys));
  keys.delete(subject);
  keys.set(subject, { wrapped: Buffer.from(wrapped), key });
  if (keys.size > OPENED_PER_MASTER_KEY) keys.delete(keys.keys().next().value!);
}

/** IVs drawn from the CSPRNG 256 at a time, as node does for randomUUID: one call costs as much as a whole block. */
const ivPool = Buffer.alloc(IV_BYTES * 256);
let ivPoolUsed = ivPool.length;

/** A fresh random IV for one AES-GCM encryption. */
export function randomIv(): Buffer {
  if (ivPoolUsed === ivPool.length) {
    randomFillSync(ivPool);
    ivPoolUsed = 0;
  }
  // A copy: the pool's bytes are overwritten at the next refill.
  const iv = Buffer.from(ivPool.subarray(ivPoolUsed, ivPoolUsed + IV_BYTES));
  ivPoolUsed += IV_BYTES;
  return iv;
}

/** Refuses a master key of the wrong size before any store is opened with it. */
export function assertMasterKey(masterKey: Buffer): void {
  if (masterKey.length !== KEY_BYTES) throw new Error(`The master key must be ${KEY_BYTES} bytes`);
}

/**
 * A data key wrapped by the master key with AES-256-GCM: iv ‖ tag ‖ sealed key. The subject is the AAD, so a
 * wrapped key copied onto another subject's record does not open.
 */
export function wrapKey(masterKey: Buffer, subject: string, key: Buffer): Buffer {
  const iv = randomIv();
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv).setAAD(Buffer.from(subject, 'utf8'));
  const sealed = Buffer.concat([cipher.update(key), cipher.final()]);
  const wrapped = Buffer.concat([iv, cipher.getAuthTag(), sealed]);
  // A new subject's key is read back right after it is stored: it opens without another AES operation.
  remember(masterKey, subject, wrapped, Buffer.from(key));
  return wrapped;
}

/**
 * Opens a key made by `wrapKey`; `store` names where it was read (never a URL, which may carry a password). Every
 * read of personal data opens its subject's key: bytes opened before are answered from memory (see `opened`).
 */
export function unwrapKey(masterKey: Buffer, subject: string, wrapped: Buffer, store: string): Buffer {
  const known = opened.get(masterKey)?.get(subject);
  if (known?.wrapped.equals(wrapped)) return known.key;
  try {
    const decipher = createDecipheriv('aes-256-gcm', masterKey, wrapped.subarray(0, IV_BYTES))
      .setAAD(Buffer.from(subject, 'utf8'))
      .setAuthTag(wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const key = Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    remember(masterKey, subject, wrapped, key);
    return key;
  } catch {
    throw new Error(
      `Cannot open the data key of ${subject} in ${store}: the master key is not the one it was ` +
        'stored with (or the stored key was altered). Configure the original master key; a new one cannot read it.',
    );
  }
}

/** True when `masterKey` opens this wrapped key (a rotation tells keys already re-wrapped from those still to do). */
export function opensWith(masterKey: Buffer, subject: string, wrapped: Buffer): boolean {
  try {
    unwrapKey(masterKey, subject, wrapped, '');
    return true;
  } catch {
    return false;
  }
}
