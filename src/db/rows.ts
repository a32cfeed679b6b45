/** Helpers shared by the persistence modules: time conversion and list paging. */

export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/**
 * Lists fetch one row more than asked for: its presence says there is a next page,
 * without a COUNT query.
 */
export function toPage<R, T extends { id: string }>(rows: R[], limit: number, map: (row: R) => T): Page<T> {
  const items = rows.slice(0, limit).map(map);
  const last = items[items.length - 1];
  return { data: items, next_cursor: rows.length > limit && last ? last.id : null };
}
