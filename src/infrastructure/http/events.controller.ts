import { BeforeApplicationShutdown, Controller, Get, Inject, Injectable, Query as QueryParams, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { z } from 'zod';
import { publishedEvent } from '../../application/integration/published-event';
import type { EventStore, Subscription } from '../../application/ports/event-store';
import { EVENT_STORE } from '../../application/ports/tokens';
import { isMadoguchiEvent } from '../../domain/events';
import { Allow } from './auth.guard';
import { EVENT_SCHEMA, EVENT_SCHEMA_PATH } from './event-schema';
import { Authenticated, QuerySchema } from './openapi';
import { BadInput, says, Valid } from './validation';

const position = z.string().regex(/^(0|[1-9]\d{0,19})$/, says('input.position'));
const feedQuery = z
  .object({
    from: position.optional().describe('the first position to send (inclusive); default: the start of the store. `Last-Event-ID` wins over it.'),
    types: z
      .string()
      .regex(/^[A-Za-z]{1,60}(,[A-Za-z]{1,60}){0,59}$/, says('input.event-types'))
      .refine((list) => list.split(',').every(isMadoguchiEvent), says('input.event-types'))
      .optional()
      .describe('only these event types, comma-separated, e.g. SlotConfirmed,ReservationCancelled; default: all'),
    heartbeat: z.coerce.number().int().min(1).max(300).default(15).describe('seconds between heartbeat comments while nothing is sent'),
  })
  .strict();

/** How long a client waits before reconnecting (the SSE `retry` field). */
const RETRY_MS = 2000;

/**
 * The open feeds of this instance: ended before the HTTP server closes, which would otherwise wait for
 * clients that never hang up.
 */
@Injectable()
export class EventFeeds implements BeforeApplicationShutdown {
  private readonly open = new Set<() => Promise<void>>();
  private sentEvents = 0;

  /** Events handed to the sockets of all feeds so far (tests watch back-pressure with it). */
  sent(): number {
    return this.sentEvents;
  }

  countSent(): void {
    this.sentEvents += 1;
  }

  add(end: () => Promise<void>): () => void {
    this.open.add(end);
    return () => this.open.delete(end);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.open].map((end) => end()));
  }
}

@ApiTags('integration')
@Authenticated()
@Controller('v1/events')
export class EventsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly feeds: EventFeeds,
  ) {}

  @Get()
  @Allow('integration')
  @ApiOperation({
    summary:
      'Issue 19: every event as Server-Sent Events, catch-up then live, in global order. Each message: `id` = position, `event` = type, ' +
      '`data` = one JSON event (schema: GET /v1/events/schema). Resume with `Last-Event-ID` (the last id received); `: heartbeat` comments ' +
      'keep the connection open. A8.1: personal values read as [redacted] (as [erased] once erased); A7.2: devices only as pseudonyms.',
    externalDocs: { description: 'The JSON Schema of the events', url: EVENT_SCHEMA_PATH },
  })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'resume after this position',
    schema: { type: 'string', pattern: '^[0-9]{1,20}$' },
  })
  @ApiProduces('text/event-stream')
  @ApiResponse({
    status: 200,
    description: `An event stream (text/event-stream) that does not end; each data line is an event of ${EVENT_SCHEMA_PATH}.`,
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @QuerySchema(feedQuery)
  feed(@QueryParams(new Valid(feedQuery)) query: z.infer<typeof feedQuery>, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const after = resumeAfter(request.headers['last-event-id'], query.from);
    const types = query.types === undefined ? undefined : new Set(query.types.split(','));
    reply.hijack();
    const socket = reply.raw;
    socket.writeHead(200, {
      // The security and rate-limit headers already set on the reply, which a hijacked reply does not write.
      ...(reply.getHeaders() as OutgoingHttpHeaders),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // A buffering reverse proxy (nginx) would hold the events back.
      'x-accel-buffering': 'no',
    });
    socket.write(`retry: ${RETRY_MS}\n\n`);
    const heartbeat = setInterval(() => {
      // Only while the client keeps up: a heartbeat never adds to a full buffer.
      if (!socket.writableNeedDrain) socket.write(': heartbeat\n\n');
    }, query.heartbeat * 1000);
    // Back-pressure: the subscription awaits each write, so it reads the next page only once the socket drained.
    const subscription: Subscription = this.store.subscribeAll(
      async (event) => {
        if (types !== undefined && !types.has(event.type)) return;
        await written(socket, `id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(publishedEvent(event))}\n\n`);
        this.feeds.countSent();
      },
      { after },
    );
    const end = async (): Promise<void> => {
      clearInterval(heartbeat);
      await subscription.stop();
      if (!socket.writableEnded) socket.end();
    };
    const forget = this.feeds.add(end);
    socket.on('close', () => {
      forget();
      void end();
    });
    void subscription.ended.then((error) => {
      // The store ended the subscription (a lost connection): the client reconnects with Last-Event-ID.
      if (error !== undefined) socket.destroy();
    });
  }

  @Get('schema')
  @Allow('integration', 'auditor', 'admin')
  @ApiOperation({ summary: 'The JSON Schema (2020-12) of the events on GET /v1/events: types, schema versions and fields of each type.' })
  @ApiResponse({ status: 200, description: 'A JSON Schema document.', content: { 'application/json': { schema: { type: 'object' } } } })
  schema(): unknown {
    return EVENT_SCHEMA;
  }
}

/** Resolves once the chunk is handed to the socket, or the client is gone. */
function written(socket: ServerResponse, chunk: string): Promise<void> {
  if (socket.destroyed || socket.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/** `Last-Event-ID` (the last event received) wins over `from` (the first position wanted). */
function resumeAfter(lastEventId: string | string[] | undefined, from: string | undefined): bigint | undefined {
  if (lastEventId !== undefined) {
    const parsed = position.safeParse(lastEventId);
    if (!parsed.success) throw new BadInput([{ field: 'Last-Event-ID', in: 'header', code: 'input.position' }]);
    return BigInt(parsed.data);
  }
  return from === undefined ? undefined : BigInt(from) - 1n;
}
