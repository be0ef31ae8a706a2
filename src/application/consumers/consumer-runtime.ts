import { Logger } from '@nestjs/common';
import type { Clock } from '../ports/clock';
import type { EventStore, StoredEvent, Subscription } from '../ports/event-store';
import { Batch, Consumer, HandleResult, PoisonEvent } from './consumer';

export type ConsumerState = 'starting' | 'catching-up' | 'live' | 'retrying' | 'stopped';

export interface ConsumerStatus {
  name: string;
  state: ConsumerState;
  /** Checkpoint: position of the last event applied (undefined: none yet). */
  position: bigint | undefined;
  /** The event store's head when the runtime started. */
  headAtStart: bigint;
  /** Has reached `headAtStart` once. */
  caughtUp: boolean;
  /** Why it is retrying or stopped; for a poison event, its position. */
  error?: { message: string; position?: bigint; at: string };
}

/** Told of every batch applied (metrics). */
export interface ConsumerObserver {
  applied(consumer: string, events: StoredEvent[], checkpoint: bigint): void;
}

export interface ConsumerRuntimeOptions {
  /**
   * Events read per catch-up batch (one transaction each). Also how many events a consumer lets pass without
   * storing its checkpoint when it handles none of them.
   */
  batchSize?: number;
  /** First delay before resubscribing after a dropped subscription; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How often the same event may fail before its consumer stops (a poison event). */
  poisonAttempts?: number;
  /** How long a read waits for its read model to catch up before it answers "unavailable". */
  readTimeoutMs?: number;
  observer?: ConsumerObserver;
}

/** A read needs a read model that is stopped, or did not catch up in time. */
export class ReadModelUnavailable extends Error {
  constructor(
    readonly consumer: string,
    reason: string,
  ) {
    super(`The read model ${consumer} is unavailable: ${reason}`);
    this.name = 'ReadModelUnavailable';
  }
}

/** The subscription must end so that the runtime reads again from the stored checkpoint. */
class Resync extends Error {
  constructor(readonly checkpoint: bigint | undefined) {
    super('checkpoint moved (a rebuild switched generations); reading again from it');
    this.name = 'Resync';
  }
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Runs consumers over the event store's global log. Each consumer, independently:
 * reads its stored checkpoint, catches up with `readAll` in batches (one transaction and one
 * checkpoint per batch), then follows `subscribeAll` live from its checkpoint. A dropped subscription
 * or a failing store is retried with exponential backoff from the stored checkpoint. An event its
 * consumer cannot apply `poisonAttempts` times in a row stops that consumer only (logged with the
 * position, shown in `status()` and /health/ready); the others go on.
 */
export class ConsumerRuntime {
  private readonly logger = new Logger('ConsumerRuntime');
  private readonly runs = new Map<string, ConsumerRun>();
  private headAtStart = -1n;
  private stopping = false;
  private stopped?: Promise<void>;
  /** Full catch-up pages recently read, shared by the consumers (they catch up in near lockstep). */
  private readonly pages = new Map<string, Promise<StoredEvent[]>>();
  /** The live subscription, shared by every consumer of the runtime. */
  private feed?: LiveFeed;
  /** Events the live subscription has delivered (each one wakes the live consumers, on the next turn of the event loop). */
  private wakes = 0;
  /** Live reads in flight or just done, by the position they read after, with the wakes seen when they started. */
  private readonly liveReads = new Map<string, { seen: number; read: Promise<StoredEvent[]> }>();
  private readonly options: Required<Omit<ConsumerRuntimeOptions, 'observer'>> & Pick<ConsumerRuntimeOptions, 'observer'>;

  constructor(
    private readonly store: EventStore,
    consumers: Consumer[],
    private readonly clock: Clock,
    options: ConsumerRuntimeOptions = {},
  ) {
    this.options = { batchSize: 1000, backoffMs: 100, maxBackoffMs: 30_000, poisonAttempts: 3, readTimeoutMs: 10_000, ...options };
    for (const consumer of consumers) {
      if (this.runs.has(consumer.name)) throw new Error(`Two consumers are named ${consumer.name}`);
      this.runs.set(consumer.name, new ConsumerRun(consumer));
    }
  }

