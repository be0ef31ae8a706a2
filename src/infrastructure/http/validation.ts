import { applyDecorators, ArgumentMetadata, CallHandler, ExecutionContext, Injectable, NestInterceptor, PipeTransform } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Observable } from 'rxjs';
import { ApiBody } from '@nestjs/swagger';
import { z } from 'zod';

/** Where a problem is: the body, the query string, the path or a header. */
export type InputLocation = 'body' | 'query' | 'path' | 'header';

export interface InputProblem {
  /** The field, query parameter, path parameter or header; '' for the body as a whole. */
  field: string;
  in: InputLocation;
  problem: string;
}

/** Malformed input (HTTP 400): the request cannot even be read as a command. */
export class BadInput extends Error {
  constructor(readonly problems: InputProblem[]) {
    super(`The request is not valid: ${problems.map((p) => `${p.field || p.in}: ${p.problem}`).join('; ')}`);
    this.name = 'BadInput';
  }
}

export function parse<S extends z.ZodType>(schema: S, value: unknown, location: InputLocation = 'body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new BadInput(result.error.issues.flatMap((issue) => problemsOf(issue, location)));
  return result.data;
}

function problemsOf(issue: z.core.$ZodIssue, location: InputLocation): InputProblem[] {
  const field = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const what = location === 'query' ? 'query parameter' : 'field';
    return issue.keys.map((key) => ({ field: field ? `${field}.${key}` : key, in: location, problem: `unknown ${what}` }));
  }
  return [{ field, in: location, problem: issue.message }];
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
      if (!result.success) throw new BadInput(result.error.issues.map((issue) => ({ field: metadata.data!, in: 'path', problem: issue.message })));
      return result.data;
    }
    return parse(this.schema, value, location);
  }
}

/**
 * Unknown query keys are refused on every endpoint: an endpoint that declares no query schema
 * (`@Query(new Valid(…))`, strict) takes no query parameter at all.
 */
@Injectable()
export class NoUndeclaredQuery implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const query = context.switchToHttp().getRequest<{ query?: Record<string, unknown> }>().query ?? {};
      const keys = Object.keys(query);
      if (keys.length > 0 && !declaresQuery(context)) {
        throw new BadInput(keys.map((key) => ({ field: key, in: 'query', problem: 'unknown query parameter' })));
      }
    }
    return next.handle();
  }
}

function declaresQuery(context: ExecutionContext): boolean {
  const args: Record<string, unknown> = Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ?? {};
  return Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.QUERY));
}

/** Documents the body in the OpenAPI from the same schema that validates it. */
export function BodySchema(schema: z.ZodType, description?: string) {
  const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return applyDecorators(ApiBody({ schema: jsonSchema as never, description }));
}

/**
 * The one rule for text staff type (names, reasons, notes, office and counselor names, …): a value
 * that could break what reads it later (e-mail headers, logs, a screen) is refused, not repaired.
 */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u; // with the u flag only an unpaired half matches
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

const textProblems: Record<TextProblem, string> = {
  'lone-surrogate': 'contains a broken character (a lone surrogate)',
  control: 'must not contain control characters such as line breaks, tabs or NUL',
  bidi: 'must not contain bidirectional override characters (U+202A–U+202E, U+2066–U+2069)',
  blank: 'must not be empty',
};

function text(max: number) {
  return z
    .string()
    .max(max, `must be at most ${max} characters`)
    .transform((value, context) => {
      const cleaned = cleanText(value);
      if ('text' in cleaned) return cleaned.text;
      context.issues.push({ code: 'custom', message: textProblems[cleaned.problem], input: value });
      return z.NEVER;
    });
}

/** Hyphens a Japanese IME or a copy from a document may give in a 求職番号. */
const HYPHEN_LIKE = /[\u2010-\u2015\u2212\u30FC\uFF0D\uFF70]/g;

/** Reusable pieces of the request schemas. */
export const fields = {
  id: z.uuid({ message: 'must be an id as returned when the thing was created (a UUID)' }),
  instant: z.iso.datetime({ offset: true, message: 'must be a date and time with its zone, e.g. 2026-12-01T10:00:00+09:00' }).transform((v) => new Date(v)),
  date: z.iso.date({ message: 'must be a date written YYYY-MM-DD' }),
  hhmm: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time written HH:MM, e.g. 10:00'),
  text,
  /** 求職番号: digits (also full-width) and hyphens (also full-width or as an IME writes them). */
  jobSeekerNo: z
    .string()
    .transform((v) => v.replace(HYPHEN_LIKE, '-'))
    .pipe(z.string().regex(/^[0-9０-９][0-9０-９-]{5,19}$/, 'must be the job-seeker number (求職番号), digits and hyphens')),
  email: z.email({ message: 'must be an e-mail address' }).max(254),
  url: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2000),
  phone: z.string().regex(/^[0-9０-９+\-() ]{6,20}$/, 'must be a telephone number, e.g. 086-222-2905'),
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
