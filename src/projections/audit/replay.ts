import { Inject, Injectable } from '@nestjs/common';
import { AccessLog } from '../../application/privacy/access-log';
import type { EventStore, StoredEvent } from '../../application/ports/event-store';
import { EVENT_STORE } from '../../application/ports/tokens';
import { streams } from '../../application/streams';
import { toDomainEvent } from '../../application/event-sourcing/event-sourcing';
import { counselorDayDecider, type CounselorDayEvent, counselorDayStream } from '../../domain/counselor-day/counselor-day';
import type { JstDate } from '../../domain/calendar/business-calendar';
import type { EventType } from '../../domain/events';
import { jobSeekerDecider, type JobSeekerEvent } from '../../domain/job-seeker/job-seeker';
import { reservationDecider, type ReservationEvent } from '../../domain/reservation/reservation';
import type { RuleId } from '../../domain/shared/errors';
import { jstIso, RULE_OF } from '../projected-event';

/** Whose history an auditor replays (issue 19). */
export type ReplaySubject =
  | { kind: 'reservation'; reservationId: string }
  | { kind: 'job-seeker'; jobSeekerId: string }
  | { kind: 'counselor-day'; counselorId: string; date: JstDate };

/** One event of a history: who, when, which command, under which rule, and what it says (why, in its reason). */
export interface ReplayedEvent {
  position: string;
  streamId: string;
  revision: string;
  /** JST. */
  at: string;
  event: EventType;
  actor: string;
  commandId: string;
  correlationId: string;
  causationId: string;
  rule: RuleId;
  /** As staff read it: personal values opened (this replay is recorded, A8.1), erased ones as [erased], devices sealed. */
  data: Record<string, unknown>;
}

export interface Replay {
  subject: string;
  /** The instant replayed to (JST); every event recorded at or before it. */
  asOf: string;
  events: ReplayedEvent[];
  /** What the system knew at `asOf`: the subject's state, folded by the domain's own `evolve`. */
  state: Record<string, unknown>;
  /** With `since`: the state then, the events recorded after it (up to `asOf`), and the fields that differ. */
  since?: { at: string; state: Record<string, unknown>; events: string[]; changes: Array<{ field: string; before: unknown; after: unknown }> };
}

export interface ReplayQuery {
  subject: ReplaySubject;
  asOf: Date;
  since?: Date;
  /** Who replays (`staff:<id>`): recorded before anything is shown (A8.1). */
  viewer: string;
}

const SUBJECT = /^(?:reservation:([0-9a-f-]{36})|job-seeker:([0-9a-f]{64})|counselor-day:([0-9a-f-]{36}):(\d{4}-\d{2}-\d{2}))$/;
/** `reservation:<id>`, `job-seeker:<id>` or `counselor-day:<counselor id>:<JST date>`. */
export function replaySubject(text: string): ReplaySubject | undefined {
  const match = SUBJECT.exec(text);
  if (match === null) return undefined;
  const [, reservationId, jobSeekerId, counselorId, date] = match;
  if (reservationId) return { kind: 'reservation', reservationId };
  if (jobSeekerId) return { kind: 'job-seeker', jobSeekerId };
  return Number.isNaN(Date.parse(date)) ? undefined : { kind: 'counselor-day', counselorId, date };
}
export function subjectName(subject: ReplaySubject): string {
  switch (subject.kind) {
    case 'reservation':
      return `reservation:${subject.reservationId}`;
    case 'job-seeker':
      return `job-seeker:${subject.jobSeekerId}`;
    case 'counselor-day':
      return `counselor-day:${subject.counselorId}:${subject.date}`;
  }
}

/**
 * Issue 19, replay for auditors: a subject's history from the event store, the state as of any instant (what we
 * knew then: the events recorded up to it, folded), and what changed between two instants. The same on both
 * event stores: it reads only through the port. A job seeker's history is every event about them in any
 * stream, which takes a walk of the whole log (`onProgress` reports it); reads of their data are part of it.
 */