  /** Declares every consumer's store, notes the head, then runs them in the background. */
  async start(): Promise<void> {
    for (const run of this.runs.values()) {
      await run.consumer.init();
      run.restart(await run.consumer.checkpoint());
    }
    this.headAtStart = await this.store.headPosition();
    for (const run of this.runs.values()) {
      if ((run.position ?? -1n) >= this.headAtStart) run.caughtUp = true;
      run.loop = this.loop(run);
    }
  }

  /** Stops every consumer (each then reads `stopped`); resolves once none is applying anything. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      for (const run of this.runs.values()) run.wake?.();
      await this.feed?.subscription?.stop();
      await Promise.all([...this.runs.values()].map((run) => run.loop));
      for (const run of this.runs.values()) {
        run.state = 'stopped';
        await this.storeSkipped(run);
      }
    })();
    return this.stopped;
  }

  status(): ConsumerStatus[] {
    return [...this.runs.values()].map((run) => ({
      name: run.consumer.name,
      state: run.state,
      position: run.position,
      headAtStart: this.headAtStart,
      caughtUp: run.caughtUp,
      ...(run.error && { error: run.error }),
    }));
  }

  /** Every consumer has reached the head seen at start, and none is stopped. */
  ready(): boolean {
    return [...this.runs.values()].every((run) => run.caughtUp && run.state !== 'stopped');
  }

