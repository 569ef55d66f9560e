/**
 * The 409 cameras of the central camera platform: traffic cameras at the
 * junctions, the 7-camera pilot security system, security cameras of every
 * ward's People's Committee and along the streets, and cameras watching trees
 * and green areas; densest in central Thái Nguyên, then Sông Công, Phổ Yên and
 * Bắc Kạn, with a few at the centres of the former rural districts. Stream
 * addresses are on documentation-only networks (RFC 5737), never real hosts.
 */
import type { AssetStatus, LngLat } from '@cityops/contracts';
import {
  URBAN_AREAS,
  JUNCTIONS,
  STREETS,
  RURAL_CENTRES,
  CAMERAS_PER_RURAL_CENTRE,
  TOTAL_CAMERAS,
  roadName,
  type AreaKey,
  type UrbanArea,
} from './areas.js';
import { PILOT_CAMERA_PLACES } from './landmarks.js';
import { AGENCY, committeeCode, hasCommittee } from './agencies.js';
import { lngLat, offset } from './geometry.js';
import {
  assetCode,
  numberRepeatedNames,
  placeAt,
  placeInUnit,
  pointAsset,
  statusFor,
  type DemoAsset,
  type DemoContext,
  type Placed,
} from './build.js';
import { inSentence, type DemoUnit } from './units.js';
import { cameraModel, cameraNetwork, compassVi, fovFor, type Purpose } from './camera-models.js';

interface Draft {
  name: string;
  placed: Placed;
  purpose: Purpose;
  bearing: number;
  agencyCode: string | null;
  tags: string[];
  status: AssetStatus;
  pilot?: boolean;
}

export const PILOT_TAG = 'pilot';
const PILOT_GROUP = 'Hệ thống camera an ninh thí điểm';
const PURPOSE_GROUP: Record<Purpose, string> = {
  security: 'Camera an ninh',
  traffic: 'Camera giao thông',
  environment: 'Camera cây xanh, môi trường',
};

const securityAgency = (unit: DemoUnit) =>
  hasCommittee(unit) ? committeeCode(unit.code) : AGENCY.police;

/** A point beside a street of the area, 5–25 m off its axis. */
function besideStreet(ctx: DemoContext, area: AreaKey): { at: LngLat; street: string } {
  const street = ctx.rng.pick(STREETS.filter((s) => s.area === area));
  const i = ctx.rng.int(1, street.line.length - 1);
  const [a, b] = [street.line[i - 1]!, street.line[i]!];
  const t = ctx.rng.next();
  // Interpolating in degrees is exact enough over a few hundred metres.
  const on = lngLat(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t);
  const side = (ctx.rng.chance(0.5) ? 1 : -1) * ctx.rng.int(5, 25);
  return { at: offset(on, side, side), street: street.name };
}

