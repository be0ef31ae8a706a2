import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { ConsoleLogger, INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppModule, Ports } from '../../app.module';
import { AuthenticatedRequest, bearerOf } from './auth.guard';
import { documentErrors } from './openapi';

/** Requests larger than this are refused with 413 before anything reads them. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface HttpOptions {
  logs?: boolean;
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
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.with(ports), new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }), {
    logger: options.logs === false ? false : new ConsoleLogger({ json: true }),
  });
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
        'Commands answer 201 when they create something, 200 otherwise, with the ids and every event type appended on every stream. ' +
        'Errors, always { error, message, rule?, problems?, details? }: 400 malformed input, 401 no valid token, 403 wrong role (A8.1), 404 unknown id, ' +
        '409 concurrent change, 413 body over 64 KB, 422 refused by a rule, 429 too many requests; on any error nothing is recorded.',
    )
    .setVersion('1')
    .addServer('/', 'this instance')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => documentErrors(SwaggerModule.createDocument(app, config)), { jsonDocumentUrl: 'docs-json' });
}
