import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppModule, Ports } from '../../app.module';
import { createLogger, ServiceLogger } from '../logging/logging';
import type { LogOptions } from '../logging/logging';
import { AuthenticatedRequest, bearerOf } from './auth.guard';

/** Requests larger than this are refused with 413 before anything reads them. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface HttpOptions {
  /** JSON log lines (pino) at this level, on stderr unless a destination is given; true: at info; false: none. Default: info. */
  logs?: boolean | LogOptions;
  /** Requests per minute per token (per address without one); 429 beyond. */
  rateLimitPerMinute?: number;
}

/** The rate-limit bucket of a request: its token (hashed: no secret kept in memory), else its address. */
function rateLimitKey(request: FastifyRequest): string {
  const bearer = bearerOf(request);
  return bearer ? `token:${createHash('sha256').update(bearer).digest('base64url')}` : `address:${request.ip}`;
}

/** Builds the HTTP application (Fastify) on the given ports, with the OpenAPI at /docs and /docs-json. */
export async function createHttpApp(ports: Ports, options: HttpOptions = {}): Promise<NestFastifyApplication> {
  const logs: LogOptions | false = options.logs === true || options.logs === undefined ? { level: 'info' } : options.logs;
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.with(ports),
    new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }),
    // Buffered until the service's logger takes over, so that even Nest's first lines obey the level.
    logs ? { bufferLogs: true } : { logger: false },
  );
  if (logs) app.useLogger(new ServiceLogger(createLogger(logs)));
  await app.register(helmet, {
    // The Swagger UI at /docs loads its own script and styles from this origin.
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], scriptSrc: ["'self'"], upgradeInsecureRequests: null },
    },
  });
  await app.register(rateLimit, {
    max: options.rateLimitPerMinute ?? 600,
    timeWindow: '1 minute',
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: 'too_many_requests',
      message: `More than ${context.max} requests in a minute with this token. Wait ${Math.ceil(context.ttl / 1000)} s and try again.`,
    }),
  });
  logRequests(app);
  app.enableShutdownHooks();
  setUpOpenApi(app);
  return app;
}

/**
 * One structured line per answered request: method, route template (never the query string or a
 * body), status, duration and the signed-in staff member. Ids in paths are UUIDs or keyed hashes (A8.1).
 */
function logRequests(app: NestFastifyApplication): void {
  const logger = new Logger('Request');
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', async (request: AuthenticatedRequest, reply) => {
      const entry = {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        staff: request.principal?.staffId,
      };
      if (reply.statusCode >= 500) logger.error(entry);
      else logger.log(entry);
    });
}

function setUpOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Madoguchi (窓口)')
    .setDescription(
      'Scheduling of Hello Work online job consultations. Every change is an event. Send a staff token as `Authorization: Bearer <token>`. ' +
        'Errors: 400 malformed input, 401 no valid token, 403 wrong role (A8.1), 404 unknown id, 429 too many requests, ' +
        '409 concurrent change, 422 refused by a rule of the terms ({ rule, message }); on any error nothing is recorded.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config), { jsonDocumentUrl: 'docs-json' });
}
