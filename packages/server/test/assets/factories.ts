/**
 * Factories for asset tests: valid assets by default, places with known
 * admin units (the shipped 2025 boundaries), and small helpers to call the API.
 */
import { expect } from 'vitest';
import type { Asset, AssetCreateInput } from '@cityops/contracts';
import type { Caller } from '../support/app.js';

export type LonLat = [number, number];

/** Points inside current communes (phường) of the province, and one outside it. */
export const places = {
  /** Phường Phan Đình Phùng, in former Thái Nguyên city. */
  phanDinhPhung: { unit: '19-phuong-phan-dinh-phung', at: [105.8442, 21.5925] as LonLat },
  /** Phường Gia Sàng, its neighbour to the west. */
  giaSang: { unit: '19-phuong-gia-sang', at: [105.7888, 21.5961] as LonLat },
  /** Phường Bắc Kạn, 60 km north. */
  bacKan: { unit: '19-phuong-bac-kan', at: [105.8147, 22.1498] as LonLat },
  /** Ho Chi Minh City: outside every unit CityOps ships. */
  outside: { unit: null, at: [106.7, 10.77] as LonLat },
} as const;

let counter = 0;
const run = Date.now().toString(36);

/** A unique asset code for this run. */
export function uniqueCode(prefix = 'T'): string {
  return `${prefix}-${run}-${++counter}`;
}

/** Shifts a point by metres (east, north), near enough for tests. */
export function offset([lon, lat]: LonLat, east: number, north: number): LonLat {
  const dLat = north / 111_320;
  const dLon = east / (111_320 * Math.cos((lat * Math.PI) / 180));
  return [Number((lon + dLon).toFixed(7)), Number((lat + dLat).toFixed(7))];
}

export const point = (at: LonLat) => ({ type: 'Point' as const, coordinates: at });

/** A square polygon of `side` metres with its south-west corner at `at`. */
export function square(at: LonLat, side = 50) {
  const [a, b, c, d] = [at, offset(at, side, 0), offset(at, side, side), offset(at, 0, side)];
  return { type: 'Polygon' as const, coordinates: [[a, b, c, d, a]] };
}

/** A valid asset to create: a sensor in Phan Đình Phùng unless told otherwise. */
export function buildAsset(overrides: Partial<AssetCreateInput> = {}): AssetCreateInput {
  const code = overrides.code ?? uniqueCode();
  return {
    type: 'sensor',
    code,
    name: `Test asset ${code}`,
    geometry: point(places.phanDinhPhung.at),
    properties: {},
    ...overrides,
  };
}

/** A camera with its write-only credentials. */
export function buildCamera(overrides: Partial<AssetCreateInput> = {}): AssetCreateInput {
  return buildAsset({
    type: 'camera',
    name: 'Camera ngã tư Phan Đình Phùng',
    properties: {
      streamUrl: 'rtsp://10.0.0.5/main',
      purpose: 'traffic',
      fov: { bearing: 90, angle: 60, range: 80 },
      username: 'cam-admin',
      password: 'S3cret-cam-pass',
    },
    ...overrides,
  });
}

/** Creates an asset through the API and answers it (fails the test on any other answer). */
export async function createAsset(
  caller: Caller,
  overrides: Partial<AssetCreateInput> = {},
): Promise<Asset> {
  const res = await caller.post('/api/v1/assets', buildAsset(overrides));
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Asset>();
}

export interface Problem {
  status: number;
  title: string;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
  report?: { problems: Array<{ line: number; field: string; reason: string }>; total: number };
}

/** The paths named by a problem+json answer. */
export function pathsOf(body: Problem): string[] {
  return (body.errors ?? []).map((e) => e.path);
}

export type AssetPage = { items: Asset[]; nextCursor: string | null };

/** Every item of a list, following its cursors. */
export async function listAll(caller: Caller, url: string, limit = 1000): Promise<Asset[]> {
  const out: Asset[] = [];
  let cursor: string | null = null;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const res = await caller.get(
      `${url}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json<AssetPage>();
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** The Web Mercator tile holding a point at a zoom. */
export function tileOf([lon, lat]: LonLat, z: number): { z: number; x: number; y: number } {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { z, x, y };
}
