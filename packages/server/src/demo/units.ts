/**
 * The admin units the demo city is built on: the current communes with their
 * boundaries (read from the database by the seed, from the shipped file by the
 * tests), which urban area each belongs to, where its People's Committee sits,
 * and which unit holds a point.
 */
import type { LngLat } from '@cityops/contracts';
import { interiorPoint, regionOf, wellInside, distance, type Region } from './geometry.js';
import { URBAN_AREAS, type AreaKey } from './areas.js';

/** A current commune-level unit as the generator needs it. */
export interface DemoUnitInput {
  code: string;
  nameVi: string;
  nameEn: string;
  kind: string;
  externalRefs: Record<string, string>;
  boundary: unknown;
}

/** A unit before the 2025 reform (only its name and place are used, for names of local places). */
export interface FormerUnitInput {
  code: string;
  nameVi: string;
  parentCode: string | null;
  boundary: unknown;
}

export interface DemoInput {
  units: DemoUnitInput[];
  formerUnits: FormerUnitInput[];
}

export interface DemoUnit {
  code: string;
  nameVi: string;
  nameEn: string;
  /** The name without "Phường"/"Xã": "Gia Sàng". */
  shortName: string;
  isWard: boolean;
  area: AreaKey | null;
  region: Region;
  /** Where its People's Committee is placed. */
  centre: LngLat;
}

export interface FormerUnit {
  shortName: string;
  area: AreaKey;
  centre: LngLat;
}

/** Minimum distance, in metres, of a generated point from the edge of its unit. */
export const EDGE_MARGIN = 25;

export function shortNameOf(nameVi: string): string {
  return nameVi.replace(/^(Phường|Xã|Thị trấn)\s+/u, '');
}

/** "Phường Gia Sàng" → "phường Gia Sàng", for use inside a sentence. */
export function inSentence(nameVi: string): string {
  return nameVi.replace(/^(Phường|Xã|Thị trấn)/u, (w) => w.toLowerCase());
}

function areaOfRef(ref: string | undefined): AreaKey | null {
  if (!ref) return null;
  return URBAN_AREAS.find((a) => ref.startsWith(a.formerDistrictRef))?.key ?? null;
}

export class UnitMap {
  readonly units: DemoUnit[];
  readonly formerUnits: FormerUnit[];
  private readonly byCode: Map<string, DemoUnit>;

  constructor(input: DemoInput) {
    this.units = [];
    for (const u of [...input.units].sort((a, b) => a.code.localeCompare(b.code))) {
      const region = regionOf(u.boundary);
      if (!region) continue;
      this.units.push({
        code: u.code,
        nameVi: u.nameVi,
        nameEn: u.nameEn,
        shortName: shortNameOf(u.nameVi),
        isWard: u.kind === 'ward',
        area: areaOfRef(u.externalRefs.vnProvincesWards),
        region,
        centre: interiorPoint(region),
      });
    }
    this.byCode = new Map(this.units.map((u) => [u.code, u]));
    this.formerUnits = [];
    for (const f of [...input.formerUnits].sort((a, b) => a.code.localeCompare(b.code))) {
      const area = URBAN_AREAS.find((a) => a.formerDistrictCode === f.parentCode)?.key;
      const region = regionOf(f.boundary);
      if (!area || !region) continue;
      this.formerUnits.push({
        shortName: shortNameOf(f.nameVi),
        area,
        centre: interiorPoint(region),
      });
    }
  }

  get(code: string): DemoUnit | undefined {
    return this.byCode.get(code);
  }

  inArea(area: AreaKey): DemoUnit[] {
    return this.units.filter((u) => u.area === area);
  }

  /** The unit that holds the point well inside it; undefined near an edge or outside. */
  unitAt(p: LngLat): DemoUnit | undefined {
    return this.units.find((u) => wellInside(u.region, p, EDGE_MARGIN));
  }

  /** The name of the former ward or commune nearest to a point of an area ("Túc Duyên"). */
  localityNear(area: AreaKey, p: LngLat): string | undefined {
    let best: FormerUnit | undefined;
    for (const f of this.formerUnits) {
      if (f.area === area && (!best || distance(p, f.centre) < distance(p, best.centre))) best = f;
    }
    return best?.shortName;
  }
}