function areaDrafts(ctx: DemoContext, area: UrbanArea, budget: number): Draft[] {
  const { rng, map } = ctx;
  const inArea = (u: DemoUnit) => u.area === area.key;
  const drafts: Draft[] = [];
  const security = (name: string, placed: Placed): Draft => ({
    name,
    placed,
    purpose: 'security',
    bearing: rng.int(0, 359),
    agencyCode: securityAgency(placed.unit),
    tags: ['security', area.key],
    status: statusFor(rng, 'device'),
  });

  for (const j of JUNCTIONS.filter((x) => x.area === area.key)) {
    const first = rng.int(0, 89);
    for (let k = 0; k < j.trafficCameras; k++) {
      const bearing = (first + (k * 360) / j.trafficCameras) % 360;
      const rad = (bearing * Math.PI) / 180;
      const placed = placeAt(ctx, offset(j.at, 15 * Math.sin(rad), 15 * Math.cos(rad)), inArea);
      const towards = j.trafficCameras > 1 ? ` – hướng ${compassVi(bearing)}` : '';
      drafts.push({
        name: `Camera giao thông ${j.label}${towards}`,
        placed,
        purpose: 'traffic',
        bearing: Math.round(bearing),
        agencyCode: AGENCY.trafficPolice,
        tags: ['traffic', area.key],
        status: statusFor(rng, 'device'),
      });
    }
  }

  if (area.key === 'thai-nguyen') {
    for (const p of PILOT_CAMERA_PLACES) {
      drafts.push({
        ...security(`Camera an ninh thí điểm ${p.nameVi}`, placeAt(ctx, p.at as LngLat, inArea)),
        agencyCode: AGENCY.police,
        tags: ['security', area.key, PILOT_TAG],
        status: statusFor(rng, 'pilot'),
        pilot: true,
      });
    }
  }

  // Every unit's People's Committee watches its office and a residential area.
  for (const unit of map.inArea(area.key)) {
    drafts.push(
      security(`Camera trụ sở UBND ${inSentence(unit.nameVi)}`, placeInUnit(ctx, unit, 40)),
    );
    const placed = placeInUnit(ctx, unit, 600);
    const locality = map.localityNear(area.key, placed.at) ?? unit.shortName;
    drafts.push(security(`Camera an ninh khu dân cư ${locality}`, placed));
  }

  for (let k = 0; k < area.environmentCameras; k++) {
    const { at, street } = besideStreet(ctx, area.key);
    drafts.push({
      name: `Camera giám sát cây xanh ${roadName(street)}`,
      placed: placeAt(ctx, at, inArea),
      purpose: 'environment',
      bearing: rng.int(0, 359),
      agencyCode: AGENCY.urenco,
      tags: ['environment', area.key],
      status: statusFor(rng, 'device'),
    });
  }

  while (drafts.length < budget) {
    if (rng.chance(0.55)) {
      const { at, street } = besideStreet(ctx, area.key);
      drafts.push(security(`Camera an ninh ${roadName(street)}`, placeAt(ctx, at, inArea)));
    } else {
      const around = offset(
        area.centre,
        rng.gaussian() * area.spread,
        rng.gaussian() * area.spread,
      );
      const placed = placeAt(ctx, around, inArea, area.spread / 2);
      const locality = map.localityNear(area.key, placed.at) ?? placed.unit.shortName;
      drafts.push(security(`Camera an ninh khu dân cư ${locality}`, placed));
    }
  }
  return drafts.slice(0, budget);
}

function ruralDrafts(ctx: DemoContext, unit: DemoUnit): Draft[] {
  const { rng } = ctx;
  const here = (u: DemoUnit) => u === unit;
  const near = (spread: number) => placeInUnit(ctx, unit, spread);
  const names: Array<[string, Purpose]> = [
    [`Camera trụ sở UBND ${inSentence(unit.nameVi)}`, 'security'],
    [`Camera an ninh chợ ${unit.shortName}`, 'security'],
    [`Camera giao thông trung tâm ${inSentence(unit.nameVi)}`, 'traffic'],
  ];
  return names.slice(0, CAMERAS_PER_RURAL_CENTRE).map(([name, purpose], k) => ({
    name,
    placed: k === 0 ? near(40) : placeAt(ctx, near(300).at, here),
    purpose,
    bearing: rng.int(0, 359),
    agencyCode: purpose === 'traffic' ? AGENCY.trafficPolice : AGENCY.police,
    tags: [purpose, 'rural'],
    status: statusFor(rng, 'remote'),
  }));
}

/** The 409 cameras, numbered CAM-TN-0001… from central Thái Nguyên outwards. */
export function demoCameras(ctx: DemoContext): DemoAsset[] {
  const rural = RURAL_CENTRES.map((c) => ctx.map.get(c)).filter((u) => u !== undefined);
  const others = URBAN_AREAS.filter((a) => a.key !== 'thai-nguyen');
  const thaiNguyen =
    TOTAL_CAMERAS -
    others.reduce((n, a) => n + a.cameras, 0) -
    rural.length * CAMERAS_PER_RURAL_CENTRE;
  const drafts = [
    ...URBAN_AREAS.flatMap((a) =>
      areaDrafts(ctx, a, a.key === 'thai-nguyen' ? thaiNguyen : a.cameras),
    ),
    ...rural.flatMap((u) => ruralDrafts(ctx, u)),
  ];
  const names = numberRepeatedNames(drafts.map((d) => d.name));
  return drafts.map((d, i) => {
    const model = cameraModel(ctx.rng, d.purpose);
    const groups = [d.placed.unit.nameVi, PURPOSE_GROUP[d.purpose]];
    if (d.pilot) groups.push(PILOT_GROUP);
    return pointAsset(
      'camera',
      assetCode('CAM', i + 1),
      names[i]!,
      d.placed,
      {
        vendor: model.vendor,
        model: model.model,
        ...cameraNetwork(model, i),
        purpose: d.purpose,
        fov: fovFor(model, d.bearing),
        ownerUnit: d.placed.unit.code,
        groups,
      },
      { status: d.status, agencyCode: d.agencyCode, tags: d.tags },
    );
  });
}
