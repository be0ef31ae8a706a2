import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ConsumerObserver, ConsumerStatus } from '../../application/consumers/consumer-runtime';
import type { Clock } from '../../application/ports/clock';
import type { StoredEvent } from '../../application/ports/event-store';

/**
 * Prometheus metrics of one instance (its own registry, so several instances in one process — the
 * tests — do not mix): the process defaults (event-loop lag, heap, GC, CPU) and the consumers'.
 */
export class Metrics implements ConsumerObserver {
  readonly registry = new Registry();
  private readonly position = new Gauge({
    name: 'madoguchi_consumer_position',
    help: 'Global position of the last event each consumer applied (-1: none)',
    labelNames: ['consumer'],
    registers: [this.registry],
  });
  private readonly lag = new Gauge({
    name: 'madoguchi_consumer_lag_positions',
    help: 'Event store head minus the consumer position (events on SQLite; log bytes on EventStoreDB)',
    labelNames: ['consumer'],
    registers: [this.registry],
  });
  private readonly up = new Gauge({
    name: 'madoguchi_consumer_up',
    help: '1 while the consumer runs, 0 once stopped at a poison event',
    labelNames: ['consumer'],
    registers: [this.registry],
  });
  private readonly caughtUp = new Gauge({
    name: 'madoguchi_consumer_caught_up',
    help: '1 once the consumer reached the head seen at start',
    labelNames: ['consumer'],
    registers: [this.registry],
  });
  private readonly head = new Gauge({
    name: 'madoguchi_event_store_head_position',
    help: 'Position of the last event in the store',
    registers: [this.registry],
  });
  private readonly projectionLag = new Histogram({
    name: 'madoguchi_projection_lag_seconds',
    help: 'Time from an event being recorded to its consumer applying it',
    labelNames: ['consumer'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  constructor(private readonly clock: Clock) {
    collectDefaultMetrics({ register: this.registry, prefix: 'madoguchi_' });
  }

  applied(consumer: string, events: StoredEvent[]): void {
    const now = this.clock.now().getTime();
    for (const event of events) {
      const recorded = Date.parse(event.metadata.recordedAt);
      if (Number.isFinite(recorded)) this.projectionLag.observe({ consumer }, Math.max(0, now - recorded) / 1000);
    }
  }

  /** The text exposition, with the gauges read at scrape time. */
  async scrape(head: bigint | undefined, consumers: ConsumerStatus[]): Promise<string> {
    if (head !== undefined) this.head.set(Number(head));
    for (const c of consumers) {
      const position = c.position ?? -1n;
      this.position.set({ consumer: c.name }, Number(position));
      if (head !== undefined) this.lag.set({ consumer: c.name }, Number(head - position));
      this.up.set({ consumer: c.name }, c.state === 'stopped' ? 0 : 1);
      this.caughtUp.set({ consumer: c.name }, c.caughtUp ? 1 : 0);
    }
    return this.registry.metrics();
  }
}
