import type { StoredEvent } from '../ports/event-store';
import type { CommandContext } from './command-context';
import type { StreamOutcome } from './event-sourcing';

/** What one stream gained from a command, as the answer shows it. */
export interface StreamChange {
  streamId: string;
  /** Revision of the stream's last event after the command's last event there; null while the stream is empty. */
  revision: string | null;
  /** The event types the command appended to this stream, in order. */
  appended: string[];
}

/**
 * What every command answers besides the ids a client needs next: every event type it appended on
 * every stream, and whether it had already been applied. A re-send with the same Idempotency-Key
 * answers the same, with `replayed: true`.
 */
export interface CommandOutcome {
  /** Every event type the command appended, on every stream, in the order appended. */
  appended: string[];
  /** Each stream the command appended to, in the order appended (the one it looked at, when it appended nothing). */
  streams: StreamChange[];
  /** True when this command had already been applied: the answer repeats the first one, nothing new was appended. */
  replayed: boolean;
}

/**
 * One answer from the outcomes of a command's steps, in the order they appended (steps on the same
 * stream are merged). A stream that gained nothing is listed only when no stream did, so a command
 * that changed nothing still says where it looked. Replayed when any step found the command applied.
 */
export function outcomeOf(...steps: [StreamOutcome, ...StreamOutcome[]]): CommandOutcome {
  const changedAny = steps.some((s) => s.appended.length > 0);
  const streams: StreamChange[] = [];
  for (const { streamId, revision, appended } of steps) {
    if (changedAny && appended.length === 0) continue;
    const known = streams.find((s) => s.streamId === streamId);
    if (known) {
      known.appended.push(...appended);
      known.revision = revision;
    } else {
      streams.push({ streamId, revision, appended: [...appended] });
    }
  }
  return { appended: streams.flatMap((s) => s.appended), streams, replayed: steps.some((s) => s.replayed) };
}

/**
 * What a command appended to a stream it touches besides its main one (a counselor's day), read
 * back from the stream: the same on the first send and on every re-send, whichever send appended it.
 */
export function recordedOn(streamId: string, events: StoredEvent[], context: CommandContext, replayed: boolean): StreamOutcome {
  const mine = events.filter((e) => e.metadata.commandId === context.commandId);
  return { streamId, revision: mine.length > 0 ? String(mine.at(-1)!.revision) : null, appended: mine.map((e) => e.type), replayed };
}
