/**
 * What every part of the demo generator shares: the context (random stream,
 * unit map), placing a point so that it lands well inside a unit, the shape of
 * a generated asset, believable statuses and unique names.
 */
import type { AssetCreate, AssetStatus, AssetType, LngLat } from '@cityops/contracts';
import { sampleNear, offset } from './geometry.js';
import type { Rng } from './random.js';
import { inSentence, type DemoUnit, type UnitMap } from './units.js';
import type { Where } from './landmarks.js';
import { roadName } from './areas.js';

export interface DemoContext {
  rng: Rng;
  map: UnitMap;
}

/** Every demo asset carries this tag, so that the demo can be told apart and removed. */
export const DEMO_TAG = 'demo';

/** A generated asset and the unit the generator expects the server to derive for it. */
export interface DemoAsset {
  asset: AssetCreate;
  unit: string;
}

export interface Placed {
  at: LngLat;
  unit: DemoUnit;
}

/**
 * Places a point well inside a unit: the given position when it is, else the
 * nearest acceptable point found around it. `accept` narrows the units allowed.
 */
export function placeAt(
  ctx: DemoContext,
  p: LngLat,
  accept: (u: DemoUnit) => boolean = () => true,
  spread = 60,
): Placed {
  const ok = (q: LngLat) => {
    const u = ctx.map.unitAt(q);
    return u !== undefined && accept(u);
  };
  const at = ok(p) ? p : sampleNear(ctx.rng, p, spread, ok);
  return { at, unit: ctx.map.unitAt(at)! };
}

/** A point within about `spread` metres of a unit's centre, inside that unit. */
export function placeInUnit(ctx: DemoContext, unit: DemoUnit, spread = 150): Placed {
  return placeAt(
    ctx,
    offset(unit.centre, ctx.rng.gaussian() * spread, ctx.rng.gaussian() * spread),
    (u) => u === unit,
    spread,
  );
}

/** Resolves a place of the catalogue; undefined when its commune is not in the database. */
export function placeWhere(ctx: DemoContext, where: Where): Placed | undefined {
  if (!('centreOf' in where)) return placeAt(ctx, where);
  const unit = ctx.map.get(where.centreOf);
  return unit && placeInUnit(ctx, unit);
}

export type StatusProfile = 'device' | 'pilot' | 'remote';

/**
 * Mostly online; some offline, degraded, in maintenance or not yet heard from.
 * Remote sites fail more often; the pilot system is watched closely and all up.
 */
export function statusFor(rng: Rng, profile: StatusProfile): AssetStatus {
  if (profile === 'pilot') return 'online';
  const r = rng.next();
  const offline = profile === 'remote' ? 0.12 : 0.05;
  if (r < offline) return 'offline';
  if (r < offline + 0.03) return 'degraded';
  if (r < offline + 0.06) return 'unknown';
  if (r < offline + 0.07) return 'maintenance';
  return 'online';
}

export function pointAsset(
  type: AssetType,
  code: string,
  name: string,
  placed: Placed,
  properties: Record<string, unknown>,
  extra: { status: AssetStatus; agencyCode: string | null; tags: string[] },
): DemoAsset {
  return {
    asset: {
      type,
      code,
      name,
      geometry: { type: 'Point', coordinates: placed.at },
      properties,
      status: extra.status,
      agencyCode: extra.agencyCode,
      tags: [DEMO_TAG, ...new Set(extra.tags)],
    },
    unit: placed.unit.code,
  };
}

/** "CAM-TN-0007" */
export function assetCode(prefix: string, n: number, width = 4): string {
  return `${prefix}-TN-${String(n).padStart(width, '0')}`;
}

/** Numbers the names that repeat ("… – số 1", "… – số 2"), keeping the order. */
export function numberRepeatedNames(names: string[]): string[] {
  const total = new Map<string, number>();
  for (const n of names) total.set(n, (total.get(n) ?? 0) + 1);
  const seen = new Map<string, number>();
  return names.map((n) => {
    if (total.get(n) === 1) return n;
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return `${n} – số ${k}`;
  });
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "Đường Lương Ngọc Quyến, phường Phan Đình Phùng, tỉnh Thái Nguyên" */
export function addressOf(unit: DemoUnit, street?: string): string {
  const road = street ? capitalised(roadName(street)) : null;
  return [road, inSentence(unit.nameVi), 'tỉnh Thái Nguyên'].filter(Boolean).join(', ');
}