@Injectable()
export class AuditReplay {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly accessLog: AccessLog,
  ) {}

  async replay(query: ReplayQuery, onProgress: (read: number, head: bigint, position: bigint) => void = () => undefined): Promise<Replay> {
    const stored = await this.history(query.subject, onProgress);
    const known = stored.filter((event) => Date.parse(event.metadata.recordedAt) <= query.asOf.getTime());
    const jobSeekerIds = [...new Set(known.flatMap((event) => (typeof event.data.jobSeekerId === 'string' ? [event.data.jobSeekerId] : [])))];
    // A8.1: no record, no answer.
    await this.accessLog.record(query.viewer, `replay:${query.subject.kind}`, jobSeekerIds);
    const state = this.stateOf(query.subject, known);
    const replay: Replay = { subject: subjectName(query.subject), asOf: jstIso(query.asOf), events: known.map(replayed), state };
    if (query.since !== undefined) {
      const since = query.since.getTime();
      const before = this.stateOf(
        query.subject,
        known.filter((event) => Date.parse(event.metadata.recordedAt) <= since),
      );
      replay.since = {
        at: jstIso(query.since),
        state: before,
        events: known.filter((event) => Date.parse(event.metadata.recordedAt) > since).map((event) => String(event.position)),
        changes: changes(before, state),
      };
    }
    return replay;
  }

  private async history(subject: ReplaySubject, onProgress: (read: number, head: bigint, position: bigint) => void): Promise<StoredEvent[]> {
    switch (subject.kind) {
      case 'reservation':
        return this.store.readStream(streams.reservation(subject.reservationId));
      case 'counselor-day':
        return this.store.readStream(counselorDayStream(subject.counselorId, new Date(`${subject.date}T12:00:00+09:00`)));
      case 'job-seeker':
        return this.jobSeekerHistory(subject.jobSeekerId, onProgress);
    }
  }

  /**
   * Every event that names the job seeker (their own stream, reservations, reads of their data), and the whole of
   * each of their reservations (a completion does not name the job seeker again), in global order.
   */
  private async jobSeekerHistory(jobSeekerId: string, onProgress: (read: number, head: bigint, position: bigint) => void): Promise<StoredEvent[]> {
    const head = await this.store.headPosition();
    const about = new Map<bigint, StoredEvent>();
    const reservations = new Set<string>();
    let read = 0;
    for (let page = await this.store.readAll(); page.length > 0; page = await this.store.readAll({ after: page[page.length - 1].position })) {
      read += page.length;
      for (const event of page) {
        const { jobSeekerId: named, jobSeekerIds } = event.data;
        if (named !== jobSeekerId && !(Array.isArray(jobSeekerIds) && jobSeekerIds.includes(jobSeekerId))) continue;
        about.set(event.position, event);
        if (typeof event.data.reservationId === 'string') reservations.add(streams.reservation(event.data.reservationId));
      }
      onProgress(read, head, page[page.length - 1].position);
    }
    for (const stream of reservations) for (const event of await this.store.readStream(stream)) about.set(event.position, event);
    return [...about.values()].sort((a, b) => (a.position < b.position ? -1 : 1));
  }

  private stateOf(subject: ReplaySubject, events: readonly StoredEvent[]): Record<string, unknown> {
    switch (subject.kind) {
      case 'reservation':
        return plain(events.map((e) => toDomainEvent(e) as ReservationEvent).reduce(reservationDecider.evolve, reservationDecider.initialState()));
      case 'job-seeker': {
        const own = events.filter((event) => event.streamId === streams.jobSeeker(subject.jobSeekerId));
        return plain(own.map((e) => toDomainEvent(e) as JobSeekerEvent).reduce(jobSeekerDecider.evolve, jobSeekerDecider.initialState()));
      }
      case 'counselor-day':
        return plain(events.map((e) => toDomainEvent(e) as CounselorDayEvent).reduce(counselorDayDecider.evolve, counselorDayDecider.initialState()));
    }
  }
}

function replayed(event: StoredEvent): ReplayedEvent {
  const type = toDomainEvent(event).type;
  return {
    position: String(event.position),
    streamId: event.streamId,
    revision: String(event.revision),
    at: jstIso(event.metadata.recordedAt),
    event: type,
    actor: event.metadata.actor,
    commandId: event.metadata.commandId,
    correlationId: event.metadata.correlationId,
    causationId: event.metadata.causationId,
    rule: RULE_OF[type],
    data: event.data,
  };
}

/** A state as JSON: maps become objects, sets arrays, dates ISO strings. */
function plain(state: object): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(state, (_key, value: unknown): unknown => {
      if (value instanceof Map) return Object.fromEntries(value as Map<string, unknown>);
      if (value instanceof Set) return [...(value as Set<unknown>)];
      return value;
    }),
  ) as Record<string, unknown>;
}

function changes(before: Record<string, unknown>, after: Record<string, unknown>): Array<{ field: string; before: unknown; after: unknown }> {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields
    .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
    .map((field) => ({ field, before: before[field] ?? null, after: after[field] ?? null }));
}
