/** The generator's input read from the admin units CityOps ships (no database). */
import fs from 'node:fs';
import path from 'node:path';
import { GEO_DATA_DIR } from '../../src/geo/reference-data.js';
import type { DemoInput } from '../../src/demo/units.js';
import { URBAN_AREAS } from '../../src/demo/areas.js';
import { FORMER_UNITS_DATE } from '../../src/demo/input.js';

interface ShippedUnit {
  code: string;
  nameVi: string;
  nameEn: string;
  level: string;
  kind: string;
  parentCode: string | null;
  validTo: string | null;
  externalRefs?: Record<string, string>;
  boundary: unknown;
}

export function shippedUnits(): ShippedUnit[] {
  const file = JSON.parse(fs.readFileSync(path.join(GEO_DATA_DIR, 'admin-units.json'), 'utf8')) as {
    units: ShippedUnit[];
  };
  return file.units;
}

export function shippedDemoInput(): DemoInput {
  const all = shippedUnits();
  const formerCities = new Set(URBAN_AREAS.map((a) => a.formerDistrictCode));
  return {
    units: all
      .filter((u) => u.level === 'commune' && u.validTo === null)
      .map((u) => ({ ...u, externalRefs: u.externalRefs ?? {} })),
    formerUnits: all.filter(
      (u) =>
        u.level === 'commune' &&
        u.validTo === FORMER_UNITS_DATE &&
        u.parentCode !== null &&
        formerCities.has(u.parentCode),
    ),
  };
}

/** The outline of the province today. */
export function provinceOutline(): unknown {
  return shippedUnits().find((u) => u.level === 'province' && u.validTo === null)!.boundary;
}
