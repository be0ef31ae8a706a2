import type { EventStore } from '../../application/ports/event-store';
import type { KeyStore, PersonalDataVault } from '../../application/ports/key-store';
import { ChainedEventStore } from '../event-store/chain/chained-event-store';
import { EncryptingEventStore } from './encrypting-event-store';

export interface EncryptedStore {
  /** What the application appends to and reads from: personal data encrypted on the way in, opened on the way out. */
  eventStore: EventStore;
  vault: PersonalDataVault;
  keyStore: KeyStore;
  /** The events as stored (ciphertext, hash-chain links): what the tamper evidence checks (issue 19). */
  storedEvents: EventStore;
}

/**
 * A8.1: every instance sees the event store only through the encryption of personal data. Below it, issue 19:
 * every event is linked to its stream predecessor by a hash over the stored bytes, ciphertext included.
 */
export function encryptPersonalData(inner: EventStore, keyStore: KeyStore): EncryptedStore {
  const store = new EncryptingEventStore(new ChainedEventStore(inner), keyStore);
  return { eventStore: store, vault: store, keyStore, storedEvents: inner };
}
