import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { EventStore } from '../../application/ports/event-store';
import { EVENT_STORE } from '../../application/ports/tokens';
import { ReadModels } from '../../application/consumers/read-models';
import { ChainIntegrity } from '../event-store/chain/chain-integrity';
import { describeBreak } from '../event-store/chain/chain-verifier';
import { live, readiness } from './answers';
import { Public } from './auth.guard';
import { AnswerSchema, openApiSchema } from './openapi';

interface ConsumerHealth {
  name: string;
  state: string;
  position: string | null;
  /** Positions between the consumer and the event store's head (events on SQLite). */
  lag: string | null;
  caughtUp: boolean;
  error?: { message: string; position?: string; at: string };
}
interface Readiness {
  status: 'ready' | 'not_ready';
  eventStore: { head: string } | { error: string };
  consumers: ConsumerHealth[];
  chain: { status: 'unchecked' | 'checking' | 'intact' | 'broken'; checked: number; firstBroken?: string };
}

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readModels: ReadModels,
    private readonly chain: ChainIntegrity,
  ) {}

  @Get('health/live')
  @Public()
  @ApiOperation({ summary: 'Liveness: 200 while the process answers.' })
  @AnswerSchema(200, live, 'The process answers.')
  live(): { status: 'live' } {
    return { status: 'live' };
  }

  @Get('health/ready')
  @Public()
  @ApiOperation({
    summary:
      'Readiness: 200 once every read model has caught up with the event store head seen at start and none is stopped; 503 otherwise (or when the event store does not answer, or the hash chain was found broken at start-up). Each consumer with its position and lag.',
  })
  @AnswerSchema(200, readiness, 'Ready: the event store answers and every read model has caught up.')
  @ApiResponse({
    status: 503,
    description: 'Not ready: the event store does not answer, or a read model is behind or stopped.',
    schema: openApiSchema(readiness, 'output'),
  })
  ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Readiness> {
    return this.readiness(reply);
  }

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Same as /health/ready.' })
  @AnswerSchema(200, readiness, 'Ready: the event store answers and every read model has caught up.')
  @ApiResponse({
    status: 503,
    description: 'Not ready: the event store does not answer, or a read model is behind or stopped.',
    schema: openApiSchema(readiness, 'output'),
  })
  health(@Res({ passthrough: true }) reply: FastifyReply): Promise<Readiness> {
    return this.readiness(reply);
  }

  private async readiness(reply: FastifyReply): Promise<Readiness> {
    let head: bigint | undefined;
    try {
      head = await this.store.headPosition();
    } catch {
      head = undefined;
    }
    const consumers = this.readModels.status().map((s): ConsumerHealth => ({
      name: s.name,
      state: s.state,
      position: s.position === undefined ? null : String(s.position),
      lag: head === undefined ? null : String(head - (s.position ?? -1n)),
      caughtUp: s.caughtUp,
      ...(s.error && {
        error: { message: s.error.message, at: s.error.at, ...(s.error.position !== undefined && { position: String(s.error.position) }) },
      }),
    }));
    const chain = this.chain.status();
    const ready = head !== undefined && this.readModels.ready() && chain.status !== 'broken' && chain.status !== 'checking';
    void reply.status(ready ? 200 : 503);
    return {
      status: ready ? 'ready' : 'not_ready',
      eventStore: head === undefined ? { error: 'The event store does not answer.' } : { head: String(head) },
      consumers,
      chain: {
        status: chain.status,
        checked: chain.status === 'intact' || chain.status === 'broken' ? chain.report.checked : 0,
        ...(chain.status === 'broken' && chain.report.broken && { firstBroken: describeBreak(chain.report.broken) }),
      },
    };
  }
}
