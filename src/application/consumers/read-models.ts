import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { CLOCK, Clock } from '../ports/clock';
import type { EventStore } from '../ports/event-store';
import { READ_STORE, ReadStore } from '../ports/read-store';
import { EVENT_STORE } from '../ports/tokens';
import { ConsumerRuntime, ConsumerRuntimeOptions, ConsumerStatus } from './consumer-runtime';
import { Projector, ProjectorConsumer } from './consumer';

/** Nest token: every projector instance of the application (see src/projections/projectors.ts). */
export const PROJECTORS = Symbol('Projectors');
/** Nest token (optional): options of the consumer runtime, e.g. batch size and the metrics observer. */
export const CONSUMER_RUNTIME_OPTIONS = Symbol('ConsumerRuntimeOptions');

/**
 * The application's read models: runs every projector on the read store through one ConsumerRuntime,
 * started when the application starts (after the collections are declared) and stopped before the
 * stores close. Queries call `caughtUp(name)` for read-your-writes, then read the read store.
 */
@Injectable()
export class ReadModels implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly runtime: ConsumerRuntime;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(READ_STORE) readonly readStore: ReadStore,
    @Inject(PROJECTORS) projectors: Projector[],
    @Inject(CLOCK) clock: Clock,
    @Optional() @Inject(CONSUMER_RUNTIME_OPTIONS) options?: ConsumerRuntimeOptions,
  ) {
    this.runtime = new ConsumerRuntime(
      store,
      projectors.map((p) => new ProjectorConsumer(p, readStore)),
      clock,
      options,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runtime.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.stop();
  }

  caughtUp(name: string): Promise<void> {
    return this.runtime.caughtUp(name);
  }

  status(): ConsumerStatus[] {
    return this.runtime.status();
  }

  ready(): boolean {
    return this.runtime.ready();
  }
}
