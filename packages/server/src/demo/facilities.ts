/**
 * Public facilities: hospitals, commune clinics, schools of every level,
 * People's Committee offices, police and fire stations. Schools and clinics
 * of the urban areas are named after the wards and communes that existed
 * before 2025, as they still are.
 */
import type { SchoolLevel } from './landmarks.js';
import { HOSPITALS, NAMED_SCHOOLS, FIRE_STATIONS, POLICE_HEADQUARTERS } from './landmarks.js';
import { RURAL_CENTRES } from './areas.js';
import { AGENCY, committeeCode, hasCommittee } from './agencies.js';
import {
  addressOf,
  assetCode,
  placeAt,
  placeInUnit,
  placeWhere,
  pointAsset,
  type DemoAsset,
  type DemoContext,
  type Placed,
} from './build.js';
import { inSentence } from './units.js';

export const SCHOOL_COUNT = 80;
export const CLINIC_COUNT = 50;

const facility = { status: 'online' as const };

export function demoHospitals(ctx: DemoContext): DemoAsset[] {
  const out: DemoAsset[] = [];
  for (const h of HOSPITALS) {
    const placed = placeWhere(ctx, h.at);
    if (!placed) continue;
    out.push(
      pointAsset(
        'hospital',
        assetCode('HOS', out.length + 1, 2),
        h.nameVi,
        placed,
        { address: addressOf(placed.unit, h.street), beds: h.beds },
        {
          ...facility,
          agencyCode: AGENCY.health,
          tags: ['health', placed.unit.area ?? 'rural'],
        },
      ),
    );
  }
  return out;
}

/** One clinic in each urban unit and former district centre, the rest spread over rural communes. */
export function demoClinics(ctx: DemoContext): DemoAsset[] {
  const { map, rng } = ctx;
  const first = [
    ...map.units.filter((u) => u.area !== null),
    ...RURAL_CENTRES.map((c) => map.get(c)).filter((u) => u !== undefined),
  ];
  const rest = rng.shuffle(map.units.filter((u) => !first.includes(u)));
  const units = [...first, ...rest].slice(0, CLINIC_COUNT);
  return units.map((u, i) => {
    const placed = placeInUnit(ctx, u, 250);
    return pointAsset(
      'clinic',
      assetCode('CLN', i + 1, 3),
      `Trạm Y tế ${inSentence(u.nameVi)}`,
      placed,
      { address: addressOf(placed.unit), beds: rng.int(3, 10) },
      { ...facility, agencyCode: AGENCY.health, tags: ['health', u.area ?? 'rural'] },
    );
  });
}

const LEVEL_NAME: Record<SchoolLevel, string> = {
  preschool: 'Trường Mầm non',
  primary: 'Trường Tiểu học',
  lower_secondary: 'Trường THCS',
  upper_secondary: 'Trường THPT',
  vocational: 'Trường Cao đẳng',
  university: 'Trường Đại học',
};
const LOCAL_LEVELS: SchoolLevel[] = ['primary', 'lower_secondary', 'preschool'];
const STUDENTS: Record<SchoolLevel, [number, number]> = {
  preschool: [120, 400],
  primary: [400, 1200],
  lower_secondary: [350, 1000],
  upper_secondary: [700, 1500],
  vocational: [500, 3000],
  university: [2000, 12000],
};

/**
 * The named universities and high schools, a high school in each former district
 * centre, then primary, lower-secondary and preschools of the former urban wards.
 */
