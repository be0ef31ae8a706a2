import type { EventStore } from '../../application/ports/event-store';
import type { KeyStore, PersonalDataVault } from '../../application/ports/key-store';
import { EncryptingEventStore } from './encrypting-event-store';

export interface EncryptedStore {
  /** What the application appends to and reads from: personal data encrypted on the way in, opened on the way out. */
  eventStore: EventStore;
  vault: PersonalDataVault;
  keyStore: KeyStore;
}

/** A8.1: every instance sees the event store only through the encryption of personal data. */
export function encryptPersonalData(inner: EventStore, keyStore: KeyStore): EncryptedStore {
  const store = new EncryptingEventStore(inner, keyStore);
  return { eventStore: store, vault: store, keyStore };
}
