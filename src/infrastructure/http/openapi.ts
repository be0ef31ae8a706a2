import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { CommandOutcome } from '../../application/event-sourcing/command-answer';
import { errorBody } from './answers';

/**
 * The OpenAPI schema of a zod schema: the same schema that validates a request (`input`: defaults
 * make a field optional) or describes an answer (`output`), so the document cannot drift from the code.
 */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
}

/** Documents the success answer: its status (both, for a command that creates or updates) and its schema. */
export function AnswerSchema(status: 200 | 201 | [201, 200], schema: z.ZodType, description?: string) {
  const statuses = Array.isArray(status) ? status : [status];
  const json = openApiSchema(schema, 'output');
  return applyDecorators(
    ...statuses.map((s) =>
      ApiResponse({
        status: s,
        description: description ?? (s === 201 ? 'Created: the ids of what was created, and every event appended.' : 'Done.'),
        schema: json,
      }),
    ),
  );
}

/** Documents every query parameter (type, default, limits, required) from the strict zod schema that validates the query. */
export function QuerySchema(schema: z.ZodType) {
  const json = openApiSchema(schema, 'input') as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return applyDecorators(
    ...Object.entries(json.properties ?? {}).map(([name, property]) => {
      const { description, ...propertySchema } = property;
      return ApiQuery({
        name,
        required: (json.required ?? []).includes(name),
        schema: propertySchema as never,
        description: description as string | undefined,
      });
    }),
  );
}

/** Documents a path parameter from the zod schema that validates it. */
export function PathSchema(name: string, schema: z.ZodType) {
  const { description, ...json } = openApiSchema(schema, 'input');
  return ApiParam({ name, required: true, schema: json, description: description as string | undefined });
}

/** A staff command endpoint: its summary and the headers every command takes. */
export function Documented(summary: string) {
  return applyDecorators(
    ApiOperation({ summary }),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Re-sending a command with the same key (8–128 letters, digits or . _ ~ -; a UUID is best) returns the first answer and appends nothing.',
      schema: { type: 'string', pattern: '^[A-Za-z0-9._~-]{8,128}$' },
    }),
    ApiHeader({
      name: 'X-Correlation-Id',
      required: false,
      description: 'Recorded in the metadata of every event the command appends (default: the command id).',
      schema: { type: 'string', pattern: '^[A-Za-z0-9._~-]{8,128}$' },
    }),
  );
}

/** Every endpoint but /health: a bearer token. */
export function Authenticated() {
  return applyDecorators(ApiBearerAuth());
}

const ERRORS: Record<number, string> = {
  400: 'Malformed input (`problems` lists each field); nothing was recorded.',
  401: 'No valid token (`Authorization: Bearer <token>`; `rule: A8.1`).',
  403: 'Your role does not allow this (`rule: A8.1`).',
  404: 'Unknown id.',
  409: 'Changed by someone else at the same moment; nothing was recorded. Reload and try again.',
  413: 'The body is over 64 KB; nothing was recorded.',
  422: 'Refused by a rule (`rule`, `message`, sometimes `details`); nothing was recorded.',
  429: 'Too many requests in a minute with this token (or from this address); wait and try again.',
};

/**
 * Adds to every operation the 4xx answers that can happen to it, all with the one error body: 400
 * when it takes input, 401 / 403 when it needs a token, 404 when its path names something, 409 /
 * 413 / 422 for commands (413 with a body), 429 everywhere (the rate limit covers every request).
 */
export function documentErrors(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Error: openApiSchema(errorBody, 'output') as never } };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const secured = (operation.security ?? document.security ?? []).length > 0;
      if (!secured) operation.security = [];
      const takesInput =
        path.includes('{') || (operation.parameters ?? []).some((p) => 'in' in p && p.in === 'query') || operation.requestBody !== undefined;
      const statuses = [
        ...(takesInput ? [400] : []),
        ...(secured ? [401, 403] : []),
        ...(path.includes('{') ? [404] : []),
        ...(method === 'get' ? [] : [409]),
        ...(operation.requestBody ? [413] : []),
        ...(method === 'get' ? [] : [422]),
        429,
      ];
      for (const status of statuses) {
        operation.responses[status] = {
          description: ERRORS[status],
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        };
      }
    }
  }
  return document;
}

/**
 * For commands that create or update (register a job seeker, enroll a staff member): 201 when the
 * command created the thing, 200 otherwise. Decided from the events appended, so a re-send answers
 * with the same status.
 */
export async function sendCreatedWhen(reply: FastifyReply, created: string, answer: CommandOutcome): Promise<void> {
  await reply.status(answer.appended.includes(created) ? 201 : 200).send(answer);
}
