import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { map, Observable } from 'rxjs';

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
/** An instant as the service stores it: ISO 8601 in UTC (`Date.prototype.toISOString`). */
const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

/** The same instant written in JST with its offset: 2026-12-01T01:00:00.000Z → 2026-12-01T10:00:00.000+09:00. */
export function inJst(instant: Date): string {
  return `${new Date(instant.getTime() + JST_OFFSET_MS).toISOString().slice(0, 23)}+09:00`;
}

/** Every UTC instant in a value (answers, error details) written in JST. */
export function toJstTimes(value: unknown): unknown {
  if (value instanceof Date) return inJst(value);
  if (typeof value === 'string') return UTC_INSTANT.test(value) ? inJst(new Date(value)) : value;
  if (Array.isArray(value)) return value.map(toJstTimes);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, toJstTimes(field)]));
  }
  return value;
}

/**
 * Staff read the answers' times in JST: every instant in an answer is written with the +09:00 offset
 * (still one unambiguous instant, which any client parses as such). Events and logs keep UTC.
 */
@Injectable()
export class JstTimesInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map(toJstTimes));
  }
}
