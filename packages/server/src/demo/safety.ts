/**
 * Fire-alarm panels of public buildings (hospitals, markets, offices, schools),
 * connected to the provincial fire-warning system, and the environmental
 * sensors: air quality, river and flood water levels, drinking-water quality.
 */
import { BUILDINGS, SENSOR_PLACES, type SensorKind } from './landmarks.js';
import { AGENCY } from './agencies.js';
import {
  addressOf,
  assetCode,
  placeWhere,
  pointAsset,
  statusFor,
  type DemoAsset,
  type DemoContext,
  type Placed,
} from './build.js';

export const FIRE_PANEL_COUNT = 60;

const PANELS = [
  { vendor: 'Horing', model: 'AH-03312' },
  { vendor: 'Hochiki', model: 'FireNET FN-4127' },
  { vendor: 'Notifier', model: 'NFS2-640' },
  { vendor: 'Siemens', model: 'FC922' },
] as const;

interface Building {
  name: string;
  placed: Placed;
  zones: [number, number];
}

const positionOf = (a: DemoAsset) => a.asset.geometry.coordinates as Placed['at'];

/**
 * One panel in each hospital, market and public building, then in universities
 * and high schools, then in ward offices, up to FIRE_PANEL_COUNT; each at the
 * position of its building.
 */
export function demoFirePanels(
  ctx: DemoContext,
  built: { hospitals: DemoAsset[]; schools: DemoAsset[]; offices: DemoAsset[] },
): DemoAsset[] {
  const { rng, map } = ctx;
  const fromAsset = (a: DemoAsset, zones: [number, number]): Building => ({
    name: a.asset.name,
    placed: { at: positionOf(a), unit: map.get(a.unit)! },
    zones,
  });
  const buildings: Building[] = [
    ...built.hospitals.map((h) => fromAsset(h, [48, 128])),
    ...BUILDINGS.flatMap((b): Building[] => {
      const placed = placeWhere(ctx, b.at);
      if (!placed) return [];
      return [{ name: b.nameVi, placed, zones: b.kind === 'office' ? [16, 48] : [16, 64] }];
    }),
    ...built.schools
      .filter((s) =>
        ['university', 'vocational', 'upper_secondary'].includes(String(s.asset.properties.level)),
      )
      .map((s) => fromAsset(s, [8, 40])),
    ...built.offices.map((o) => fromAsset(o, [4, 16])),
    ...built.schools.map((s) => fromAsset(s, [4, 16])),
  ];
  const seen = new Set<string>();
  const unique = buildings.filter((b) => !seen.has(b.name) && seen.add(b.name));
  return unique.slice(0, FIRE_PANEL_COUNT).map((b, i) => {
    const panel = rng.pick(PANELS);
    return pointAsset(
      'fire_panel',
      assetCode('FP', i + 1),
      `Tủ báo cháy ${b.name}`,
      b.placed,
      {
        vendor: panel.vendor,
        model: panel.model,
        building: b.name,
        address: addressOf(b.placed.unit),
        zones: rng.int(b.zones[0], b.zones[1]),
        accountNumber: String(1001 + i),
      },
      {
        status: statusFor(rng, 'device'),
        agencyCode: AGENCY.firePolice,
        tags: ['fire', b.placed.unit.area ?? 'rural'],
      },
    );
  });
}

const SENSOR_NAMES: Record<SensorKind, string> = {
  air_quality: 'Trạm quan trắc không khí',
  water_level: 'Cảm biến mực nước',
  water_quality: 'Cảm biến chất lượng nước',
};

const SENSOR_MODELS: Record<SensorKind, { vendor: string; model: string }> = {
  air_quality: { vendor: 'Vaisala', model: 'AQT530' },
  water_level: { vendor: 'Vaisala', model: 'RLS' },
  water_quality: { vendor: 'Hach', model: 'SC200' },
};

function sensorProperties(kind: SensorKind, water: string | undefined): Record<string, unknown> {
  const model = SENSOR_MODELS[kind];
  switch (kind) {
    case 'air_quality':
      return {
        kind,
        ...model,
        metrics: ['pm2_5', 'pm10', 'no2', 'so2', 'co', 'o3'],
        intervalSeconds: 300,
      };
    case 'water_level':
      return water
        ? { kind, ...model, water, unit: 'm', intervalSeconds: 600 }
        : { kind, ...model, flooding: true, unit: 'cm', intervalSeconds: 60 };
    case 'water_quality':
      return { kind, ...model, metrics: ['ph', 'turbidity', 'chlorine'], intervalSeconds: 600 };
  }
}

function sensorAgency(kind: SensorKind, water: string | undefined): string {
  switch (kind) {
    case 'air_quality':
      return AGENCY.urenco;
    case 'water_level':
      return water ? AGENCY.ioc : AGENCY.urenco;
    case 'water_quality':
      return AGENCY.water;
  }
}

export function demoSensors(ctx: DemoContext): DemoAsset[] {
  const out: DemoAsset[] = [];
  for (const p of SENSOR_PLACES) {
    const placed = placeWhere(ctx, p.at);
    if (!placed) continue;
    out.push(
      pointAsset(
        'sensor',
        assetCode('SEN', out.length + 1, 3),
        `${SENSOR_NAMES[p.kind]} ${p.nameVi}`,
        placed,
        sensorProperties(p.kind, p.water),
        {
          status: statusFor(ctx.rng, 'device'),
          agencyCode: sensorAgency(p.kind, p.water),
          tags: ['environment', p.kind.replace('_', '-'), placed.unit.area ?? 'rural'],
        },
      ),
    );
  }
  return out;
}
