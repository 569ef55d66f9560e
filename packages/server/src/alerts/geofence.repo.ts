/**
 * Where each asset was relative to each geofence: inside or not, at its last
 * position. The first position of an asset is compared with its registered
 * geometry (the asset's own place), so a vehicle registered at a depot
 * outside the area "enters" with its first position inside it. Rows are locked
 * while they move, so concurrent evaluations of one asset see each other.
 */
import type { Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';

export interface Move {
  ruleId: string;
  assetId: string;
  lon: number;
  lat: number;
  seq: number;
  at: Date;
}

/**
 * Records a position; answers whether the asset was inside before and is now,
 * or undefined when the position is older than the one recorded (a late event).
 */
export async function moveAsset(
  tx: Queryable,
  m: Move,
): Promise<{ before: boolean; after: boolean } | undefined> {
  await tx.query(sql`
    INSERT INTO geofence_state (rule_id, asset_id, inside, seq, updated_at)
    SELECT r.id, ${m.assetId}, COALESCE((
        SELECT ST_Intersects(r.area, a.geom) FROM assets a WHERE a.id = ${m.assetId}), false),
      0, ${m.at}
    FROM alert_rules r WHERE r.id = ${m.ruleId}
    ON CONFLICT (rule_id, asset_id) DO NOTHING`);
  const [prev] = await tx.query<{ inside: boolean; seq: number }>(sql`
    SELECT inside, seq FROM geofence_state
    WHERE rule_id = ${m.ruleId} AND asset_id = ${m.assetId}
    FOR UPDATE`);
  if (!prev || prev.seq >= m.seq) return undefined;
  const [now] = await tx.query<{ inside: boolean }>(sql`
    UPDATE geofence_state g SET
      inside = ST_Intersects(r.area, ST_SetSRID(ST_MakePoint(${m.lon}, ${m.lat}), 4326)),
      seq = ${m.seq}, lon = ${m.lon}, lat = ${m.lat}, updated_at = ${m.at}
    FROM alert_rules r
    WHERE r.id = g.rule_id AND g.rule_id = ${m.ruleId} AND g.asset_id = ${m.assetId}
    RETURNING g.inside`);
  if (!now) return undefined;
  return { before: prev.inside, after: now.inside };
}

/** Forgets the positions of a rule (its area or assets changed). */
export async function clearGeofence(tx: Queryable, ruleId: string): Promise<void> {
  await tx.query(sql`DELETE FROM geofence_state WHERE rule_id = ${ruleId}`);
}
