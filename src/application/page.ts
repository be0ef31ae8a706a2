/** One page of a list staff or auditors look through (offset, limit ≤ 200 at the HTTP edge). */
export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}

export function page<T>(all: T[], offset: number, limit: number): Page<T> {
  return { items: all.slice(offset, offset + limit), total: all.length, offset, limit };
}
