/**
 * Opaque cursors for keyset pagination: the sort key of the last row,
 * base64url JSON. A bad cursor is a 400 naming `cursor`.
 */
import { ValidationError } from '../errors.js';

export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): unknown[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity) return key as unknown[];
  } catch {
    // fall through
  }
  throw ValidationError.field('cursor', 'not a cursor this list gave out');
}

/** Cuts one extra row off a page fetched with limit + 1 and gives the next cursor. */
export function pageFrom<T>(rows: T[], limit: number, keyOf: (row: T) => unknown[]) {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items, nextCursor: more && last ? encodeCursor(keyOf(last)) : null };
}
