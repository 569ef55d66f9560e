/**
 * Admin units over time: list, read, point → units lookup, and loading
 * boundaries (reference data at first start, official ones by import).
 */
import type { AdminLevel, AdminUnit, AdminUnitDetail } from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import { NotFoundError } from '../core/errors.js';
import { todayIn } from '../core/text.js';
import * as repo from './admin-units.repo.js';

export function presentUnit(r: repo.AdminUnitRow): AdminUnit {
  return {
    code: r.code,
    name: r.name_vi,
    nameVi: r.name_vi,
    nameEn: r.name_en,
    level: r.level,
    kind: r.kind as AdminUnit['kind'],
    parentCode: r.parent_code,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    approximate: r.approximate,
    source: r.source,
  };
}

export class AdminUnitsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly timeZone: string,
  ) {}

  /** Today in the province's time zone: the default date of every query. */
  today(): string {
    return todayIn(this.timeZone, this.clock.now());
  }

  async list(f: {
    at?: string | undefined;
    level?: AdminLevel | undefined;
    parent?: string | undefined;
    q?: string | undefined;
    after?: string | undefined;
    limit: number;
  }): Promise<AdminUnit[]> {
    return (await repo.listUnits(this.db, { ...f, at: f.at ?? this.today() })).map(presentUnit);
  }

  async get(code: string, at?: string): Promise<AdminUnitDetail> {
    const row = await repo.findUnit(this.db, code, at ?? this.today());
    if (!row) throw new NotFoundError('Admin unit', code);
    return { ...presentUnit(row), boundary: row.boundary ?? null, externalRefs: row.external_refs };
  }

  /** The units containing a point on a date, province first. */
  async lookup(lon: number, lat: number, at?: string): Promise<AdminUnit[]> {
    return (await repo.unitsContaining(this.db, lon, lat, at ?? this.today())).map(presentUnit);
  }

  /** Boundaries as GeoJSON text for the map; `tolerance` in degrees simplifies them. */
  featureCollection(f: {
    at?: string | undefined;
    level?: AdminLevel | undefined;
    parent?: string | undefined;
    tolerance?: number | undefined;
  }): Promise<string> {
    return repo.unitsFeatureCollection(this.db, {
      ...f,
      at: f.at ?? this.today(),
      tolerance: f.tolerance ?? 0,
    });
  }

  count(): Promise<number> {
    return repo.countUnits(this.db);
  }
}
