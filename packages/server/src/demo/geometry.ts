/**
 * Plane geometry for placing demo assets: point-in-area tests, distances in
 * metres, interior points and random points inside an area. Pure functions on
 * GeoJSON coordinates (lon, lat); distances use a local flat projection, which
 * is precise enough at the scale of one province.
 */
import type { LngLat } from '@cityops/contracts';
import type { Rng } from './random.js';

type Ring = ReadonlyArray<readonly [number, number]>;

/** An area (a unit's boundary or several of them) ready for fast tests. */
export interface Region {
  polygons: Ring[][];
  bbox: [number, number, number, number];
}

const M_PER_DEG_LAT = 110_574;
const mPerDegLon = (lat: number) => 111_320 * Math.cos((lat * Math.PI) / 180);

/** A position rounded to 6 decimals (~0.1 m), branded as lon/lat. */
export function lngLat(lon: number, lat: number): LngLat {
  return [Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6] as unknown as LngLat;
}

function isPosition(v: unknown): v is [number, number] {
  return Array.isArray(v) && v.length >= 2 && typeof v[0] === 'number' && typeof v[1] === 'number';
}

function ringsOf(v: unknown): Ring[] | null {
  if (!Array.isArray(v)) return null;
  const rings: Ring[] = [];
  for (const ring of v as unknown[]) {
    if (!Array.isArray(ring) || !ring.every(isPosition)) return null;
    rings.push(ring.map((p) => [p[0], p[1]] as const));
  }
  return rings.length ? rings : null;
}

/** The region of a GeoJSON Polygon or MultiPolygon; null for anything else. */
export function regionOf(geometry: unknown): Region | null {
  if (typeof geometry !== 'object' || geometry === null) return null;
  const g = geometry as { type?: unknown; coordinates?: unknown };
  let polygons: Ring[][] = [];
  if (g.type === 'Polygon') {
    const rings = ringsOf(g.coordinates);
    if (rings) polygons = [rings];
  } else if (g.type === 'MultiPolygon' && Array.isArray(g.coordinates)) {
    for (const p of g.coordinates as unknown[]) {
      const rings = ringsOf(p);
      if (rings) polygons.push(rings);
    }
  }
  if (!polygons.length) return null;
  const bbox: Region['bbox'] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of polygons.flatMap((p) => p[0] ?? [])) {
    bbox[0] = Math.min(bbox[0], x);
    bbox[1] = Math.min(bbox[1], y);
    bbox[2] = Math.max(bbox[2], x);
    bbox[3] = Math.max(bbox[3], y);
  }
  return { polygons, bbox };
}

function inRings(rings: Ring[], x: number, y: number): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** Whether the region contains the point (even-odd rule, holes respected). */
export function contains(region: Region, p: LngLat): boolean {
  const [x, y] = p;
  const [minX, minY, maxX, maxY] = region.bbox;
  if (x < minX || x > maxX || y < minY || y > maxY) return false;
  return region.polygons.some((rings) => inRings(rings, x, y));
}

/** Distance in metres from the point to the nearest edge of the region. */
export function edgeDistance(region: Region, p: LngLat): number {
  const kx = mPerDegLon(p[1]);
  let best = Infinity;
  for (const ring of region.polygons.flat()) {
    for (let i = 1; i < ring.length; i++) {
      const ax = (ring[i - 1]![0] - p[0]) * kx;
      const ay = (ring[i - 1]![1] - p[1]) * M_PER_DEG_LAT;
      const bx = (ring[i]![0] - p[0]) * kx;
      const by = (ring[i]![1] - p[1]) * M_PER_DEG_LAT;
      const dx = bx - ax;
      const dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
      best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
    }
  }
  return best;
}

/**
 * Inside, and at least `margin` metres from the edges: such a point falls in
 * the same unit whatever rounding the database applies to the boundary.
 */
export function wellInside(region: Region, p: LngLat, margin = 25): boolean {
  return contains(region, p) && edgeDistance(region, p) >= margin;
}

/** The point `east` and `north` metres away. */
export function offset(p: LngLat, east: number, north: number): LngLat {
  return lngLat(p[0] + east / mPerDegLon(p[1]), p[1] + north / M_PER_DEG_LAT);
}

/** Distance in metres between two points. */
export function distance(a: LngLat, b: LngLat): number {
  return Math.hypot((a[0] - b[0]) * mPerDegLon(a[1]), (a[1] - b[1]) * M_PER_DEG_LAT);
}

/** A point deep inside the region: the grid point farthest from its edges. */
export function interiorPoint(region: Region): LngLat {
  const [minX, minY, maxX, maxY] = region.bbox;
  let best: LngLat | null = null;
  let bestDistance = -1;
  const n = 24;
  for (let i = 1; i < n; i++) {
    for (let j = 1; j < n; j++) {
      const p = lngLat(minX + ((maxX - minX) * i) / n, minY + ((maxY - minY) * j) / n);
      if (!contains(region, p)) continue;
      const d = edgeDistance(region, p);
      if (d > bestDistance) [best, bestDistance] = [p, d];
    }
  }
  if (!best) throw new Error('the region is too small for a grid point');
  return best;
}

/**
 * A random point that `accept` takes: normally distributed around `centre`
 * with `sigma` metres, the spread doubling every 50 misses. Deterministic for
 * a given generator state.
 */
export function sampleNear(
  rng: Rng,
  centre: LngLat,
  sigma: number,
  accept: (p: LngLat) => boolean,
): LngLat {
  let spread = sigma;
  for (let tries = 1; tries <= 1000; tries++) {
    const p = offset(centre, rng.gaussian() * spread, rng.gaussian() * spread);
    if (accept(p)) return p;
    if (tries % 50 === 0) spread *= 2;
  }
  throw new Error(`no acceptable point near ${centre.join(',')}`);
}

/** A uniformly random point well inside the region. */
export function sampleIn(rng: Rng, region: Region, margin = 25): LngLat {
  const [minX, minY, maxX, maxY] = region.bbox;
  for (let tries = 0; tries < 5000; tries++) {
    const p = lngLat(minX + rng.next() * (maxX - minX), minY + rng.next() * (maxY - minY));
    if (wellInside(region, p, margin)) return p;
  }
  throw new Error('no point found inside the region');
}
