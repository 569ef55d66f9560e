/**
 * The WHERE clause of every asset query (list, export, GeoJSON layer, tiles):
 * the caller's scope first, then the filters given. Only the conditions in use
 * reach the SQL, so the planner sees plain predicates it can index.
 */
import type { AssetStatus, AssetType, BBox } from '@cityops/contracts';
import { join, raw, sql, type Sql } from '../core/db/sql.js';
import { scopeClause, type Scope } from '../core/auth/principal.js';
import { containsPattern } from '../core/text.js';

/** Filters with the admin unit already expanded to its descendants. */
export interface ResolvedFilter {
  types?: AssetType[] | undefined;
  bbox?: BBox | undefined;
  /** Bounding boxes overlap (cheaper than bbox's exact intersection; for tiles, which clip). */
  overlaps?: BBox | undefined;
  near?: { lon: number; lat: number; metres: number } | undefined;
  /** Admin-unit codes (a unit and everything under it). */
  units?: string[] | undefined;
  q?: string | undefined;
  statuses?: AssetStatus[] | undefined;
  /** Every one of these tags. */
  tags?: string[] | undefined;
  agency?: string | undefined;
}

export const envelope = (b: BBox): Sql =>
  sql`ST_MakeEnvelope(${b.minLon}, ${b.minLat}, ${b.maxLon}, ${b.maxLat}, 4326)`;

export const nearPoint = (n: { lon: number; lat: number }): Sql =>
  sql`ST_SetSRID(ST_MakePoint(${n.lon}, ${n.lat}), 4326)`;

/**
 * A box in degrees surely holding every point within `metres` of the centre: a
 * degree of latitude is at least 110,574 m, a degree of longitude that times the
 * cosine of the latitude. The geometry index answers this box; ST_DWithin on
 * geography then keeps the exact circle.
 */
export function boxAround(n: { lon: number; lat: number; metres: number }): BBox {
  const dLat = n.metres / 110_000;
  const maxAbsLat = Math.min(89.9, Math.abs(n.lat) + dLat);
  const dLon = Math.min(180, n.metres / (110_000 * Math.cos((maxAbsLat * Math.PI) / 180)));
  return {
    minLon: Math.max(-180, n.lon - dLon),
    minLat: Math.max(-90, n.lat - dLat),
    maxLon: Math.min(180, n.lon + dLon),
    maxLat: Math.min(90, n.lat + dLat),
  };
}

/**
 * Margin, in degrees, by which a box shrinks for the quick test of intersectsBox: more
 * than one unit in the last place of a 4-byte float at ±180° (2^-16 ≈ 1.5e-5), the
 * most by which PostGIS rounds a bounding box outwards.
 */
const INSIDE_MARGIN = 1e-4;

/**
 * Geometries that intersect the box (ST_Intersects, boundary included), with the
 * exact test run only near its edges. `@` compares bounding boxes rounded outwards
 * to 4-byte floats; against the box shrunk by more than that rounding, a geometry it
 * passes lies inside the box for sure. In a viewport of 10,000 assets, that spares
 * ST_Intersects for all but the few within ~10 m of an edge. A box too thin to
 * shrink gets the exact test alone.
 */
export function intersectsBox(b: BBox): Sql {
  const exact = sql`ST_Intersects(a.geom, ${envelope(b)})`;
  const m = INSIDE_MARGIN;
  if (b.maxLon - b.minLon <= 4 * m || b.maxLat - b.minLat <= 4 * m) return exact;
  const inner = {
    minLon: b.minLon + m,
    minLat: b.minLat + m,
    maxLon: b.maxLon - m,
    maxLat: b.maxLat - m,
  };
  // geometry_within is what `@` calls; as a function the planner leaves it to the filter
  // instead of scanning the index a second time for it (and misjudging the row count).
  return sql`(a.geom && ${envelope(b)} AND (geometry_within(a.geom, ${envelope(inner)}) OR ${exact}))`;
}

/** The conditions, on the table aliased `a`. */
export function filterConditions(f: ResolvedFilter, scope: Scope): Sql[] {
  const c: Sql[] = [scopeClause(scope, 'a.admin_unit_code', 'a.agency_code')];
  if (f.types?.length) c.push(sql`a.type = ANY(${f.types}::text[])`);
  if (f.bbox) c.push(intersectsBox(f.bbox));
  if (f.overlaps) c.push(sql`a.geom && ${envelope(f.overlaps)}`);
  if (f.near) {
    c.push(sql`a.geom && ${envelope(boxAround(f.near))}`);
    c.push(sql`ST_DWithin(a.geom::geography, ${nearPoint(f.near)}::geography, ${f.near.metres})`);
  }
  if (f.units) c.push(sql`a.admin_unit_code = ANY(${f.units}::text[])`);
  if (f.q) c.push(sql`a.search_text LIKE ${containsPattern(f.q)}`);
  if (f.statuses?.length) c.push(sql`a.status = ANY(${f.statuses}::text[])`);
  // (Implied by a non-empty `@>`, stated for the planner: the tags index holds only tagged assets.)
  if (f.tags?.length) c.push(sql`a.tags @> ${f.tags}::text[] AND a.tags <> '{}'`);
  if (f.agency) c.push(sql`a.agency_code = ${f.agency}`);
  return c;
}

export function whereOf(conditions: Sql[]): Sql {
  return join(conditions, ' AND ');
}

/** Distance in metres from the `near` point, for ordering. */
export function distanceOf(n: { lon: number; lat: number }): Sql {
  return sql`ST_Distance(a.geom::geography, ${nearPoint(n)}::geography)`;
}

/** A trusted SQL fragment (a constant of this module, never input). */
export const trusted = (text: string): Sql => raw(text);
