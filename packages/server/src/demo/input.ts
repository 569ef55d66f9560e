/**
 * Reads what the demo generator needs from the admin units in the database:
 * the current communes with their boundaries and references, and the former
 * wards and communes of the four urban areas (for local place names).
 */
import type { AdminUnit } from '@cityops/contracts';
import type { AdminUnitsService } from '../geo/admin-units.service.js';
import { URBAN_AREAS } from './areas.js';
import type { DemoInput } from './units.js';

/** The last day of the units before the reform of 1 July 2025. */
export const FORMER_UNITS_DATE = '2025-06-30';

async function listAll(
  geo: AdminUnitsService,
  f: { at?: string; parent?: string },
): Promise<AdminUnit[]> {
  const out: AdminUnit[] = [];
  for (;;) {
    const after = out.at(-1)?.code;
    const page = await geo.list({ ...f, level: 'commune', after, limit: 500 });
    out.push(...page);
    if (page.length < 500) return out;
  }
}

export async function loadDemoInput(geo: AdminUnitsService): Promise<DemoInput> {
  const units: DemoInput['units'] = [];
  for (const u of await listAll(geo, {})) {
    const detail = await geo.get(u.code);
    units.push({
      code: u.code,
      nameVi: u.nameVi,
      nameEn: u.nameEn,
      kind: u.kind,
      externalRefs: detail.externalRefs,
      boundary: detail.boundary,
    });
  }
  const formerUnits: DemoInput['formerUnits'] = [];
  for (const area of URBAN_AREAS) {
    const parent = area.formerDistrictCode;
    for (const u of await listAll(geo, { at: FORMER_UNITS_DATE, parent })) {
      const detail = await geo.get(u.code, FORMER_UNITS_DATE);
      formerUnits.push({
        code: u.code,
        nameVi: u.nameVi,
        parentCode: u.parentCode,
        boundary: detail.boundary,
      });
    }
  }
  return { units, formerUnits };
}
