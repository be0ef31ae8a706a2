import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The size of a master key and of every per-subject data key (AES-256). */
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Refuses a master key of the wrong size before any store is opened with it. */
export function assertMasterKey(masterKey: Buffer): void {
  if (masterKey.length !== KEY_BYTES) throw new Error(`The master key must be ${KEY_BYTES} bytes`);
}

/**
 * A data key wrapped by the master key with AES-256-GCM: iv ‖ tag ‖ sealed key. The subject is the AAD, so a
 * wrapped key copied onto another subject's record does not open.
 */
export function wrapKey(masterKey: Buffer, subject: string, key: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv).setAAD(Buffer.from(subject, 'utf8'));
  const sealed = Buffer.concat([cipher.update(key), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
}

/** Opens a key made by `wrapKey`; `store` names where it was read (never a URL, which may carry a password). */
export function unwrapKey(masterKey: Buffer, subject: string, wrapped: Buffer, store: string): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', masterKey, wrapped.subarray(0, IV_BYTES))
      .setAAD(Buffer.from(subject, 'utf8'))
      .setAuthTag(wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
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
