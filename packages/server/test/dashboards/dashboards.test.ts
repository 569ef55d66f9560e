/**
 * The dashboards' aggregations through the API: counts by type and status,
 * events per hour by family, alerts unresolved and opened by rule and unit;
 * each in the caller's scope, by admin unit, with the period checked.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type {
  AlertsSummary,
  Asset,
  AssetsByStatus,
  DeviceWithKey,
  EventsOverTime,
} from '@cityops/contracts';
import { useTestCityOps, type Caller } from '../support/app.js';
import { createRule, eventually } from '../alerts/harness.js';

const app = useTestCityOps('pglite');

const HOUR = 3_600_000;
/** The top of the hour `h` hours ago, plus a few minutes (inside that hour). */
const hoursAgo = (h: number) =>
  new Date(Math.floor((Date.now() - h * HOUR) / HOUR) * HOUR + 5 * 60_000).toISOString();

let camera: Asset;
let sensor: Asset;
let sensorDevice: DeviceWithKey;
let cameraDevice: DeviceWithKey;
let scoped: Caller;

async function createAsset(body: Record<string, unknown>): Promise<Asset> {
  const res = await app().admin.post('/api/v1/assets', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Asset>();
}

async function createDevice(assetId: string): Promise<DeviceWithKey> {
  const res = await app().admin.post('/api/v1/devices', { assetId });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<DeviceWithKey>();
}

async function ingest(device: DeviceWithKey, events: unknown[]): Promise<void> {
  const res = await app().cityops.app.inject({
    method: 'POST',
    url: '/api/v1/ingest',
    headers: { authorization: `Bearer ${device.key}` },
    payload: events as object,
  });
  expect(res.statusCode, res.body).toBe(202);
}

function get<T>(caller: Caller, url: string): Promise<T> {
  return caller.get(url).then((res) => {
    expect(res.statusCode, res.body).toBe(200);
    return res.json<T>();
  });
}

beforeAll(async () => {
  // The rules engine runs off the bus once started (the server starts it on listen).
  await app().cityops.alerts.engine.start();
  camera = await createAsset({
    type: 'camera',
    code: 'DASH-CAM-1',
    name: 'Camera Phan Đình Phùng',
    geometry: { type: 'Point', coordinates: [105.8425, 21.5942] },
    status: 'online',
  });
  sensor = await createAsset({
    type: 'sensor',
    code: 'DASH-SEN-1',
    name: 'Cảm biến Đại Từ',
    geometry: { type: 'Point', coordinates: [105.63, 21.63] },
    status: 'offline',
  });
  expect(camera.adminUnit).toBeTruthy();
  expect(sensor.adminUnit).toBeTruthy();
  expect(sensor.adminUnit).not.toBe(camera.adminUnit);
  cameraDevice = await createDevice(camera.id);
  sensorDevice = await createDevice(sensor.id);
  scoped = await app().userWith('operator', { units: [camera.adminUnit!] });
});

describe('assets by status', () => {
  it('counts assets by type and status, province-wide or in one unit', async () => {
    const all = await get<AssetsByStatus>(app().admin, '/api/v1/dashboards/assets-by-status');
    expect(all.items).toEqual(
      expect.arrayContaining([
        { type: 'camera', status: 'online', count: 1 },
        { type: 'sensor', status: 'offline', count: 1 },
      ]),
    );
    const inUnit = await get<AssetsByStatus>(
      app().admin,
      `/api/v1/dashboards/assets-by-status?adminUnit=${camera.adminUnit}`,
    );
    expect(inUnit.items).toEqual([{ type: 'camera', status: 'online', count: 1 }]);
  });

  it('keeps to the caller’s scope', async () => {
    const mine = await get<AssetsByStatus>(scoped, '/api/v1/dashboards/assets-by-status');
    expect(mine.items).toEqual([{ type: 'camera', status: 'online', count: 1 }]);
    // Asking for a unit outside the scope finds nothing rather than widening it.
    const other = await get<AssetsByStatus>(
      scoped,
      `/api/v1/dashboards/assets-by-status?adminUnit=${sensor.adminUnit}`,
    );
    expect(other.items).toEqual([]);
  });

  it('needs a signed-in caller and a known unit', async () => {
    expect((await app().anonymous.get('/api/v1/dashboards/assets-by-status')).statusCode).toBe(401);
    const res = await app().admin.get('/api/v1/dashboards/assets-by-status?adminUnit=nope');
    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: Array<{ path: string }> }>().errors[0]?.path).toBe('adminUnit');
  });
});

