/** Bounding boxes and centres of GeoJSON geometries, to fly the map to a result. */
import type { Geometry, Position } from 'geojson';

export type BBox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

function isPosition(v: unknown): v is Position {
  return Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'number';
}

function walk(coords: unknown, visit: (p: Position) => void): void {
  if (isPosition(coords)) visit(coords);
  else if (Array.isArray(coords)) for (const c of coords) walk(c, visit);
}

/** The box around a geometry, or null when it has no coordinates. */
export function bboxOf(geometry: unknown): BBox | null {
  if (!geometry || typeof geometry !== 'object') return null;
  const g = geometry as Geometry;
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (p: Position) => {
    box[0] = Math.min(box[0], p[0]!);
    box[1] = Math.min(box[1], p[1]!);
    box[2] = Math.max(box[2], p[0]!);
    box[3] = Math.max(box[3], p[1]!);
  };
  if (g.type === 'GeometryCollection')
    for (const part of g.geometries) walk(bboxCoords(part), visit);
  else walk(g.coordinates, visit);
  return Number.isFinite(box[0]) ? box : null;
}

function bboxCoords(g: Geometry): unknown {
  return g.type === 'GeometryCollection' ? g.geometries.map(bboxCoords) : g.coordinates;
}

export function isGeometry(v: unknown): v is Geometry {
  return !!v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string';
}
