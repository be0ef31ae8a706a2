/** Nest injection tokens of the ports. */
export const EVENT_STORE = Symbol('EventStore');
export const PSEUDONYMIZER = Symbol('Pseudonymizer');
export const KEY_STORE = Symbol('KeyStore');
