/**
 * Rules of the event store port that every adapter applies the same way, kept in one place so the
 * adapters cannot drift apart on them.
 */
import { type AppendResult, type ExpectedRevision, type NewEvent, WrongExpectedRevision } from '../../application/ports/event-store';

export const DEFAULT_READ_ALL_LIMIT = 1000;
export const MAX_READ_ALL_LIMIT = 10_000;

/** Where an event id is already stored. */
export interface RecordedEventId {
  eventId: string;
  streamId: string;
  revision: bigint;
  position: bigint;
}

/** `lastRevision` is undefined when the stream does not exist. */
export function checkExpectedRevision(streamId: string, expected: ExpectedRevision, lastRevision: bigint | undefined): void {
  if (!isExpected(expected, lastRevision)) {
    throw new WrongExpectedRevision(streamId, expected, lastRevision ?? 'no_stream');
  }
}

function isExpected(expected: ExpectedRevision, lastRevision: bigint | undefined): boolean {
  switch (expected) {
    case 'no_stream':
      return lastRevision === undefined;
    case 'stream_exists':
      return lastRevision !== undefined;
    case 'any':
      return true;
    default:
      return lastRevision === expected;
  }
}

/** Two events with one id in one append could never be retried idempotently. */
export function assertDistinctEventIds(events: readonly NewEvent[]): void {
  const ids = new Set(events.map((event) => event.eventId));
  if (ids.size !== events.length) {
    throw new Error(`An append must not repeat an event id: ${events.map((event) => event.eventId).join(', ')}`);
  }
}

/**
 * Idempotency by event id. `recorded` are the stored events among `eventIds`. Returns undefined when none is
 * stored (a new append), the original append's result when `eventIds` are exactly consecutive events of
 * `streamId` in that order (a retry), and throws otherwise: a retry that does not repeat the original append
 * exactly is a bug in the caller, not a concurrency conflict, so it must not look like `WrongExpectedRevision`.
 */
export function originalAppendResult(streamId: string, eventIds: readonly string[], recorded: readonly RecordedEventId[]): AppendResult | undefined {
  if (recorded.length === 0) return undefined;
  const byId = new Map(recorded.map((event) => [event.eventId, event]));
  const matched = eventIds.map((id) => byId.get(id));
  if (!matched.every((event): event is RecordedEventId => event?.streamId === streamId)) {
    throw idempotencyConflict(streamId, eventIds, recorded);
  }
  const [first] = matched;
  if (first === undefined || !matched.every((event, index) => event.revision === first.revision + BigInt(index))) {
    throw idempotencyConflict(streamId, eventIds, recorded);
  }
  const last = matched[matched.length - 1];
  return { nextExpectedRevision: last.revision, position: last.position };
}

function idempotencyConflict(streamId: string, eventIds: readonly string[], recorded: readonly RecordedEventId[]): Error {
  const found = recorded.map((event) => `${event.eventId} is ${event.streamId}@${event.revision}`).join('; ');
  return new Error(
    `Cannot append events [${eventIds.join(', ')}] to ${streamId}: some of their ids are already stored (${found}). ` +
      'A retry must repeat exactly the events of the original append; new events need new ids.',
  );
}

export function readAllLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_READ_ALL_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`readAll limit must be a positive integer, got ${limit}`);
  }
  return Math.min(limit, MAX_READ_ALL_LIMIT);
}

export function toError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}
