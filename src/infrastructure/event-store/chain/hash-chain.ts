/**
 * Issue 19, tamper evidence: every event carries in its metadata (`chain`) the hash of its stream predecessor
 * (`prev`) and its own hash (`hash`), a SHA-256 over `prev` and everything stored about the event: stream,
 * revision, id, type, schema version, data and metadata (less `chain`). Below the encryption of personal data,
 * so the hash covers the ciphertext: destroying a key (erasure) changes no stored byte and breaks no link.
 *
 * Per stream, not global: on EventStoreDB several instances append at once and the server orders $all, so no
 * writer knows the global predecessor when it appends; a stream's predecessor is exactly what the expected
 * revision already pins. See the README (Tamper evidence) for what each choice does and does not detect.
 */
import { createHash } from 'node:crypto';
import type { NewEvent, StoredEvent } from '../../../application/ports/event-store';

export const CHAIN_KEY = 'chain';
/** The `prev` of a stream's first event. */
export const GENESIS = '0'.repeat(64);

export interface ChainLink {
  prev: string;
  hash: string;
}

/** The hash of an event at `streamId@revision` whose predecessor's hash is `prev`. */
export function linkHash(prev: string, streamId: string, revision: bigint, event: NewEvent): string {
  const { [CHAIN_KEY]: _chain, ...metadata } = event.metadata;
  const content = [prev, streamId, String(revision), event.eventId, event.type, event.schemaVersion, event.data, metadata];
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** The events as they will be stored at revisions `after + 1`, …, each linked to the one before. */
export function chained(streamId: string, after: bigint, prev: string, events: readonly NewEvent[]): { events: NewEvent[]; last: string } {
  let previous = prev;
  let revision = after;
  const linked = events.map((event) => {
    revision += 1n;
    const hash = linkHash(previous, streamId, revision, event);
    const link: ChainLink = { prev: previous, hash };
    previous = hash;
    return { ...event, metadata: { ...event.metadata, [CHAIN_KEY]: link } };
  });
  return { events: linked, last: previous };
}

/** The link an event was stored with; undefined for events written before the chain existed. */
export function linkOf(event: StoredEvent): ChainLink | undefined {
  const link = event.metadata[CHAIN_KEY] as Partial<ChainLink> | undefined;
  return typeof link?.prev === 'string' && typeof link.hash === 'string' ? { prev: link.prev, hash: link.hash } : undefined;
}

/**
 * JSON with object keys sorted: the same value hashes the same whatever order a driver returns keys in. Byte for
 * byte what JSON.stringify writes for JSON data with its keys sorted (stored chains depend on it), built in one
 * pass: this runs for every event appended and verified.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'string') return jsonString(value);
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return out + ']';
  }
  const object = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(object).sort()) {
    const item = object[key];
    if (item !== undefined) out += (out.length === 1 ? '' : ',') + jsonString(key) + ':' + canonicalJson(item);
  }
  return out + '}';
}

/** Strings JSON.stringify leaves as they are: no quote, backslash, control character or surrogate to escape. */
// eslint-disable-next-line no-control-regex -- the control characters are exactly those JSON escapes
const VERBATIM = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

function jsonString(value: string): string {
  return VERBATIM.test(value) ? `"${value}"` : JSON.stringify(value);
}