export function demoSchools(ctx: DemoContext): DemoAsset[] {
  const { map, rng } = ctx;
  const drafts: Array<{ name: string; level: SchoolLevel; placed: Placed; students: number }> = [];
  for (const sc of NAMED_SCHOOLS) {
    const placed = placeWhere(ctx, sc.at);
    if (placed) drafts.push({ name: sc.nameVi, level: sc.level, placed, students: sc.students });
  }
  for (const u of RURAL_CENTRES.map((c) => map.get(c)).filter((x) => x !== undefined)) {
    const placed = placeInUnit(ctx, u, 500);
    const [lo, hi] = STUDENTS.upper_secondary;
    drafts.push({
      name: `Trường THPT ${u.shortName}`,
      level: 'upper_secondary',
      placed,
      students: rng.int(lo, hi),
    });
  }
  const localities = rng.shuffle(map.formerUnits);
  for (let k = 0; drafts.length < SCHOOL_COUNT && localities.length > 0; k++) {
    const f = localities[k % localities.length]!;
    const level = LOCAL_LEVELS[k % LOCAL_LEVELS.length]!;
    const placed = placeAt(ctx, f.centre, (u) => u.area === f.area, 300);
    const [lo, hi] = STUDENTS[level];
    drafts.push({
      name: `${LEVEL_NAME[level]} ${f.shortName}`,
      level,
      placed,
      students: rng.int(lo, hi),
    });
  }
  return drafts.map((d, i) =>
    pointAsset(
      'school',
      assetCode('SCH', i + 1, 3),
      d.name,
      d.placed,
      { address: addressOf(d.placed.unit), level: d.level, students: d.students },
      {
        ...facility,
        agencyCode: AGENCY.education,
        tags: ['education', d.level, d.placed.unit.area ?? 'rural'],
      },
    ),
  );
}

/** The office of each urban unit's People's Committee, and the province's. */
export function demoGovernmentOffices(
  ctx: DemoContext,
  officeOf: Map<string, Placed>,
): DemoAsset[] {
  const units = ctx.map.units.filter(hasCommittee);
  return units.map((u, i) => {
    const placed = officeOf.get(u.code)!;
    return pointAsset(
      'government_office',
      assetCode('GOV', i + 1, 3),
      `Trụ sở UBND ${inSentence(u.nameVi)}`,
      placed,
      { address: addressOf(placed.unit) },
      { ...facility, agencyCode: committeeCode(u.code), tags: ['government', u.area ?? 'rural'] },
    );
  });
}

/** Where each urban unit's People's Committee sits: at its centre. */
export function committeeOffices(ctx: DemoContext): Map<string, Placed> {
  return new Map(
    ctx.map.units
      .filter(hasCommittee)
      .map((u): [string, Placed] => [u.code, { at: u.centre, unit: u }]),
  );
}

/** The provincial police, its traffic police, and the police post of every urban ward. */
export function demoPoliceStations(ctx: DemoContext): DemoAsset[] {
  const drafts: Array<{ name: string; placed: Placed; agency: string }> = [];
  for (const p of POLICE_HEADQUARTERS) {
    const placed = placeWhere(ctx, p.at);
    if (placed)
      drafts.push({
        name: p.nameVi,
        placed,
        agency: p.traffic ? AGENCY.trafficPolice : AGENCY.police,
      });
  }
  for (const u of ctx.map.units.filter((x) => x.area !== null && x.isWard)) {
    drafts.push({
      name: `Công an ${inSentence(u.nameVi)}`,
      placed: placeInUnit(ctx, u, 300),
      agency: AGENCY.police,
    });
  }
  return drafts.map((d, i) =>
    pointAsset(
      'police_station',
      assetCode('POL', i + 1, 3),
      d.name,
      d.placed,
      { address: addressOf(d.placed.unit) },
      { ...facility, agencyCode: d.agency, tags: ['police', d.placed.unit.area ?? 'rural'] },
    ),
  );
}

export function demoFireStations(ctx: DemoContext): DemoAsset[] {
  const out: DemoAsset[] = [];
  for (const f of FIRE_STATIONS) {
    const placed = placeWhere(ctx, f.at);
    if (!placed) continue;
    out.push(
      pointAsset(
        'fire_station',
        assetCode('FS', out.length + 1, 2),
        f.nameVi,
        placed,
        { address: addressOf(placed.unit), vehicles: f.vehicles },
        { ...facility, agencyCode: AGENCY.firePolice, tags: ['fire', f.area ?? 'rural'] },
      ),
    );
  }
  return out;
}
