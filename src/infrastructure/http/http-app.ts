import { hash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import { INestApplication, StreamableFile } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { AppModule, Ports } from '../../app.module';
import { AUTHENTICATOR, Authenticator } from '../../application/ports/authenticator';
import { createLogger, ServiceLogger } from '../logging/logging';
import type { LogOptions } from '../logging/logging';
import { AuthenticatedRequest, bearerOf } from './auth.guard';
import { toJstTimes } from './jst-times';
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
    return `token:${hash('sha256', bearer, 'base64url')}`;
  };
}

/**
 * Staff read the answers' times in JST: every instant in what a controller returns is written with the +09:00
 * offset (still one unambiguous instant, which any client parses as such); events and logs keep UTC. Done where
 * Nest hands the answer to Fastify rather than in an interceptor: any interceptor puts every request through rxjs.
 */
class JstAnswersAdapter extends FastifyAdapter {
  override reply(response: Parameters<FastifyAdapter['reply']>[0], body: unknown, statusCode?: number): FastifyReply {
    return super.reply(response, body instanceof StreamableFile ? body : toJstTimes(body), statusCode);
  }
}

/**
 * Helmet's headers. With these options they are the same on every answer (no nonce, nothing read from the
 * request), so helmet runs once and each answer gets the headers it set; on the reply, where Fastify writes them
 * in one go with its own. (Helmet also removes X-Powered-By, which Fastify never sets.)
 */
function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
    removeHeader: () => undefined,
  };
  let failure: unknown;
  let ran = false;
  helmet({
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
  })({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
    ran = true;
  });
  if (!ran || failure) throw new Error('helmet did not set its headers at once: they would depend on the request', { cause: failure });
  return headers;
}

/** Builds the HTTP application (Fastify) on the given ports, with the OpenAPI at /docs and /docs-json. */
export async function createHttpApp(ports: Ports, options: HttpOptions = {}): Promise<NestFastifyApplication> {
  const logs: LogOptions | false = options.logs === true || options.logs === undefined ? { level: 'info' } : options.logs;
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.with(ports),
    new JstAnswersAdapter({ bodyLimit: BODY_LIMIT_BYTES }),
    // Buffered until the service's logger takes over, so that even Nest's first lines obey the level.
    logs ? { bufferLogs: true } : { logger: false },
  );
  const logger = logs ? createLogger(logs) : undefined;
  if (logger) app.useLogger(new ServiceLogger(logger));
  const headers = securityHeaders();
  // The staff page at /ui/: static files that call the same API as any integration, with a token the staff member
  // pastes. Not there when the page was not built (a test that compiles only `src`): /ui/ then answers 404.
  const staffPage = existsSync(join(STAFF_PAGE_DIR, 'index.html'));
  const staffPageHeaders = { ...headers, 'content-security-policy': STAFF_PAGE_CSP };
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      reply.headers(staffPage && (request.url === '/ui' || request.url.startsWith('/ui/')) ? staffPageHeaders : headers);
      done();
    });
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
  if (staffPage) await app.register(fastifyStatic, { root: STAFF_PAGE_DIR, prefix: '/ui/', redirect: true, cacheControl: true, maxAge: 0 });
  if (logger) logRequests(app, logger);
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
 * One structured line per answered request: method, route template (never the query string or a
 * body), status, duration and the signed-in staff member. Ids in paths are UUIDs or keyed hashes (A8.1).
 * Straight to pino (Nest's Logger adds a dispatch per line), and nothing built when the level drops the line.
 */
function logRequests(app: NestFastifyApplication, logger: Logger): void {
  const requests = logger.child({ context: 'Request' });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request: AuthenticatedRequest, reply, done) => {
      const level = reply.statusCode >= 500 ? 'error' : 'info';
      if (requests.isLevelEnabled(level)) {
        requests[level]({
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
          staff: request.principal?.staffId,
        });
      }
      done();
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
