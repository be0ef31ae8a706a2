import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import type { EventStore } from '../../application/ports/event-store';
import { EVENT_STORE } from '../../application/ports/tokens';
import { errorBody, health } from './answers';
import { Public } from './auth.guard';
import { AnswerSchema, openApiSchema } from './openapi';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Liveness and event-store reachability (200 when the event store answers, 503 when not).' })
  @AnswerSchema(200, health, 'The event store answers; `head` is its last position.')
  @ApiResponse({ status: 503, description: 'The event store does not answer.', schema: openApiSchema(errorBody, 'output') })
  async health(): Promise<z.infer<typeof health>> {
    try {
      return { status: 'ok', eventStore: { head: String(await this.store.headPosition()) } };
    } catch {
      throw new ServiceUnavailableException(); // worded by the ErrorFilter (event-store.down)
    }
  }
}
