import { applyDecorators, ArgumentMetadata, CanActivate, ExecutionContext, Injectable, PipeTransform } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ApiBody } from '@nestjs/swagger';
import { z } from 'zod';
import { catalogue, InputCode, Message, render } from '../../domain/shared/messages';

/** Where a problem is: the body, the query string, the path or a header. */
export type InputLocation = 'body' | 'query' | 'path' | 'header';

/** One thing wrong with the input, as data; the error filter words it in the client's language. */
export type InputProblem = { field: string; in: InputLocation } & Extract<Message, { code: InputCode }>;
import { openApiSchema } from './openapi';
import { perRoute } from './route-metadata';

/** Malformed input (HTTP 400): the request cannot even be read as a command. */
export class BadInput extends Error {
  constructor(readonly problems: InputProblem[]) {
    super(render('en', { code: 'bad-request', params: { problems: problems.map((p) => `${p.field || p.in}: ${render('en', p)}`) } }));
    this.name = 'BadInput';
  }
}

export function parse<S extends z.ZodType>(schema: S, value: unknown, location: InputLocation = 'body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new BadInput(result.error.issues.flatMap((issue) => problemsOf(issue, location)));
  return result.data;
}

/** A schema's own message is an input code (`says(…)`); otherwise the kind of issue picks the text. */
export function says(code: InputCode): { error: InputCode } {
  return { error: code };
}

function isInputCode(text: string): text is InputCode {
  return text.startsWith('input.') && text in catalogue;
}

function problemsOf(issue: z.core.$ZodIssue, location: InputLocation, field = issue.path.join('.')): InputProblem[] {
  if (issue.code === 'unrecognized_keys') {
    const code = location === 'query' ? 'input.unknown-query' : 'input.unknown-field';
    return issue.keys.map((key) => ({ field: field ? `${field}.${key}` : key, in: location, code }));
  }
  return [{ field, in: location, ...wordingOf(issue) }];
}

function wordingOf(issue: z.core.$ZodIssue): Extract<Message, { code: InputCode }> {
  // A custom issue may carry the parameters its text needs (`params`).
  if (isInputCode(issue.message))
    return { code: issue.message, params: issue.code === 'custom' ? issue.params : undefined } as Extract<Message, { code: InputCode }>;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return { code: 'input.required' };
      if (issue.expected === 'int') return { code: 'input.integer' };
      return { code: 'input.type', params: { expected: issue.expected } };
    case 'too_big': {
      const maximum = Number(issue.maximum);
      if (issue.origin === 'string') return { code: 'input.too-long', params: { maximum } };
      if (issue.origin === 'array' || issue.origin === 'set') return { code: 'input.too-many', params: { maximum } };
      return { code: 'input.too-big', params: { maximum } };
    }
    case 'too_small': {
      const minimum = Number(issue.minimum);
      if (issue.origin === 'string') return { code: 'input.text.blank' };
      if (issue.origin === 'array' || issue.origin === 'set') return { code: 'input.too-few', params: { minimum } };
      return { code: 'input.too-small', params: { minimum } };
    }
    case 'invalid_value':
      return { code: 'input.one-of', params: { values: issue.values.map(String) } };
    default:
      return { code: 'input.invalid' };
  }
}

const LOCATIONS: Partial<Record<ArgumentMetadata['type'], InputLocation>> = { body: 'body', query: 'query', param: 'path' };

/** Validates a body, query or parameter against a strict zod schema (unknown fields are refused). */
export class Valid<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}
  transform(value: unknown, metadata: ArgumentMetadata): z.infer<S> {
    const location = LOCATIONS[metadata.type] ?? 'body';
    // A path parameter is named by the route (`:id`), not by a path inside the value.
    if (location === 'path' && metadata.data) {
      const result = this.schema.safeParse(value);
      if (!result.success) throw new BadInput(result.error.issues.flatMap((issue) => problemsOf(issue, 'path', metadata.data)));
      return result.data;
    }
    return parse(this.schema, value, location);
  }
}

/**
 * Unknown query keys are refused on every endpoint: an endpoint that declares no query schema
 * (`@Query(new Valid(…))`, strict) takes no query parameter at all. A guard, after the AuthGuard (so 401 and
 * 403 come first), rather than an interceptor: any interceptor puts every request through rxjs.
 */
