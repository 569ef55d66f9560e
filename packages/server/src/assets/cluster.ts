/**
 * `cityops assets cluster`: rewrites the assets table in spatial order
 * (PostgreSQL's CLUSTER), so that assets near each other share table pages
 * again, then refreshes the planner's statistics.
 *
 * Imports already store each batch in spatial order (bulk.repo.ts), but assets
 * created one at a time, moved, or whose status changes often end up scattered
 * over the table as it grows: a map viewport then reads about one page per
 * asset it shows. A 2 km viewport over a million assets in random order read
 * ~8,400 pages; clustered, ~340.
 *
 * It runs in one transaction holding an ACCESS EXCLUSIVE lock on the table:
 * every read and write of assets waits until it ends (about 30 s per million
 * assets on a 2-core machine), and it needs free disk space for a second copy
 * of the table and its indexes. Run it in a quiet hour; the data do not
 * change, and a failed run changes nothing. One audit entry records each run.
 */
import type { Db } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';
import type { Actor } from '../core/auth/principal.js';
import type { AuditService } from '../audit/audit.service.js';

export const CLUSTER_ACTION = 'asset.table.clustered';

export interface ClusterReport {
  assets: number;
  /** Table pages before and after (the rewrite also drops the space of deleted rows). */
  pagesBefore: number;
  pagesAfter: number;
  ms: number;
}

async function pages(db: Db): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    sql`SELECT (pg_relation_size('assets') / current_setting('block_size')::int)::int AS n`,
  );
  return row?.n ?? 0;
}

export async function clusterAssets(
  deps: { db: Db; audit: AuditService },
  actor: Actor,
): Promise<ClusterReport> {
  const { db } = deps;
  const started = performance.now();
  const pagesBefore = await pages(db);
  // Hilbert order of each geometry's centroid (PostGIS's sort order for geometries), through
  // a b-tree built for the rewrite alone: CLUSTER on the GiST index would keep each leaf
  // page's entries in the order they came, so a small or young table would stay as it is.
  await db.transaction(async (tx) => {
    await tx.exec(`
      CREATE INDEX assets_spatial_order ON assets (ST_Centroid(geom));
      CLUSTER assets USING assets_spatial_order;
      DROP INDEX assets_spatial_order;`);
  });
  await db.exec('ANALYZE assets');
  const [count] = await db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM assets`);
  const report: ClusterReport = {
    assets: count?.n ?? 0,
    pagesBefore,
    pagesAfter: await pages(db),
    ms: Math.round(performance.now() - started),
  };
  await db.transaction((tx) =>
    deps.audit.record(tx, actor, {
      action: CLUSTER_ACTION,
      entityType: 'assets',
      entityId: null,
      after: report,
    }),
  );
  return report;
}
