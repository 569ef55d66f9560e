/**
 * GeoJSON geometries (RFC 7946) in WGS84, with coordinates checked for range.
 * `LngLat` is a branded pair so a [lat, lon] cannot pass for a [lon, lat].
 */
import { z } from 'zod';

export type LngLat = [number, number] & { readonly __brand: 'LngLat' };

const lon = z
  .number()
  .min(-180, 'longitude must be between -180 and 180')
  .max(180, 'longitude must be between -180 and 180');
const lat = z
  .number()
  .min(-90, 'latitude must be between -90 and 90')
  .max(90, 'latitude must be between -90 and 90');
export const position = z
  .union([z.tuple([lon, lat]), z.tuple([lon, lat, z.number()])])
  .transform((p) => p as unknown as LngLat);

const ring = z
  .array(position)
  .min(4, 'a linear ring needs at least 4 positions')
  .refine(
    (r) => {
      const a = r[0]!;
      const b = r[r.length - 1]!;
      return a[0] === b[0] && a[1] === b[1];
    },
    { message: 'a linear ring must end where it starts' },
  );

export const pointSchema = z.object({ type: z.literal('Point'), coordinates: position });
export const multiPointSchema = z.object({
  type: z.literal('MultiPoint'),
  coordinates: z.array(position).min(1),
});
export const lineStringSchema = z.object({
  type: z.literal('LineString'),
  coordinates: z.array(position).min(2, 'a line needs at least 2 positions'),
});
export const multiLineStringSchema = z.object({
  type: z.literal('MultiLineString'),
  coordinates: z.array(z.array(position).min(2)).min(1),
});
export const polygonSchema = z.object({
  type: z.literal('Polygon'),
  coordinates: z.array(ring).min(1),
});
export const multiPolygonSchema = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(z.array(ring).min(1)).min(1),
});

export const geometrySchema = z.discriminatedUnion('type', [
  pointSchema,
  multiPointSchema,
  lineStringSchema,
  multiLineStringSchema,
  polygonSchema,
  multiPolygonSchema,
]);
export type Geometry = z.infer<typeof geometrySchema>;
export type GeometryType = Geometry['type'];
export const areaSchema = z.discriminatedUnion('type', [polygonSchema, multiPolygonSchema]);
export type Area = z.infer<typeof areaSchema>;

/** A bounding box "minLon,minLat,maxLon,maxLat". */
export const bboxParam = z.string().transform((s, ctx) => {
  const parts = s.split(',').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) {
    ctx.addIssue({ code: 'custom', message: 'must be minLon,minLat,maxLon,maxLat' });
    return z.NEVER;
  }
  const [minLon, minLat, maxLon, maxLat] = parts as [number, number, number, number];
  if (minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90) {
    ctx.addIssue({ code: 'custom', message: 'coordinates out of range' });
    return z.NEVER;
  }
  if (minLon > maxLon || minLat > maxLat) {
    ctx.addIssue({ code: 'custom', message: 'min must not exceed max' });
    return z.NEVER;
  }
  return { minLon, minLat, maxLon, maxLat };
});
export type BBox = { minLon: number; minLat: number; maxLon: number; maxLat: number };

/** "lon,lat,metres" */
export const nearParam = z.string().transform((s, ctx) => {
  const parts = s.split(',').map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n))) {
    ctx.addIssue({ code: 'custom', message: 'must be lon,lat,metres' });
    return z.NEVER;
  }
  const [lon, lat, metres] = parts as [number, number, number];
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
    ctx.addIssue({ code: 'custom', message: 'coordinates out of range' });
    return z.NEVER;
  }
  if (metres <= 0 || metres > 100_000) {
    ctx.addIssue({ code: 'custom', message: 'metres must be between 0 and 100000' });
    return z.NEVER;
  }
  return { lon, lat, metres };
});
