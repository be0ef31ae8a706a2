const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
/** An instant as the service stores it: ISO 8601 in UTC (`Date.prototype.toISOString`). */
const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const T = 84;
const Z = 90;

/** The same instant written in JST with its offset: 2026-12-01T01:00:00.000Z → 2026-12-01T10:00:00.000+09:00. */
export function inJst(instant: Date): string {
  return `${new Date(instant.getTime() + JST_OFFSET_MS).toISOString().slice(0, 23)}+09:00`;
}

/** Whether a string is a UTC instant; the length and two characters rule out nearly every other string before the regex runs. */
function isUtcInstant(text: string): boolean {
  const length = text.length;
  return (length === 24 || length === 20) && text.charCodeAt(10) === T && text.charCodeAt(length - 1) === Z && UTC_INSTANT.test(text);
}

/**
 * Every UTC instant in a value (answers, error details) written in JST. The value is not changed: an array or
 * object holding an instant is copied (a plain object), one holding none is returned as it is, so an answer
 * without instants costs one walk and no allocation.
 */
export function toJstTimes(value: unknown): unknown {
  if (typeof value === 'string') return isUtcInstant(value) ? inJst(new Date(value)) : value;
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return inJst(value);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const field: unknown = value[i];
      const converted = toJstTimes(field);
      if (converted !== field && copy === undefined) copy = value.slice(0, i);
      copy?.push(converted);
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let copy: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const field = record[keys[i]];
    const converted = toJstTimes(field);
    if (converted !== field && copy === undefined) {
      copy = {};
      for (let j = 0; j < i; j++) copy[keys[j]] = record[keys[j]];
    }
    if (copy !== undefined) copy[keys[i]] = converted;
  }
  return copy ?? value;
}
