/**
 * Keyed hashing of identifiers that must not appear in the clear where they are used as keys
 * (stream names, read models, logs): job-seeker numbers now, device identifiers (A7.2) later.
 * Deterministic for one key, irreversible without it.
 */
export interface Pseudonymizer {
  pseudonym(kind: 'job-seeker-no' | 'device', value: string): string;
}
