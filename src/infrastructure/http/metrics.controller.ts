import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { EventStore } from '../../application/ports/event-store';
import { EVENT_STORE } from '../../application/ports/tokens';
import { ReadModels } from '../../application/consumers/read-models';
import { Metrics } from '../metrics/metrics';
import { Allow } from './auth.guard';

/**
 * Prometheus metrics. Behind a staff token like everything else (deny by default): the scraper signs in
 * as an `integration` account (or an administrator looks). No personal data is in them, but consumer
 * names, positions and the process's internals are nobody else's business, and "open on loopback only"
 * would break behind a reverse proxy, where every request comes from loopback.
 */
@ApiTags('operations')
@ApiBearerAuth()
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly readModels: ReadModels,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('metrics')
  @Allow('integration', 'admin')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics: consumer positions and lag, projection lag, event loop, memory.' })
  @ApiResponse({
    status: 200,
    description: 'The Prometheus text exposition format (0.0.4).',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  async scrape(): Promise<string> {
    const head = await this.store.headPosition().catch(() => undefined);
    return this.metrics.scrape(head, this.readModels.status());
  }
}
