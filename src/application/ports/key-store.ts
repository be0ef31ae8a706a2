import type { StoredEvent } from './event-store';

/** Per-subject data keys (one per job seeker). Destroying a key is erasure (crypto-shredding, A8.1). */
export interface KeyStore {
  /**
   * The subject's 32-byte key, created on first use. Throws `SubjectErased` when the key was destroyed (never
   * re-creates it). Safe under concurrency: two callers racing on a new subject get the same key.
   */
  keyFor(subject: string): Promise<Buffer>;
  /** The key if it exists, 'erased' if it was destroyed, undefined if never created. */
  find(subject: string): Promise<Buffer | 'erased' | undefined>;
  /** Destroys the key, keeping a tombstone (the subject and when). Idempotent. */
  destroy(subject: string, at: Date): Promise<void>;
  close(): Promise<void>;
}

/** How far a rotation of the master key is: keys checked so far, of `total`. */
export interface RotationProgress {
  done: number;
  total: number;
  /** Keys re-wrapped by this run. */
  rewrapped: number;
  /** Keys found already wrapped by the new master key (an earlier, interrupted run did them). */
  alreadyNew: number;
}

/** Master-key rotation, on a key store opened with the current master key (without the start-up check). */
export interface MasterKeyRotation {
  /**
   * Re-wraps every live key under `newMasterKey`, one key at a time, each write conditional on the stored key being
   * unchanged (a key destroyed meanwhile stays destroyed). Keys already wrapped by the new master key are left as
   * they are, so a rotation that was interrupted resumes where it stopped. Calls `progress` after each key.
   */
  rewrapAll(newMasterKey: Buffer, progress?: (progress: RotationProgress) => void): Promise<RotationProgress>;
}

/** A7.2: opens the sealed fields of stored events (the legal-request export only). */
export interface Unsealer {
  unseal(event: StoredEvent): Promise<StoredEvent>;
}

/** What the application asks of the encryption of personal data: erasure, and the legal-request export. */
export interface PersonalDataVault extends Unsealer {
  /** A8.1: destroys the job seeker's key; their personal fields read as ERASED everywhere from now on. */
  erase(subject: string, at: Date): Promise<void>;
}

export const PERSONAL_DATA_VAULT = Symbol('PersonalDataVault');

/** The subject's key was destroyed: its personal data can no longer be read, nor new personal data written. */
export class SubjectErased extends Error {
  constructor(readonly subject: string) {
    super(`The personal data of ${subject} was erased (A8.1): its key is destroyed`);
    this.name = 'SubjectErased';
  }
}