  /**
   * Read-your-writes: resolves once the consumer has applied everything appended before this call that it
   * handles (the events it does not handle leave its read model as it is, so it need not wait for them).
   */
  async caughtUp(name: string): Promise<void> {
    const run = this.runs.get(name);
    if (!run) throw new Error(`No consumer named ${name}`);
    if (run.state === 'stopped') throw new ReadModelUnavailable(name, run.error?.message ?? 'stopped');
    const head = await this.store.headPosition();
    if (this.upToDate(run, head)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        run.waiters.delete(waiter);
        reject(new ReadModelUnavailable(name, `not caught up within ${this.options.readTimeoutMs} ms`));
      }, this.options.readTimeoutMs);
      const waiter = { position: head, resolve: () => (clearTimeout(timer), resolve()), reject: (e: Error) => (clearTimeout(timer), reject(e)) };
      run.waiters.add(waiter);
    });
  }

  /**
   * Whether the consumer has applied every event it handles up to `position`: it has applied up to there, or the
   * live subscription has delivered up to there, from no later than the consumer's checkpoint, and nothing the
   * consumer handles after its checkpoint.
   */
  private upToDate(run: ConsumerRun, position: bigint): boolean {
    const applied = run.position ?? -1n;
    if (applied >= position) return true;
    const feed = this.feed;
    return (
      feed !== undefined &&
      feed.ended === undefined &&
      feed.delivered >= position &&
      applied >= feed.start &&
      (feed.lastHandled.get(run) ?? -1n) <= applied
    );
  }

  /** Resolves the reads waiting for the consumer that it is up to date for. */
  private settle(run: ConsumerRun): void {
    for (const waiter of run.waiters) {
      if (this.upToDate(run, waiter.position)) {
        waiter.resolve();
        run.waiters.delete(waiter);
      }
    }
  }

  private async loop(run: ConsumerRun): Promise<void> {
    let attempt = 0;
    while (!this.stopping) {
      try {
        run.state = 'catching-up';
        await this.catchUp(run);
        if (this.stopping) return;
        run.state = 'live';
        attempt = 0;
        run.error = undefined;
        const ended = await this.live(run);
        if (this.stopping) return;
        if (ended instanceof Resync) continue;
        throw ended ?? new Error('the subscription ended');
      } catch (error) {
        if (this.stopping) return;
        if (error instanceof Resync) continue;
        const failure = error instanceof Error ? error : new Error(String(error));
        if (failure instanceof PoisonEvent) {
          run.failures = run.failedAt === failure.event.position ? run.failures + 1 : 1;
          run.failedAt = failure.event.position;
          if (run.failures >= this.options.poisonAttempts) {
            this.halt(run, failure);
            return;
          }
        }
        attempt += 1;
        const delay = Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** (attempt - 1));
        run.state = 'retrying';
        run.error = {
          message: failure.message,
          ...(failure instanceof PoisonEvent && { position: failure.event.position }),
          at: this.clock.now().toISOString(),
        };
        this.logger.warn({
          msg: 'consumer failed; reading again from its checkpoint',
          consumer: run.consumer.name,
          error: failure.message,
          retryInMs: delay,
          attempt,
        });
        await new Promise<void>((resolve) => {
          run.wake = resolve;
          void wait(delay).then(resolve);
        });
        run.wake = undefined;
        const stored = await run.consumer.checkpoint().then(
          (checkpoint) => ({ checkpoint }),
          () => undefined,
        );
        if (stored) run.restart(stored.checkpoint);
      }
    }
  }

  private halt(run: ConsumerRun, poison: PoisonEvent): void {
    run.state = 'stopped';
    run.error = { message: poison.message, position: poison.event.position, at: this.clock.now().toISOString() };
    this.logger.error({
      msg: 'consumer stopped at a poison event',
      consumer: run.consumer.name,
      position: String(poison.event.position),
      type: poison.event.type,
      error: poison.cause.message,
    });
    for (const waiter of run.waiters) waiter.reject(new ReadModelUnavailable(run.consumer.name, poison.message));
    run.waiters.clear();
  }

  private async catchUp(run: ConsumerRun): Promise<void> {
    for (;;) {
      if (this.stopping) return;
      const events = await this.page(run.position);
      if (events.length === 0) {
        run.caughtUp = true;
        return;
      }
      await this.apply(run, events);
      if (events.length < this.options.batchSize) {
        // The head may have moved meanwhile; the live subscription picks up from here.
        if ((run.position ?? -1n) >= this.headAtStart) run.caughtUp = true;
        return;
      }
    }
  }

  /**
   * One catch-up page. A full page never changes (positions only grow), so it is kept for the other
   * consumers: on a first start every consumer reads the log from 0, and the log is read about once.
   */
  private async page(after: bigint | undefined): Promise<StoredEvent[]> {
    const key = String(after ?? -1n);
    const cached = this.pages.get(key);
    if (cached) return cached;
    const read = this.store.readAll({ after, limit: this.options.batchSize });
    this.pages.set(key, read);
    const events = await read.catch((error: unknown) => {
      this.pages.delete(key);
      throw error;
    });
    if (events.length < this.options.batchSize) this.pages.delete(key);
    while (this.pages.size > 2 * this.runs.size) this.pages.delete(this.pages.keys().next().value as string);
    return events;
  }

  /**
   * Follows the log live until the runtime stops (undefined) or the runtime's subscription ends (its error).
   * The runtime's one subscription keeps the events it delivers in a tail shared by the consumers: each takes
   * what piled up after its checkpoint from there and applies it in one transaction, so a consumer that fell
   * behind under load catches up in batches, and the log is read and its personal data opened once, not once
   * per consumer. A consumer whose checkpoint is not in the tail (behind it, or ahead of the subscription) reads
   * the store instead.
   */
  private async live(run: ConsumerRun): Promise<Error | undefined> {
    const feed = this.follow(run.position);
    feed.followers.add(run);
    try {
      while (!this.stopping) {
        const seen = this.wakes;
        const events = fromTail(feed, run.position, this.options.batchSize) ?? (await this.livePage(run.position, seen));
        if (events.length > 0) {
          const oldest = feed.tail[0]?.position;
          const before = run.position ?? -1n;
          await this.apply(run, events);
          // Only a consumer that had not applied the tail's oldest event can have been the last to need it.
          if (oldest !== undefined && before < oldest) this.trim(feed);
          continue;
        }
        if (feed.ended) return feed.ended;
        await new Promise<void>((resolve) => {
          if (this.wakes !== seen || this.stopping) resolve();
          else feed.waiters.add(resolve);
        });
      }
      return undefined;
    } finally {
      feed.followers.delete(run);
    }
  }

  /** The runtime's one live subscription, opened by the first consumer to go live after the last one ended. */
  private follow(after: bigint | undefined): LiveFeed {
    if (this.feed && !this.feed.ended) return this.feed;
    const start = after ?? -1n;
    const feed: LiveFeed = { waiters: new Set(), followers: new Set(), tail: [], tailAfter: start, start, delivered: start, lastHandled: new Map() };
    const wakeAll = () => {
      for (const wake of feed.waiters) wake();
      feed.waiters.clear();
    };
    // The live consumers wake once per turn of the event loop, not once per event: the events the subscription
    // delivers together (a page) are applied together, in one batch per consumer.
    let wakeDue = false;
    const wakeSoon = () => {
      if (wakeDue) return;
      wakeDue = true;
      setImmediate(() => {
        wakeDue = false;
        wakeAll();
      });
    };
    this.feed = feed;
    feed.subscription = this.store.subscribeAll(
      (event) => {
        feed.tail.push(event);
        if (feed.tail.length > MAX_TAIL) this.trim(feed);
        feed.delivered = event.position;
        for (const run of this.runs.values()) {
          if (run.handles.has(event.type)) feed.lastHandled.set(run, event.position);
          if (run.waiters.size > 0) this.settle(run);
        }
        this.wakes += 1;
        wakeSoon();
      },
      { after },
    );
    void feed.subscription.ended.then((error) => {
      feed.ended = error ?? new Error('the subscription ended');
      wakeAll();
    });
    return feed;
  }

  /** Drops the tail's events every live consumer has applied, and the oldest beyond its bound (those behind read the store). */
  private trim(feed: LiveFeed): void {
    let slowest: bigint | undefined;
    for (const run of feed.followers) if (slowest === undefined || (run.position ?? -1n) < slowest) slowest = run.position ?? -1n;
    const applied = slowest === undefined ? feed.tail.length : indexAfter(feed.tail, slowest);
    const drop = Math.max(applied, feed.tail.length - MAX_TAIL);
    if (drop <= 0) return;
    feed.tailAfter = feed.tail[drop - 1].position;
    feed.tail.splice(0, drop);
  }

  /**
   * A read after `after` shared by the consumers that ask for it before the next wake. Sharing is safe only
   * then: an event the shared read missed was appended after it started, so its wake comes after `seen`
   * and the consumer reads again.
   */
  private livePage(after: bigint | undefined, seen: number): Promise<StoredEvent[]> {
    const key = String(after ?? -1n);
    const shared = this.liveReads.get(key);
    if (shared?.seen === seen) return shared.read;
    for (const [other, read] of this.liveReads) if (read.seen !== seen) this.liveReads.delete(other);
    const read = this.store.readAll({ after, limit: this.options.batchSize });
    this.liveReads.set(key, { seen, read });
    return read;
  }

  /**
   * Applies events read after the run's position; on a failure, isolates the event that fails. Events the consumer
   * does not handle cost it nothing: when it handles none of them, only its position in memory moves, and the
   * stored checkpoint follows with its next batch to apply, after `batchSize` such events, or on stop. A crash
   * meanwhile only makes it read those events again, and skip them again.
   */
  private async apply(run: ConsumerRun, events: StoredEvent[]): Promise<void> {
    const through = events[events.length - 1].position;
    const handled = events.filter((e) => run.handles.has(e.type));
    if (handled.length === 0 && run.skipped + events.length < this.options.batchSize) {
      run.skipped += events.length;
      this.advance(run, events, through);
      return;
    }
    let result: HandleResult;
    try {
      result = await run.consumer.handle({ after: run.stored, events: handled, through });
    } catch (error) {
      if (!(error instanceof PoisonEvent) || events.length === 1) throw error;
      // Commit everything before the poison event, one event at a time, so its position is exact.
      for (const event of events) await this.apply(run, [event]);
      return;
    }
    run.restart(result.checkpoint);
    if (result.status === 'behind') throw new Resync(result.checkpoint);
    this.advance(run, events, result.checkpoint);
  }

  private advance(run: ConsumerRun, events: StoredEvent[], position: bigint): void {
    run.position = position;
    this.options.observer?.applied(run.consumer.name, events, position);
    if (position >= this.headAtStart) run.caughtUp = true;
    this.settle(run);
  }

  /** Stores the checkpoint past the events the consumer skipped since it last stored one (so a restart need not read them again). */
  private async storeSkipped(run: ConsumerRun): Promise<void> {
    if (run.skipped === 0 || run.position === undefined) return;
    const batch: Batch = { after: run.stored, events: [], through: run.position };
    await run.consumer.handle(batch).then(
      (result) => run.restart(result.checkpoint),
      (error: unknown) => this.logger.warn({ msg: 'could not store the checkpoint on stop', consumer: run.consumer.name, error: String(error) }),
    );
  }
}