@Injectable()
export class NoUndeclaredQuery implements CanActivate {
  private readonly declaresQuery = perRoute(declaresQuery);

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const query = context.switchToHttp().getRequest<{ query?: Record<string, unknown> }>().query ?? {};
    const keys = Object.keys(query);
    if (keys.length > 0 && !this.declaresQuery(context)) {
      throw new BadInput(keys.map((key) => ({ field: key, in: 'query', code: 'input.unknown-query' })));
    }
    return true;
  }
}

function declaresQuery(context: ExecutionContext): boolean {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ?? {}) as Record<string, unknown>;
  return Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.QUERY));
}

/** Documents the body in the OpenAPI from the same schema that validates it. */
export function BodySchema(schema: z.ZodType, description?: string) {
  return applyDecorators(ApiBody({ schema: openApiSchema(schema, 'input') as never, description }));
}

/**
 * The one rule for text staff type (names, reasons, notes, office and counselor names, …): a value
 * that could break what reads it later (e-mail headers, logs, a screen) is refused, not repaired.
 */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u; // with the u flag only an unpaired half matches
// eslint-disable-next-line no-control-regex -- finding control characters is this rule's purpose
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/; // NUL, CR, LF, TAB, DEL, C1, line/paragraph separators
const BIDI_OVERRIDE = /[\u202A-\u202E\u2066-\u2069]/;
const INVISIBLE = /[\s\u200B-\u200D\u2060\uFEFF]/gu; // whitespace and zero-width characters

export type TextProblem = 'lone-surrogate' | 'control' | 'bidi' | 'blank';

/** What is wrong with a piece of free text, or the text normalised to NFC and trimmed. */
export function cleanText(value: string): { text: string } | { problem: TextProblem } {
  if (LONE_SURROGATE.test(value)) return { problem: 'lone-surrogate' };
  if (CONTROL.test(value)) return { problem: 'control' };
  if (BIDI_OVERRIDE.test(value)) return { problem: 'bidi' };
  if (value.replace(INVISIBLE, '') === '') return { problem: 'blank' };
  return { text: value.normalize('NFC').trim() };
}

function text(max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    .transform((value, context) => {
      const cleaned = cleanText(value);
      if ('text' in cleaned) return cleaned.text;
      context.issues.push({ code: 'custom', message: `input.text.${cleaned.problem}` satisfies InputCode, input: value });
      return z.NEVER;
    });
}

/** Hyphens a Japanese IME or a copy from a document may give in a 求職番号. */
const HYPHEN_LIKE = /[\u2010-\u2015\u2212\u30FC\uFF0D\uFF70]/g;

/** Reusable pieces of the request schemas. */
export const fields = {
  id: z.uuid(says('input.id')),
  instant: z.iso.datetime({ offset: true, ...says('input.instant') }).transform((v) => new Date(v)),
  date: z.iso.date(says('input.date')),
  hhmm: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, says('input.hhmm')),
  text,
  /** 求職番号: digits (also full-width) and hyphens (also full-width or as an IME writes them). */
  jobSeekerNo: z
    .string()
    .regex(/^[0-9０-９][0-9０-９\-\u2010-\u2015\u2212\u30FC\uFF0D\uFF70]{5,19}$/, says('input.job-seeker-no'))
    .transform((v) => v.replace(HYPHEN_LIKE, '-')),
  email: z.email(says('input.email')).max(254),
  url: z.url({ protocol: /^https?$/, ...says('input.url') }).max(2000),
  phone: z.string().regex(/^[0-9０-９+\-() ]{6,20}$/, says('input.phone')),
};

/** `?limit=` with nothing after it means the same as no `limit` at all. */
function unsetIfEmpty<S extends z.ZodType>(schema: S) {
  return z.preprocess((v) => (v === '' ? undefined : v), schema);
}

export const pagination = z
  .object({
    offset: unsetIfEmpty(z.coerce.number().int().min(0).default(0)),
    limit: unsetIfEmpty(z.coerce.number().int().min(1).max(200).default(50)),
  })
  .strict();
