import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventStore } from '../../application/ports/event-store';
import { EVENT_STORE } from '../../application/ports/tokens';
import { Public } from './auth.guard';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Liveness and event-store reachability (200 when the event store answers, 503 when not).' })
  async health(): Promise<{ status: 'ok'; eventStore: { head: string } }> {
    try {
      return { status: 'ok', eventStore: { head: String(await this.store.headPosition()) } };
    } catch {
      throw new ServiceUnavailableException(); // worded by the ErrorFilter (event-store.down)
    }
  }
}
