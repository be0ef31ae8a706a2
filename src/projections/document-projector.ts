import type { EventType } from '../domain/events';
import type { ProjectedEvent } from './projected-event';

/** Which documents of a projector's collection an event changes. */
export type Targets = { ids: string[] } | { where: { field: string; value: string } };

/**
 * A read model as pure logic, independent of the store it is kept in: for each event, which
 * documents it touches, and how each one changes. The runtime loads the targets, calls `apply`,
 * and writes the results together with its checkpoint.
 *
 * `handles` and `ignores` together list every event type (checked at compile time by
 * `eventTypes`, and by a test over EVENT_SCHEMA_VERSIONS), so a new event type is a decision,
 * never a silent skip.
 */
export interface DocumentProjector<D extends object> {
  readonly name: string;
  readonly handles: readonly EventType[];
  readonly ignores: readonly EventType[];
  targets(projected: ProjectedEvent): Targets;
  /** The document after the event; `null` deletes it. Called only for handled types. */
  evolve(document: D | undefined, projected: ProjectedEvent): D | null;
}

export const NO_TARGETS: Targets = { ids: [] };

/** Every document remembers the global position of the last event applied to it. */
export type Positioned<D> = D & { position: string };

/**
 * Applies one event to one document, idempotently by position: an event at or below the
 * document's position (delivered again after a crash) changes nothing and answers `unchanged`.
 */
export function applyEvent<D extends object>(
  projector: DocumentProjector<D>,
  document: Positioned<D> | undefined,
  projected: ProjectedEvent,
): Positioned<D> | null | 'unchanged' {
  if (document && BigInt(document.position) >= projected.position) return 'unchanged';
  const next = projector.evolve(document && withoutPosition(document), projected);
  return next === null ? null : { ...next, position: String(projected.position) };
}

function withoutPosition<D extends object>(document: Positioned<D>): D {
  const { position: _p, ...rest } = document;
  return rest as unknown as D;
}

type Missing<H extends EventType, I extends EventType> = Exclude<EventType, H | I>;

/**
 * The handled and ignored types of a projector; a type in neither list is a compile error that
 * names it (the `never` check of a projector's switch, for lists).
 */
export function eventTypes<const H extends EventType, const I extends Exclude<EventType, H>>(
  handles: readonly H[],
  ignores: readonly I[],
  ..._everyTypeListed: [Missing<H, I>] extends [never] ? [] : [missing: Missing<H, I>]
): { handles: readonly H[]; ignores: readonly I[]; handled: (type: string) => type is H } {
  return { handles, ignores, handled: (type: string): type is H => (handles as readonly string[]).includes(type) };
}
