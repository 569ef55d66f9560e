/** Reading the event store: lists with filters, scope and cursors; series raw and bucketed. */
import { expect, it } from 'vitest';
import type { Series, StoredEvent } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useEventsApp } from './harness.js';
import {
  buildDeviceOnNewAsset,
  ingest,
  pickWards,
  type TestDevice,
  type Ward,
} from './factories.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describeEachDb('event store queries', (kind) => {
  const t = useEventsApp(kind);
  let wards: Ward[];
  let a: TestDevice;
  let b: TestDevice;
  /** A whole hour two hours ago: the series' events fall in known buckets. */
  const base = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
  const at = (ms: number) => new Date(base + ms).toISOString();

  it('lists events newest first, filtered by asset, type, time and admin unit', async () => {
    const { cityops, admin } = t();
    wards = await pickWards(cityops.db, 2);
    a = await buildDeviceOnNewAsset(cityops, admin, wards[0]!);
    b = await buildDeviceOnNewAsset(cityops, admin, wards[1]!);
    const sent = await ingest(cityops, a.key, [
      { type: 'env.reading', ts: at(60_000), data: { pm25: 10 } },
      { type: 'env.reading', ts: at(120_000), data: { pm25: 20, humidity: 70 } },
      { type: 'env.reading', ts: at(7 * 60_000), data: { pm25: 30 } },
      { type: 'env.reading', ts: at(61 * 60_000), data: { pm25: 40 } },
      { type: 'env.reading', ts: at(62 * 60_000), data: { humidity: 60 } },
      { type: 'fire.alarm', ts: at(3 * 60_000), data: { zone: 2 } },
    ]);
    expect(sent.statusCode).toBe(202);
    await ingest(cityops, b.key, [
      { type: 'env.reading', ts: at(30_000), data: { pm25: 100 } },
      { type: 'fire.smoke', ts: at(90_000), data: {} },
    ]);

    const byAsset = (await admin.get(`/api/v1/events?asset=${a.assetId}`)).json<{
      items: StoredEvent[];
    }>();
    expect(byAsset.items).toHaveLength(6);
    const times = byAsset.items.map((e) => e.observedAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(byAsset.items[0]).toMatchObject({
      assetId: a.assetId,
      deviceId: a.id,
      source: 'http',
      adminUnit: wards[0]!.code,
      assetType: 'sensor',
    });

    const fire = (await admin.get('/api/v1/events?type=fire.*')).json<{ items: StoredEvent[] }>();
    expect(fire.items.map((e) => e.type).sort()).toEqual(['fire.alarm', 'fire.smoke']);
    const exact = (await admin.get('/api/v1/events?type=fire.alarm')).json<{ items: unknown[] }>();
    expect(exact.items).toHaveLength(1);

    const since = encodeURIComponent(at(60 * 60_000));
    const recent = (await admin.get(`/api/v1/events?since=${since}`)).json<{ items: unknown[] }>();
    expect(recent.items).toHaveLength(2);
    const until = encodeURIComponent(at(60_000));
    const early = (await admin.get(`/api/v1/events?until=${until}`)).json<{
      items: StoredEvent[];
    }>();
    expect(early.items.map((e) => e.assetId)).toEqual([b.assetId]);

    const inWard = (await admin.get(`/api/v1/events?adminUnit=${wards[1]!.code}`)).json<{
      items: unknown[];
    }>();
    expect(inWard.items).toHaveLength(2);
    const inProvince = (await admin.get('/api/v1/events?adminUnit=19')).json<{
      items: unknown[];
    }>();
    expect(inProvince.items).toHaveLength(8);
  });

  it('pages with a cursor without gaps or repeats', async () => {
    const { admin } = t();
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/events?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await admin.get(url)).json<{
        items: StoredEvent[];
        nextCursor: string | null;
      }>();
      seen.push(...page.items.map((e) => e.seq));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    expect((await admin.get('/api/v1/events?cursor=bogus')).statusCode).toBe(400);
  });

  it('shows a ward operator only the events of their ward', async () => {
    const { userWith } = t();
    const operator = await userWith('operator', { units: [wards[1]!.code] });
    const list = (await operator.get('/api/v1/events?limit=100')).json<{ items: StoredEvent[] }>();
    expect(list.items).toHaveLength(2);
    expect(new Set(list.items.map((e) => e.adminUnit))).toEqual(new Set([wards[1]!.code]));
    expect((await operator.get(`/api/v1/assets/${a.assetId}/state`)).statusCode).toBe(404);
    expect(
      (await operator.get(`/api/v1/assets/${a.assetId}/series?type=env.reading`)).statusCode,
    ).toBe(404);
    const across = (
      await operator.get('/api/v1/events/series?type=env.reading&field=pm25&bucket=1d')
    ).json<Series>();
    expect(across.points.map((p) => ('max' in p ? p.max : null))).toEqual([100]);
  });

  it('answers an asset’s raw series of one field', async () => {
    const { admin } = t();
    const q = `type=env.reading&field=pm25&from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(2 * HOUR))}`;
    const res = await admin.get(`/api/v1/assets/${a.assetId}/series?${q}`);
    expect(res.statusCode).toBe(200);
    const s = res.json<Series>();
    expect(s).toMatchObject({ bucket: null, field: 'pm25', truncated: false });
    expect(s.points.map((p) => ('value' in p ? p.value : 'bucket'))).toEqual([
      10,
      20,
      30,
      40,
      null,
    ]);
    expect(s.points[0]!.t).toBe(at(60_000));
  });

  it('answers buckets with count, avg, min and max', async () => {
    const { admin } = t();
    const range = `from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(2 * HOUR))}`;
    const five = (
      await admin.get(
        `/api/v1/assets/${a.assetId}/series?type=env.reading&field=pm25&bucket=5m&${range}`,
      )
    ).json<Series>();
    expect(five.points).toEqual([
      { t: at(0), count: 2, avg: 15, min: 10, max: 20 },
      { t: at(5 * 60_000), count: 1, avg: 30, min: 30, max: 30 },
      { t: at(60 * 60_000), count: 1, avg: 40, min: 40, max: 40 },
    ]);
    const hourly = (
      await admin.get(`/api/v1/assets/${a.assetId}/series?type=env.reading&bucket=1h&${range}`)
    ).json<Series>();
    expect(hourly.points).toEqual([
      { t: at(0), count: 3, avg: null, min: null, max: null },
      { t: at(HOUR), count: 2, avg: null, min: null, max: null },
    ]);
    const across = (
      await admin.get(
        `/api/v1/events/series?type=env.reading&field=pm25&bucket=1h&adminUnit=19&${range}`,
      )
    ).json<Series>();
    expect(across.points[0]).toEqual({ t: at(0), count: 4, avg: 40, min: 10, max: 100 });
  });

  it('cuts day buckets at local midnight (Asia/Ho_Chi_Minh)', async () => {
    const { cityops, admin } = t();
    const d = await buildDeviceOnNewAsset(cityops, admin, wards[0]!);
    const offset = 7 * HOUR;
    const midnight = Math.floor((Date.now() + offset) / DAY) * DAY - offset - DAY;
    await ingest(cityops, d.key, [
      {
        type: 'env.reading',
        ts: new Date(midnight - 30 * 60_000).toISOString(),
        data: { pm25: 1 },
      },
      {
        type: 'env.reading',
        ts: new Date(midnight + 30 * 60_000).toISOString(),
        data: { pm25: 3 },
      },
    ]);
    const range = `from=${encodeURIComponent(new Date(midnight - DAY).toISOString())}&to=${encodeURIComponent(new Date(midnight + DAY).toISOString())}`;
    const s = (
      await admin.get(
        `/api/v1/assets/${d.assetId}/series?type=env.reading&field=pm25&bucket=1d&${range}`,
      )
    ).json<Series>();
    expect(s.points.map((p) => p.t)).toEqual([
      new Date(midnight - DAY).toISOString(),
      new Date(midnight).toISOString(),
    ]);
  });

  it('refuses series that are too fine for their range, or across assets without buckets', async () => {
    const { admin } = t();
    const from = encodeURIComponent(new Date(Date.now() - 30 * DAY).toISOString());
    const fine = await admin.get(
      `/api/v1/assets/${a.assetId}/series?type=env.reading&bucket=1m&from=${from}`,
    );
    expect(fine.statusCode).toBe(400);
    expect(fine.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('bucket');
    expect((await admin.get('/api/v1/events/series?type=env.reading')).statusCode).toBe(400);
    expect(
      (await admin.get(`/api/v1/assets/${a.assetId}/series?type=env.reading&field=a;drop`))
        .statusCode,
    ).toBe(400);
  });
});
