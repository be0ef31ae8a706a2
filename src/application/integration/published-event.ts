import type { StoredEvent } from '../ports/event-store';
import { ERASED, PERSONAL_DATA } from '../../domain/privacy/personal-data';
import { isMadoguchiEvent } from '../../domain/events';

/** What a personal value reads as on the integration feed. */
export const REDACTED = '[redacted]';

/**
 * One event as integrations receive it (issue 19): the stored event with its position, and only the metadata
 * an outside system needs. Its `data` follows the event's JSON Schema (`GET /v1/events/schema`): redaction
 * replaces a string with a string, so the types hold.
 */
export interface PublishedEvent {
  /** Global position, a decimal string (the SSE `id`, and what `Last-Event-ID` resumes after). */
  position: string;
  streamId: string;
  revision: string;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: { actor: string; recordedAt: string; commandId: string; correlationId: string; causationId: string };
}

/**
 * A8.1: integrations never see a job seeker's personal values: every field the personal-data map names reads
 * as REDACTED, except one already ERASED, which reads as ERASED (so a copy outside can erase too). A7.2: a
 * device's identifier is sealed and redacted as well; its pseudonym stays, the only device id that leaves.
 * Takes the event as the encrypting store returns it (opened, or ERASED after erasure).
 */
export function publishedEvent(event: StoredEvent): PublishedEvent {
  const { actor, recordedAt, commandId, correlationId, causationId } = event.metadata;
  return {
    position: String(event.position),
    streamId: event.streamId,
    revision: String(event.revision),
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: redacted(event),
    metadata: { actor, recordedAt, commandId, correlationId, causationId },
  };
}

function redacted(event: StoredEvent): Record<string, unknown> {
  const fields = isMadoguchiEvent(event.type)
    ? (PERSONAL_DATA[event.type] as { personal: readonly string[]; sealed?: readonly string[] } | undefined)
    : undefined;
  if (fields === undefined) return event.data;
  const data = structuredClone(event.data);
  for (const path of [...fields.personal, ...(fields.sealed ?? [])]) {
    const parts = path.split('.');
    const parent = parts.slice(0, -1).reduce<unknown>((object, part) => (isObject(object) ? object[part] : undefined), data);
    const key = parts[parts.length - 1];
    if (!isObject(parent) || typeof parent[key] !== 'string') continue;
    parent[key] = parent[key] === ERASED ? ERASED : REDACTED;
  }
  return data;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
