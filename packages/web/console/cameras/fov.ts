/**
 * Fields of view as map polygons: a sector from the camera's point, turned
 * to `bearing` (degrees clockwise from north), `angle` wide, `range` metres
 * long. Flat-earth offsets: the error is negligible at a few hundred metres.
 */
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import type { Camera, CameraHealthStatus } from '@cityops/contracts';

export interface Fov {
  bearing: number;
  angle: number;
  range: number;
}

const METRES_PER_DEGREE = 111_320;

export function fovOf(properties: unknown): Fov | null {
  const f = (properties as { fov?: Partial<Fov> } | null)?.fov;
  if (!f) return null;
  const { bearing, angle, range } = f;
  if (![bearing, angle, range].every((n) => typeof n === 'number' && Number.isFinite(n)))
    return null;
  if (angle! <= 0 || range! <= 0) return null;
  return { bearing: bearing!, angle: Math.min(angle!, 360), range: range! };
}

/** The sector's ring: the apex, then the arc in steps of at most 5°, closed. */
export function sector(lon: number, lat: number, fov: Fov): Polygon {
  const steps = Math.max(2, Math.ceil(fov.angle / 5));
  const start = fov.bearing - fov.angle / 2;
  const dLat = fov.range / METRES_PER_DEGREE;
  const dLon = fov.range / (METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180));
  const ring: Array<[number, number]> = [[lon, lat]];
  for (let i = 0; i <= steps; i++) {
    const b = ((start + (fov.angle * i) / steps) * Math.PI) / 180;
    ring.push([lon + dLon * Math.sin(b), lat + dLat * Math.cos(b)]);
  }
  ring.push([lon, lat]);
  return { type: 'Polygon', coordinates: [ring] };
}

export interface ConeProperties {
  id: string;
  health: CameraHealthStatus;
}

/** The cones of the cameras that have a point and a field of view. */
export function cones(cameras: readonly Camera[]): FeatureCollection<Polygon, ConeProperties> {
  const features: Array<Feature<Polygon, ConeProperties>> = [];
  for (const c of cameras) {
    const fov = fovOf(c.properties);
    const g = c.geometry as { type?: string; coordinates?: unknown } | null;
    if (!fov || g?.type !== 'Point' || !Array.isArray(g.coordinates)) continue;
    const [lon, lat] = g.coordinates as [number, number];
    features.push({
      type: 'Feature',
      id: c.id,
      geometry: sector(lon, lat, fov),
      properties: { id: c.id, health: c.health.status },
    });
  }
  return { type: 'FeatureCollection', features };
}
