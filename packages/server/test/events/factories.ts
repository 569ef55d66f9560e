/**
 * Factories for the event tests: assets inserted with plain SQL (placed in
 * their ward by admin_unit_at), devices through the API, ingest calls, and
 * stored events as a bus or the stream hub hands them on.
 */
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { StoredEvent } from '@cityops/contracts';
import type { Db } from '../../src/core/db/db.js';
import { sql } from '../../src/core/db/sql.js';
import { newId } from '../../src/core/ids.js';
import type { CityOps } from '../../src/main.js';
import type { Caller } from '../support/app.js';

export interface Ward {
  code: string;
  lon: number;
  lat: number;
}

/** Current wards of the seeded admin units, each with a point inside it. */
export async function pickWards(db: Db, n: number): Promise<Ward[]> {
  return db.query<Ward>(sql`
    SELECT code, ST_X(ST_PointOnSurface(boundary)) AS lon, ST_Y(ST_PointOnSurface(boundary)) AS lat
    FROM admin_units
    WHERE level = 'commune' AND valid_to IS NULL AND boundary IS NOT NULL
    ORDER BY code LIMIT ${n}`);
}

export async function buildAsset(
  db: Db,
  opts: { ward: Ward; type?: string; code?: string; agencyCode?: string | null },
): Promise<{ id: string; adminUnit: string | null }> {
  const id = newId();
  const [row] = await db.query<{ admin_unit_code: string | null }>(sql`
    INSERT INTO assets (id, type, code, name, geom, agency_code, admin_unit_code)
    VALUES (${id}, ${opts.type ?? 'sensor'}, ${opts.code ?? `T-${randomBytes(4).toString('hex')}`},
      'Test asset', ST_SetSRID(ST_MakePoint(${opts.ward.lon}, ${opts.ward.lat}), 4326),
      ${opts.agencyCode ?? null},
      admin_unit_at(ST_SetSRID(ST_MakePoint(${opts.ward.lon}, ${opts.ward.lat}), 4326), current_date))
    RETURNING admin_unit_code`);
  return { id, adminUnit: row?.admin_unit_code ?? null };
}

export interface TestDevice {
  id: string;
  key: string;
  assetId: string;
}

export async function buildDevice(
  admin: Caller,
  assetId: string,
  name = 'probe',
): Promise<TestDevice> {
  const res = await admin.post('/api/v1/devices', { assetId, name });
  if (res.statusCode !== 201) throw new Error(`device create failed: ${res.body}`);
  const d = res.json<{ id: string; key: string }>();
  return { id: d.id, key: d.key, assetId };
}

/** An asset in the ward with one device. */
export async function buildDeviceOnNewAsset(
  cityops: CityOps,
  admin: Caller,
  ward: Ward,
  type = 'sensor',
): Promise<TestDevice> {
  const asset = await buildAsset(cityops.db, { ward, type });
  return buildDevice(admin, asset.id);
}

export interface IngestAnswer {
  accepted: number;
  duplicates: number;
  results: Array<{ index: number; seq: number; id?: string; duplicate?: true }>;
}

export function ingest(
  cityops: CityOps,
  key: string | null,
  body: unknown,
): Promise<LightMyRequestResponse> {
  return cityops.app.inject({
    method: 'POST',
    url: '/api/v1/ingest',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export async function countEvents(db: Db): Promise<number> {
  const [row] = await db.query<{ n: number }>(sql`SELECT count(*) AS n FROM events`);
  return row?.n ?? 0;
}

/** A metric's value from /metrics text (0 when absent). */
export function metricValue(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** A stored event of a system source with no asset or device; `fields` sets the rest. */
export function storedEvent(seq: number, fields: Partial<StoredEvent> = {}): StoredEvent {
  return {
    seq,
    id: '0190f5a0-0000-7000-8000-000000000000',
    type: 'test',
    source: 'system',
    assetId: null,
    deviceId: null,
    deviceEventId: null,
    observedAt: '2026-01-01T00:00:00.000Z',
    receivedAt: '2026-01-01T00:00:00.000Z',
    data: {},
    adminUnit: null,
    agencyCode: null,
    assetType: null,
    ...fields,
  };
}
