/** Walks the admin-unit tree: a unit and everything under it, across all versions. */
import type { Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';

/** The given codes with all their descendants (any period), for scoping users to part of the province. */
export async function withDescendants(db: Queryable, codes: string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const rows = await db.query<{ code: string }>(sql`
    WITH RECURSIVE tree(code) AS (
      SELECT unnest(${codes}::text[])
      UNION
      SELECT u.code FROM admin_units u JOIN tree t ON u.parent_code = t.code
    )
    SELECT DISTINCT code FROM tree`);
  return rows.map((r) => r.code);
}

/** Which of the codes name no admin unit in any period. */
export async function unknownUnitCodes(db: Queryable, codes: string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const rows = await db.query<{ code: string }>(
    sql`SELECT DISTINCT code FROM admin_units WHERE code = ANY(${codes}::text[])`,
  );
  const known = new Set(rows.map((r) => r.code));
  return codes.filter((c) => !known.has(c));
}
