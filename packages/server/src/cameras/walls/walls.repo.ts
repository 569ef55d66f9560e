/** SQL of the camera walls: one user's saved layouts, and the cameras a wall may show. */
import { sql } from '../../core/db/sql.js';
import type { Queryable } from '../../core/db/db.js';

export interface WallRow {
  id: string;
  user_id: string;
  name: string;
  layout: number;
  tiles: Array<string | null>;
  tour_group: string | null;
  tour_seconds: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface WallValues {
  name: string;
  layout: number;
  tiles: Array<string | null>;
  tourGroup: string | null;
  tourSeconds: number | null;
}

const columns = sql`id, user_id, name, layout, tiles, tour_group, tour_seconds, created_at, updated_at`;

export function listWalls(db: Queryable, userId: string): Promise<WallRow[]> {
  return db.query<WallRow>(
    sql`SELECT ${columns} FROM camera_walls WHERE user_id = ${userId} ORDER BY lower(name), id`,
  );
}

export async function findWall(
  db: Queryable,
  userId: string,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<WallRow | undefined> {
  const rows = await db.query<WallRow>(
    opts.forUpdate
      ? sql`SELECT ${columns} FROM camera_walls WHERE id = ${id} AND user_id = ${userId} FOR UPDATE`
      : sql`SELECT ${columns} FROM camera_walls WHERE id = ${id} AND user_id = ${userId}`,
  );
  return rows[0];
}

export async function countWalls(db: Queryable, userId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM camera_walls WHERE user_id = ${userId}`,
  );
  return row?.n ?? 0;
}

export async function insertWall(
  db: Queryable,
  id: string,
  userId: string,
  v: WallValues,
  now: Date,
): Promise<WallRow> {
  const [row] = await db.query<WallRow>(sql`
    INSERT INTO camera_walls (id, user_id, name, layout, tiles, tour_group, tour_seconds, created_at, updated_at)
    VALUES (${id}, ${userId}, ${v.name}, ${v.layout}, ${v.tiles}::uuid[], ${v.tourGroup},
            ${v.tourSeconds}, ${now}, ${now})
    RETURNING ${columns}`);
  return row!;
}

export async function updateWall(
  db: Queryable,
  id: string,
  userId: string,
  v: WallValues,
  now: Date,
): Promise<WallRow | undefined> {
  const [row] = await db.query<WallRow>(sql`
    UPDATE camera_walls
       SET name = ${v.name}, layout = ${v.layout}, tiles = ${v.tiles}::uuid[],
           tour_group = ${v.tourGroup}, tour_seconds = ${v.tourSeconds}, updated_at = ${now}
     WHERE id = ${id} AND user_id = ${userId}
    RETURNING ${columns}`);
  return row;
}

export async function deleteWall(
  db: Queryable,
  id: string,
  userId: string,
): Promise<WallRow | undefined> {
  const [row] = await db.query<WallRow>(
    sql`DELETE FROM camera_walls WHERE id = ${id} AND user_id = ${userId} RETURNING ${columns}`,
  );
  return row;
}
