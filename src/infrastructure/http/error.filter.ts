import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ConcurrencyConflict } from '../../application/event-sourcing/event-sourcing';
import { WrongExpectedRevision } from '../../application/ports/event-store';
import { ReadModelUnavailable } from '../../application/consumers/consumer-runtime';
import { SubjectErased } from '../../application/ports/key-store';
import { NotFound, RuleViolation } from '../../domain/shared/errors';
import { Forbidden, Unauthenticated } from './auth.guard';
import { BadInput } from './validation';

/**
 * The one place errors become HTTP answers. Staff read `message`; integrations read `rule` / `error`.
 *   400 malformed input · 401 no valid credentials · 403 wrong role (A8.1) · 404 unknown id ·
 *   409 concurrent change · 422 a rule of the terms refuses it.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const [status, body] = this.map(error);
    if (status >= 500) this.logger.error({ msg: 'unhandled error', error: error instanceof Error ? error.stack : String(error) });
    if (status === 401) void reply.header('www-authenticate', 'Bearer realm="madoguchi"');
    void reply.status(status).send(body);
  }

  private map(error: unknown): [number, Record<string, unknown>] {
    if (error instanceof RuleViolation) {
      return [422, { error: 'rule_violation', rule: error.rule, message: error.message, ...(error.details ? { details: error.details } : {}) }];
    }
    if (error instanceof SubjectErased) {
      return [422, { error: 'rule_violation', rule: 'A8.1', message: "This job seeker's personal data has been erased; nothing personal can be recorded for them any more." }];
    }
    if (error instanceof Unauthenticated) return [401, { error: 'unauthenticated', rule: 'A8.1', message: error.message }];
    if (error instanceof Forbidden) return [403, { error: 'forbidden', rule: 'A8.1', message: error.message }];
    if (error instanceof BadInput) return [400, { error: 'bad_request', message: error.message, problems: error.problems }];
    if (error instanceof NotFound) return [404, { error: 'not_found', message: error.message }];
    if (error instanceof ConcurrencyConflict || error instanceof WrongExpectedRevision) {
      return [409, { error: 'conflict', message: 'Someone else changed this at the same moment. Reload and try again.' }];
    }
    if (error instanceof ReadModelUnavailable) {
      return [503, { error: 'unavailable', message: 'This list is being brought up to date; nothing was lost. Try again in a moment.' }];
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      return [status, { error: status === 404 ? 'not_found' : 'http_error', message: error.message }];
    }
    const status = (error as { statusCode?: unknown })?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Fastify and its plugins: invalid JSON (400), body too large (413), too many requests (429).
      return [status, { error: status === 429 ? 'too_many_requests' : status === 413 ? 'payload_too_large' : 'bad_request', message: (error as Error).message }];
    }
    return [500, { error: 'internal', message: 'Something went wrong on our side; nothing was recorded twice. Try again, and call support if it persists.' }];
  }
}
