import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { AppModule, Ports } from '../../app.module';
import { AUTHENTICATOR, Authenticator } from '../../application/ports/authenticator';
import { createLogger, ServiceLogger } from '../logging/logging';
import type { LogOptions } from '../logging/logging';
import { AuthenticatedRequest, bearerOf } from './auth.guard';
import { documentErrors } from './openapi';
import type { BullMqScheduler } from '../scheduler/bullmq/bullmq-scheduler';

/** Requests larger than this are refused with 413 before anything reads them. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface HttpOptions {
  /** JSON log lines (pino) at this level, on stderr unless a destination is given; true: at info; false: none. Default: info. */
  logs?: boolean | LogOptions;
  /** Requests per minute per valid token (per address without one); 429 beyond. */
  rateLimitPerMinute?: number;
}

/**
 * The rate-limit bucket of a request: its token (hashed: no secret kept in memory) when the token is valid, else
 * its address. A made-up token gets no bucket of its own, so guessing tokens is throttled like any request
 * without one. The principal found here is kept on the request for the AuthGuard, which checks the roles.
 */
function rateLimitKey(authenticator: Authenticator) {
  return async (request: AuthenticatedRequest): Promise<string> => {
    const bearer = bearerOf(request);
    // An authenticator that fails (a key set out of reach) counts the request against its address; the AuthGuard
    // then meets the same failure and answers it.
    const principal = bearer === undefined ? undefined : await authenticator.authenticate(bearer).catch(() => undefined);
    if (bearer === undefined || principal === undefined) return `address:${request.ip}`;
    request.principal = principal;
    return `token:${createHash('sha256').update(bearer).digest('base64url')}`;
  };
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
  // Helmet's headers, its middleware built once (@fastify/helmet builds it again for every request).
  const secureHeaders = helmet({
    // The Swagger UI at /docs loads its own script and styles from this origin.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        scriptSrc: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => secureHeaders(request.raw, reply.raw, () => done()));
  await app.register(rateLimit, {
    max: options.rateLimitPerMinute ?? 600,
    timeWindow: '1 minute',
    keyGenerator: rateLimitKey(app.get<Authenticator>(AUTHENTICATOR)),
    // Thrown to the ErrorFilter, which words it (too-many-requests) in the client's language.
    errorResponseBuilder: (request: AuthenticatedRequest, context) => ({
      statusCode: 429,
      max: context.max,
      seconds: Math.ceil(context.ttl / 1000),
      withToken: request.principal !== undefined,
    }),
  });
  const scheduler = ports.sideEffects?.scheduler;
  // Bull Board is loaded only with BullMQ (issue 18: the embedded default does not pay for its modules).
  if (scheduler !== undefined && 'dashboardQueue' in scheduler) {
    const { mountJobDashboard } = await import('./job-dashboard');
    await mountJobDashboard(app, scheduler as BullMqScheduler, app.get<Authenticator>(AUTHENTICATOR));
  }
  await serveStaffPage(app);
  logRequests(app);
  app.enableShutdownHooks();
  setUpOpenApi(app);
  return app;
}

/** Where `npm run build` puts the staff page (scripts/build-ui.mjs): `ui/dist` beside `src` and `dist`. */
export const STAFF_PAGE_DIR = join(__dirname, '..', '..', '..', 'ui', 'dist');

/**
 * Offices run on closed networks: the page's every script, style, font and request comes from this origin,
 * with no inline code. Stricter than the rest of the service, whose /docs needs inline styles.
 */
const STAFF_PAGE_CSP = [
  "default-src 'self'",
  "base-uri 'none'",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "img-src 'self'",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
].join(';');

/**
 * The staff page at /ui/: static files that call the same API as any integration, with a token the staff member
 * pastes. Not there when the page was not built (a test that compiles only `src`): /ui/ then answers 404.
 */
async function serveStaffPage(app: NestFastifyApplication): Promise<void> {
  if (!existsSync(join(STAFF_PAGE_DIR, 'index.html'))) return;
  const fastify = app.getHttpAdapter().getInstance();
  await app.register(fastifyStatic, { root: STAFF_PAGE_DIR, prefix: '/ui/', redirect: true, cacheControl: true, maxAge: 0 });
  fastify.addHook('onSend', async (request, reply) => {
    if (request.url === '/ui' || request.url.startsWith('/ui/')) reply.header('content-security-policy', STAFF_PAGE_CSP);
  });
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