describe('events over time', () => {
  beforeAll(async () => {
    await ingest(cameraDevice, [
      { type: 'heartbeat', ts: hoursAgo(3) },
      { type: 'heartbeat', ts: hoursAgo(3) },
      { type: 'traffic.count', ts: hoursAgo(3), data: { vehicles: 4, intervalSeconds: 60 } },
    ]);
    await ingest(sensorDevice, [
      { type: 'env.reading', ts: hoursAgo(1), data: { pm25: 20 } },
      { type: 'env.reading', ts: hoursAgo(1), data: { pm25: 22 } },
    ]);
  });

  it('counts events per hour and family over the last 24 hours', async () => {
    const body = await get<EventsOverTime>(app().admin, '/api/v1/dashboards/events-over-time');
    expect(body.bucket).toBe('hour');
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(24 * HOUR);
    const at = (iso: string) => new Date(Math.floor(Date.parse(iso) / HOUR) * HOUR).toISOString();
    expect(body.items).toEqual(
      expect.arrayContaining([
        { t: at(hoursAgo(3)), family: 'heartbeat', count: 2 },
        { t: at(hoursAgo(3)), family: 'traffic', count: 1 },
        { t: at(hoursAgo(1)), family: 'env', count: 2 },
      ]),
    );
  });

  it('filters by unit, keeps to the scope, and counts calendar days', async () => {
    const inUnit = await get<EventsOverTime>(
      app().admin,
      `/api/v1/dashboards/events-over-time?adminUnit=${sensor.adminUnit}`,
    );
    expect(inUnit.items.map((i) => i.family)).toEqual(['env']);
    const mine = await get<EventsOverTime>(scoped, '/api/v1/dashboards/events-over-time');
    expect(new Set(mine.items.map((i) => i.family))).toEqual(new Set(['heartbeat', 'traffic']));

    const from = new Date(Date.now() - 3 * 24 * HOUR).toISOString();
    const days = await get<EventsOverTime>(
      app().admin,
      `/api/v1/dashboards/events-over-time?bucket=day&from=${encodeURIComponent(from)}`,
    );
    // A day starts at midnight in Vietnam (UTC+7): 17:00 UTC.
    for (const i of days.items) expect(new Date(i.t).getUTCHours()).toBe(17);
    expect(days.items.reduce((n, i) => n + i.count, 0)).toBeGreaterThanOrEqual(5);
  });

  it('refuses an empty or too long period, naming the field', async () => {
    const now = new Date().toISOString();
    const backwards = await app().admin.get(
      `/api/v1/dashboards/events-over-time?from=${encodeURIComponent(now)}&to=${encodeURIComponent(hoursAgo(2))}`,
    );
    expect(backwards.statusCode).toBe(400);
    const long = new Date(Date.now() - 40 * 24 * HOUR).toISOString();
    const tooLong = await app().admin.get(
      `/api/v1/dashboards/events-over-time?from=${encodeURIComponent(long)}`,
    );
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json<{ errors: Array<{ path: string }> }>().errors[0]?.path).toBe('from');
  });
});

describe('alerts summary', () => {
  it('counts unresolved alerts, and alerts opened by rule and unit, in scope', async () => {
    const rule = await createRule(app().admin, {
      name: 'Cửa tủ bị mở',
      severity: 'critical',
      kind: 'match',
      eventType: 'door.forced',
      assetType: 'sensor',
    });
    await ingest(sensorDevice, [{ type: 'door.forced' }]);
    const summary = await eventually(async () => {
      const s = await get<AlertsSummary>(app().admin, '/api/v1/dashboards/alerts-summary');
      expect(s.unresolved).toEqual([{ severity: 'critical', status: 'open', count: 1 }]);
      return s;
    });
    expect(summary.byRule).toEqual([
      { ruleId: rule.id, title: 'Cửa tủ bị mở', kind: 'match', severity: 'critical', count: 1 },
    ]);
    expect(summary.byUnit).toEqual([
      { adminUnit: sensor.adminUnit, severity: 'critical', count: 1 },
    ]);

    const mine = await get<AlertsSummary>(scoped, '/api/v1/dashboards/alerts-summary');
    expect(mine).toMatchObject({ unresolved: [], byRule: [], byUnit: [] });
    const viewer = await app().userWith('viewer');
    expect((await viewer.get('/api/v1/dashboards/alerts-summary')).statusCode).toBe(200);
  });
});
