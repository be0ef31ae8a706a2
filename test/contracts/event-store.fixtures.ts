/** Building blocks of the event store tests, shared by the contract and the adapters' own specs. */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventHandler, EventMetadata, EventStore, NewEvent, StoredEvent } from '../../src/application/ports/event-store';

/** Collects the events of some streams only, so that other tests' events on a shared store do not matter. */
export class Recorder {
  readonly events: StoredEvent[] = [];
  private readonly streams: ReadonlySet<string>;

  constructor(
    streamIds: readonly string[],
    private readonly onEvent: (event: StoredEvent, index: number) => Promise<void> | void = () => undefined,
  ) {
    this.streams = new Set(streamIds);
  }

  readonly handler: EventHandler = async (event) => {
    if (!this.streams.has(event.streamId)) return;
    this.events.push(event);
    await this.onEvent(event, this.events.length - 1);
  };

  until(count: number): Promise<void> {
    return waitFor(() => this.events.length >= count, `${count} events (got ${this.events.length})`);
  }
}

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(5);
  }
}

export async function ownEvents(store: EventStore, after: bigint, streamIds: readonly string[]): Promise<StoredEvent[]> {
  const streams = new Set(streamIds);
  return (await store.readAll({ after })).filter((event) => streams.has(event.streamId));
}

export function newStreamId(): string {
  return `test-${randomUUID()}`;
}

export function newMetadata(): EventMetadata {
  return {
    commandId: randomUUID(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor: 'staff:tanaka',
    recordedAt: '2025-04-01T00:30:00.000Z',
  };
}

export function newEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'ConsultationBooked',
    schemaVersion: 1,
    data: { slot: '2025-04-01T10:00:00+09:00' },
    metadata: newMetadata(),
    ...overrides,
  };
}

export function times<T>(count: number, make: (index: number) => T): T[] {
  return Array.from({ length: count }, (_, index) => make(index));
}

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('Expected a rejection');
    },
    (error: unknown) => error,
  );
}

export function expectStrictlyIncreasing(positions: readonly bigint[]): void {
  positions.slice(1).forEach((position, index) => expect(position).toBeGreaterThan(positions[index]));
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