interface LiveFeed {
  /** Set right after the feed: the subscription may deliver before subscribeAll returns. */
  subscription?: Subscription;
  /** Live consumers waiting for the next wake. */
  waiters: Set<() => void>;
  /** Consumers following the feed. */
  followers: Set<ConsumerRun>;
  /** Events the subscription delivered, in order, right after `tailAfter`, until every follower has applied them. */
  tail: StoredEvent[];
  tailAfter: bigint;
  /** The subscription delivers the events after this position... */
  start: bigint;
  /** ...up to this one so far. */
  delivered: bigint;
  /** Per consumer, the last event delivered of a type it handles. */
  lastHandled: Map<ConsumerRun, bigint>;
  /** Why the subscription ended, once it has. */
  ended?: Error;
}

/** Live events kept for consumers that have not applied them yet; beyond this, the slowest read the store. */
const MAX_TAIL = 5000;

/** The events of the tail after `after` (at most `limit`); undefined when `after` is not in the tail. */
function fromTail(feed: LiveFeed, after: bigint | undefined, limit: number): StoredEvent[] | undefined {
  const cursor = after ?? -1n;
  if (cursor === feed.tailAfter) return feed.tail.slice(0, limit);
  const next = indexAfter(feed.tail, cursor);
  return next > 0 && feed.tail[next - 1].position === cursor ? feed.tail.slice(next, next + limit) : undefined;
}

/** The index of the first event after `position` in `events` (in order); their length when there is none. */
function indexAfter(events: StoredEvent[], position: bigint): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (events[middle].position <= position) low = middle + 1;
    else high = middle;
  }
  return low;
}

class ConsumerRun {
  state: ConsumerState = 'starting';
  /** Every event up to here that the consumer handles is applied (in memory: see `stored`). */
  position: bigint | undefined;
  /** The checkpoint as last read or stored; the events after it, up to `position`, are of types the consumer does not handle. */
  stored: bigint | undefined;
  /** Events between `stored` and `position`. */
  skipped = 0;
  caughtUp = false;
  error?: ConsumerStatus['error'];
  failures = 0;
  failedAt?: bigint;
  loop: Promise<void> = Promise.resolve();
  wake?: () => void;
  readonly handles: Set<string>;
  readonly waiters = new Set<{ position: bigint; resolve: () => void; reject: (error: Error) => void }>();

  constructor(readonly consumer: Consumer) {
    this.handles = new Set(consumer.handles);
  }

  /** Goes on from the stored checkpoint. */
  restart(checkpoint: bigint | undefined): void {
    this.position = checkpoint;
    this.stored = checkpoint;
    this.skipped = 0;
  }
}
