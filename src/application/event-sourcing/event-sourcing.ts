import { Inject, Injectable } from '@nestjs/common';
import { isMadoguchiEvent, EVENT_SCHEMA_VERSIONS, MadoguchiEvent } from '../../domain/events';
import { Decider, fold } from '../../domain/shared/decider';
import { CLOCK, Clock } from '../ports/clock';
import { EventStore, NewEvent, StoredEvent, WrongExpectedRevision } from '../ports/event-store';
import { EVENT_STORE } from '../ports/tokens';
import { recordedOn } from './command-answer';
import { CommandContext, deterministicUuid } from './command-context';

/** What one stream gained from a command: the answer staff get, and what a re-send returns. */
export interface StreamOutcome {
  streamId: string;
  /** Revision of the stream's last event after the command; null while the stream is empty. */
  revision: string | null;
  /** The event types this command appended (on a re-send: the ones the first send appended). */
  appended: string[];
  /** True when this command id had already been applied: nothing new was appended. */
  replayed: boolean;
}

/** Raised when a stream kept changing under a command: mapped to HTTP 409. */
export class ConcurrencyConflict extends Error {
  constructor(readonly streamId: string) {
    super(`Someone else changed ${streamId} at the same moment. Reload and try again.`);
    this.name = 'ConcurrencyConflict';
  }
}

/**
 * An Idempotency-Key already used for a different request (another method, path or body): mapped to HTTP 422.
 * Replaying the first request's answer would tell the client that this one ran, when it never did.
 */
export class IdempotencyKeyReused extends Error {
  constructor() {
    super('This Idempotency-Key was already used for a different request (worded for staff by the catalogue: idempotency-key.reused).');
    this.name = 'IdempotencyKeyReused';
  }
}

const MAX_ATTEMPTS = 5;

export function toDomainEvent(stored: StoredEvent): MadoguchiEvent {
  if (!isMadoguchiEvent(stored.type)) throw new Error(`Unknown event type ${stored.type} in ${stored.streamId}`);
  if (stored.schemaVersion > EVENT_SCHEMA_VERSIONS[stored.type]) {
    throw new Error(`${stored.type} v${stored.schemaVersion} in ${stored.streamId} is newer than this build understands`);
  }
  return { type: stored.type, data: stored.data } as MadoguchiEvent;
}

/**
 * The events of a stream that this command already appended. Throws `IdempotencyKeyReused` when they were
 * appended for a different request under the same key (every event of a command carries its request's
 * fingerprint, on every stream it touches; events of commands without one, such as the system's, are not compared).
 */
function appliedBy(events: StoredEvent[], context: CommandContext): StoredEvent[] {
  const applied = events.filter((e) => e.metadata.commandId === context.commandId);
  const recorded = applied.find((e) => typeof e.metadata.requestFingerprint === 'string')?.metadata.requestFingerprint;
  if (context.requestFingerprint !== undefined && recorded !== undefined && recorded !== context.requestFingerprint) throw new IdempotencyKeyReused();
  return applied;
}

/** A command decided on a stream and not appended yet (see `EventSourcing.decide`). */
export interface Decision {
  readonly streamId: string;
  readonly loaded: Loaded<unknown>;
  readonly context: CommandContext;
  /** The stream's events this command id appended before (an earlier send). */
  readonly earlier: StoredEvent[];
  readonly events: MadoguchiEvent[];
  /** The command id had already been applied: nothing to append, the first outcome to answer. */
  readonly replayed: boolean;
  readonly now: Date;
}

/** What a command's step appended, and what the command has recorded on the stream over all its sends (see `recordedOn`). */
export interface Committed {
  outcome: StreamOutcome;
  recorded: StreamOutcome;
}

export interface Loaded<S> {
  state: S;
  events: StoredEvent[];
  /** Last revision, or undefined when the stream does not exist. */
  revision: bigint | undefined;
}

/**
 * The write path of every command: load a stream, fold it, decide, append with the expected
 * revision. A conflict re-runs the decision on the fresh stream (the decider then answers with
 * the rule that now applies). Event ids derive from the command id and the revision appended
 * at, so a retried append is deduplicated by the store.
 */
