import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConcurrencyConflict, IdempotencyKeyReused } from '../../application/event-sourcing/event-sourcing';
import { WrongExpectedRevision } from '../../application/ports/event-store';
import { ReadModelUnavailable } from '../../application/consumers/consumer-runtime';
import { SubjectErased } from '../../application/ports/key-store';
import { NotFound, RuleViolation } from '../../domain/shared/errors';
import { Forbidden, Unauthenticated } from './auth.guard';
import { languageOf, Message, render } from '../../domain/shared/messages';
import { BODY_LIMIT_BYTES } from './http-app';
import { toJstTimes } from './jst-times';
import { BadInput, InputProblem } from './validation';

/**
 * The one place errors become HTTP answers: `{ error, rule?, code, message, details?, problems? }`.
 * Integrations read `error`, `rule` and `code` (the message's key in the catalogue,
 * src/domain/shared/messages.ts); staff read `message`, in Japanese unless Accept-Language prefers
 * English.
 *   400 malformed input · 401 no valid credentials · 403 wrong role (A8.1) · 404 unknown id ·
 *   409 concurrent change · 422 a rule of the terms refuses it.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const language = languageOf(request.headers['accept-language']);
    const { status, error: kind, text, ...rest } = this.map(error, request);
    if (status >= 500) this.logger.error({ msg: 'unhandled error', error: error instanceof Error ? error.stack : String(error) });
    if (status === 401) void reply.header('www-authenticate', 'Bearer realm="madoguchi"');
    const problems = rest.problems?.map(({ field, in: location, ...message }) => ({
      field,
      in: location,
      code: message.code,
      problem: render(language, message),
    }));
    const message = problems
      ? render(language, { code: 'bad-request', params: { problems: problems.map((p) => `${p.field || p.in}: ${p.problem}`) } })
      : render(language, text);
    void reply
      .status(status)
      .header('content-language', language)
      .send({
        error: kind,
        ...(rest.rule ? { rule: rest.rule } : {}),
        code: text.code,
        message,
        ...(rest.details ? { details: toJstTimes(rest.details) } : {}),
        ...(problems ? { problems } : {}),
      });
  }

  private map(error: unknown, request: FastifyRequest): Answer {
    if (error instanceof RuleViolation) return { status: 422, error: 'rule_violation', rule: error.rule, text: error.text, details: error.details };
    if (error instanceof IdempotencyKeyReused) return { status: 422, error: 'idempotency_key_reused', text: { code: 'idempotency-key.reused' } };
    if (error instanceof SubjectErased) return { status: 422, error: 'rule_violation', rule: 'A8.1', text: { code: 'job-seeker.data-erased' } };
    if (error instanceof Unauthenticated) return { status: 401, error: 'unauthenticated', rule: 'A8.1', text: error.text };
    if (error instanceof Forbidden) return { status: 403, error: 'forbidden', rule: 'A8.1', text: error.text };
    // The message lists the problems, worded in the answer's language by catch().
    if (error instanceof BadInput)
      return { status: 400, error: 'bad_request', text: { code: 'bad-request', params: { problems: [] } }, problems: error.problems };
    if (error instanceof NotFound) return { status: 404, error: 'not_found', text: error.text };
    if (error instanceof ConcurrencyConflict || error instanceof WrongExpectedRevision)
      return { status: 409, error: 'conflict', text: { code: 'conflict' } };
    if (error instanceof ReadModelUnavailable) return { status: 503, error: 'unavailable', text: { code: 'read-model.unavailable' } };
    const status = httpStatusOf(error);
    switch (status) {
      case undefined:
        return { status: 500, error: 'internal', text: { code: 'internal' } };
      case 400:
        // The body parser (Fastify, Nest): the body is not JSON, is empty with a JSON content type, or sets __proto__.
        return this.map(new BadInput([{ field: '', in: 'body', code: 'input.not-json' }]), request);
      case 404:
        return { status, error: 'not_found', text: { code: 'route.not-found', params: { method: request.method, path: request.url.split('?')[0] } } };
      case 413:
        return { status, error: 'payload_too_large', text: { code: 'payload-too-large', params: { kilobytes: BODY_LIMIT_BYTES / 1024 } } };
      case 414:
        return { status, error: 'uri_too_long', text: { code: 'uri-too-long' } };
      case 415:
        return { status, error: 'unsupported_media_type', text: { code: 'unsupported-media-type' } };
      case 429: {
        const { max, seconds, withToken } = error as { max?: number; seconds?: number; withToken?: boolean };
        return {
          status,
          error: 'too_many_requests',
          text: { code: 'too-many-requests', params: { max: max ?? 0, seconds: seconds ?? 60, withToken: withToken ?? false } },
        };
      }
      case 503:
        return { status, error: 'service_unavailable', text: { code: 'event-store.down' } };
      default:
        if (status >= 400 && status < 500) return { status, error: 'http_error', text: { code: 'http.other', params: { status } } };
        return { status: 500, error: 'internal', text: { code: 'internal' } };
    }
  }
}

interface Answer {
  status: number;
  error: string;
  rule?: string;
  text: Message;
  details?: Record<string, unknown>;
  problems?: InputProblem[];
}

function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof HttpException) return error.getStatus();
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
