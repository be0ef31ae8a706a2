import { Inject, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventStore, StoredEvent, Subscription } from '../application/ports/event-store';
import { EVENT_STORE } from '../application/ports/tokens';

/**
 * A read model kept in this process's memory, fed by the event store's subscription from the
 * first event (catch-up, then live). Small configuration-sized models only; `caughtUp()` gives
 * read-your-writes: it waits until everything appended before the call has been applied.
 * Every instance keeps its own copy, so it is safe behind a load balancer.
 */
export abstract class LiveProjection implements OnApplicationBootstrap, OnApplicationShutdown {
  private position = -1n;
  private subscription?: Subscription;
  private waiters: Array<{ position: bigint; resolve: () => void }> = [];
  private failure?: Error;

  constructor(@Inject(EVENT_STORE) protected readonly store: EventStore) {}

  protected abstract readonly projectionName: string;
  protected abstract apply(event: StoredEvent): void;

  onApplicationBootstrap(): void {
    this.subscription = this.store.subscribeAll((event) => {
      this.apply(event);
      this.position = event.position;
      this.waiters = this.waiters.filter((w) => (w.position <= this.position ? (w.resolve(), false) : true));
    });
    void this.subscription.ended.then((error) => {
      if (!error) return;
      this.failure = error;
      new Logger(this.projectionName).error(`projection stopped: ${error.message}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  /** Resolves once every event appended before this call has been applied. */
  async caughtUp(): Promise<void> {
    if (this.failure) throw this.failure;
    const head = await this.store.headPosition();
    if (head <= this.position) return;
    await new Promise<void>((resolve) => this.waiters.push({ position: head, resolve }));
  }
}
