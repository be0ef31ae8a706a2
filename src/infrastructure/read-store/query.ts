import type { Condition, FindOptions, Scalar, SortKey } from '../../application/ports/read-store';

/** Rules every read-store adapter shares: field names, page sizes, cursors. */

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export function checkField(field: string): string {
  if (!FIELD.test(field)) throw new Error(`Invalid read-store field name: ${JSON.stringify(field)}`);
  return field;
}

export function checkCollectionName(name: string): string {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Invalid read-store collection name: ${JSON.stringify(name)} (lower case, digits, _)`);
  return name;
}

export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`Invalid page size ${limit}`);
  return Math.min(limit, MAX_LIMIT);
}

export function pageOffset(offset: number | undefined): number {
  if (offset === undefined) return 0;
  if (!Number.isInteger(offset) || offset < 0) throw new Error(`Invalid page offset ${offset}`);
  return offset;
}

/** The sort keys with `id` ascending appended as the last tie-breaker. */
export function sortKeys(orderBy: SortKey[] | undefined): Array<Required<SortKey>> {
  const keys = (orderBy ?? []).filter((k) => k.field !== 'id').map((k) => ({ field: checkField(k.field), direction: k.direction ?? 'asc' }));
  return [...keys, { field: 'id', direction: 'asc' }];
}

export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, keys: number): Scalar[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor();
  }
  if (!Array.isArray(values) || values.length !== keys) throw new InvalidCursor();
  return values as Scalar[];
}

/** The value of a (dotted) field of a document. */
export function fieldValue(document: Record<string, unknown>, field: string): unknown {
  let value: unknown = document;
  for (const part of field.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

export function cursorAfter(document: Record<string, unknown>, options: FindOptions): string {
  return encodeCursor(sortKeys(options.orderBy).map((k) => fieldValue(document, k.field) ?? null));
}

export function isOperator(condition: Condition): condition is Exclude<Condition, Scalar> {
  return condition !== null && typeof condition === 'object';
}

/** The `after` cursor is not one this query gave out. */
export class InvalidCursor extends Error {
  constructor() {
    super('Invalid page cursor');
    this.name = 'InvalidCursor';
  }
}