@Injectable()
export class EventSourcing {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async load<C, E extends MadoguchiEvent, S>(decider: Decider<C, E, S>, streamId: string): Promise<Loaded<S>> {
    const events = await this.store.readStream(streamId);
    const state = fold(
      decider,
      events.map((e) => toDomainEvent(e) as E),
    );
    return { state, events, revision: events.at(-1)?.revision };
  }

  /**
   * @param makeCommand builds the command from the loaded state and the clock's now (it may load
   *   other streams: it runs again on every attempt).
   * @param replay when true (the default), a command id already applied to this stream returns
   *   its first outcome instead of deciding again. Steps whose decider is idempotent by itself
   *   (taking or releasing a slot) pass false, so they re-check the current state.
   */
  async execute<C, E extends MadoguchiEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    makeCommand: (state: S, now: Date) => C | Promise<C>,
    context: CommandContext,
    replay = true,
  ): Promise<StreamOutcome> {
    return (await this.executeRecorded(decider, streamId, makeCommand, context, replay)).outcome;
  }

  /** As `execute`, also answering what the command has recorded on the stream over all its sends, from the same read. */
  async executeRecorded<C, E extends MadoguchiEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    makeCommand: (state: S, now: Date) => C | Promise<C>,
    context: CommandContext,
    replay = true,
  ): Promise<Committed> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.commit(await this.decide(decider, streamId, makeCommand, context, replay));
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision)) throw error;
        if (attempt >= MAX_ATTEMPTS) throw new ConcurrencyConflict(streamId);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
  }

  /**
   * Loads the stream and decides, without appending: throws the rule violation the command meets now. `commit`
   * appends the decision; a command that must act elsewhere first (take a slot) decides once, acts, then commits.
   */
  async decide<C, E extends MadoguchiEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    makeCommand: (state: S, now: Date) => C | Promise<C>,
    context: CommandContext,
    replay = true,
  ): Promise<Decision> {
    const loaded = await this.load(decider, streamId);
    const earlier = appliedBy(loaded.events, context);
    const now = this.clock.now();
    if (replay && earlier.length > 0) return { streamId, loaded, context, earlier, events: [], replayed: true, now };
    const events = decider.decide(await makeCommand(loaded.state, now), loaded.state);
    return { streamId, loaded, context, earlier, events, replayed: false, now };
  }

  /** Appends a decision at the revision it was decided on: throws WrongExpectedRevision when the stream moved since. */
  async commit({ streamId, loaded, context, earlier, events, replayed, now }: Decision): Promise<Committed> {
    if (replayed) {
      const outcome = { streamId, revision: String(earlier.at(-1)!.revision), appended: earlier.map((e) => e.type), replayed: true };
      return { outcome, recorded: outcome };
    }
    if (events.length === 0) {
      const outcome = { streamId, revision: loaded.revision === undefined ? null : String(loaded.revision), appended: [], replayed: false };
      return { outcome, recorded: recordedOn(streamId, loaded.events, context, false) };
    }
    const result = await this.store.append(
      streamId,
      this.toNewEvents(streamId, events, loaded.revision, context, now),
      loaded.revision ?? 'no_stream',
    );
    const revision = String(result.nextExpectedRevision);
    const appended = events.map((e) => e.type);
    return {
      outcome: { streamId, revision, appended, replayed: false },
      recorded: { streamId, revision, appended: [...earlier.map((e) => e.type), ...appended], replayed: false },
    };
  }

  private toNewEvents(streamId: string, events: MadoguchiEvent[], revision: bigint | undefined, context: CommandContext, now: Date): NewEvent[] {
    const at = revision === undefined ? 'new' : String(revision);
    return events.map((event, index) => ({
      eventId: deterministicUuid('event', context.commandId, streamId, at, String(index)),
      type: event.type,
      schemaVersion: EVENT_SCHEMA_VERSIONS[event.type],
      data: event.data as unknown as Record<string, unknown>,
      metadata: { ...context, recordedAt: now.toISOString() },
    }));
  }
}
