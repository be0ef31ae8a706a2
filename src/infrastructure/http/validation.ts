import { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { applyDecorators } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { z } from 'zod';
import { openApiSchema } from './openapi';

/** Malformed input (HTTP 400): the request cannot even be read as a command. */
export class BadInput extends Error {
  constructor(readonly problems: Array<{ field: string; problem: string }>) {
    super(`The request is not valid: ${problems.map((p) => `${p.field || 'body'}: ${p.problem}`).join('; ')}`);
    this.name = 'BadInput';
  }
}

export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new BadInput(result.error.issues.map((issue) => ({ field: issue.path.join('.'), problem: issue.message })));
  }
  return result.data;
}

/** Validates a body, query or parameter against a strict zod schema (unknown fields are refused). */
export class Valid<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}
  transform(value: unknown, _metadata: ArgumentMetadata): z.infer<S> {
    return parse(this.schema, value);
  }
}

/** Documents the body in the OpenAPI from the same schema that validates it. */
export function BodySchema(schema: z.ZodType, description?: string) {
  return applyDecorators(ApiBody({ schema: openApiSchema(schema, 'input') as never, description }));
}

/** Reusable pieces of the request schemas. */
export const fields = {
  id: z.uuid({ message: 'must be an id as returned when the thing was created (a UUID)' }),
  instant: z.iso.datetime({ offset: true, message: 'must be a date and time with its zone, e.g. 2026-12-01T10:00:00+09:00' }).transform((v) => new Date(v)),
  date: z.iso.date({ message: 'must be a date written YYYY-MM-DD' }),
  hhmm: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time written HH:MM, e.g. 10:00'),
  text: (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`),
  email: z.email({ message: 'must be an e-mail address' }).max(254),
  url: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2000),
  phone: z.string().regex(/^[0-9０-９+\-() ]{6,20}$/, 'must be a telephone number, e.g. 086-222-2905'),
};

export const pagination = z
  .object({
    offset: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
