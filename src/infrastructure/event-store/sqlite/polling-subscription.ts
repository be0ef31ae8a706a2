import { EventEmitter } from 'node:events';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { EventHandler, StoredEvent, Subscription } from '../../../application/ports/event-store';
import { toError } from '../port-rules';

/** Tells waiting subscriptions that this process appended something. */
export class AppendSignal {
  private readonly emitter = new EventEmitter();
  /** Lets a subscription notice an append that happened between its last read and its wait. */
  private appends = 0;

  constructor() {
    // One listener per waiting subscription; their number is the application's, not unbounded.
    this.emitter.setMaxListeners(0);
  }

  get count(): number {
    return this.appends;
  }

  notify(): void {
    this.appends += 1;
    this.emitter.emit('append');
  }

  on(listener: () => void): void {
    this.emitter.on('append', listener);
  }

  off(listener: () => void): void {
    this.emitter.off('append', listener);
  }
}

export interface PollingSource {
  /** The next events with position > `after`, in order; empty when there are none yet. */
  readPage(after: bigint): StoredEvent[] | Promise<StoredEvent[]>;
  readonly signal: AppendSignal;
  /** Bounds how late an append by another process (same file, other connection) is seen. */
  readonly pollIntervalMs: number;
}

/**
 * Catch-up and live delivery over one loop: read a page after the last delivered position, deliver it,
 * and when there is nothing left wait for an in-process append or the next poll. Because catching up and
 * being live are the same read, no event can fall between the two phases.
 */
export class PollingSubscription implements Subscription {
  readonly ended: Promise<Error | undefined>;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly source: PollingSource,
    private readonly handler: EventHandler,
    after: bigint,
  ) {
    this.ended = this.deliverAfter(after);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.ended;
  }

  private async deliverAfter(after: bigint): Promise<Error | undefined> {
    let cursor = after;
    try {
      while (!this.stopping) {
        const appendsBeforeRead = this.source.signal.count;
        const page = await this.source.readPage(cursor);
        for (const event of page) {
          if (this.stopping) return undefined;
          await this.handler(event);
          cursor = event.position;
        }
        if (page.length === 0) {
          await this.nextAppend(appendsBeforeRead);
        } else {
          // Reads are synchronous: without yielding, a long catch-up with synchronous handlers would
          // starve timers and I/O of the whole process.
          await nextMacrotask();
        }
      }
      return undefined;
    } catch (thrown) {
      return toError(thrown);
    }
  }

  private nextAppend(appendsBeforeRead: number): Promise<void> {
    if (this.source.signal.count !== appendsBeforeRead) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(poll);
        this.source.signal.off(done);
        this.wake = undefined;
        resolve();
      };
      // Not unref'd: a worker whose only job is this subscription must stay alive. stop() clears it.
      const poll = setTimeout(done, this.source.pollIntervalMs);
      this.source.signal.on(done);
      this.wake = done;
    });
  }
}
