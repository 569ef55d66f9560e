/**
 * POST /api/v1/ingest: stored after commit, idempotent retries, all or nothing
 * per request, bad payloads refused, counted and not stored, keys checked.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { describeEachDb } from '../support/db.js';
import { sql } from '../../src/core/db/sql.js';
import { useEventsApp } from '../events/harness.js';
import {
  buildDeviceOnNewAsset,
  countEvents,
  ingest,
  metricValue,
  pickWards,
  type IngestAnswer,
  type TestDevice,
  type Ward,
} from '../events/factories.js';

describeEachDb('HTTP ingest', (kind) => {
  const t = useEventsApp(kind);
  let ward: Ward;
  let device: TestDevice;

  it('stores one event and answers after commit with its seq', async () => {
    const { cityops, admin } = t();
    [ward] = (await pickWards(cityops.db, 1)) as [Ward];
    device = await buildDeviceOnNewAsset(cityops, admin, ward);
    const res = await ingest(cityops, device.key, {
      type: 'env.reading',
      ts: new Date(Date.now() - 60_000).toISOString(),
      data: { pm25: 35.2, humidity: 80 },
    });
    expect(res.statusCode).toBe(202);
    const body = res.json<IngestAnswer>();
    expect(body).toMatchObject({ accepted: 1, duplicates: 0 });
    const seq = body.results[0]!.seq;
    const [row] = await cityops.db.query<{ type: string; source: string; admin_unit_code: string }>(
      sql`SELECT type, source, admin_unit_code, asset_type FROM events WHERE seq = ${seq}`,
    );
    expect(row).toMatchObject({ type: 'env.reading', source: 'http', admin_unit_code: ward.code });
  });

  it('stores a batch with increasing seqs', async () => {
    const { cityops } = t();
    const res = await ingest(
      cityops,
      device.key,
      Array.from({ length: 5 }, (_, i) => ({
        type: 'traffic.count',
        data: { vehicles: i, intervalSeconds: 60 },
      })),
    );
    expect(res.statusCode).toBe(202);
    const seqs = res.json<IngestAnswer>().results.map((r) => r.seq);
    expect(seqs).toHaveLength(5);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1]! + 1);
  });

  it('stores a retry once: the repeat is a duplicate with the first seq', async () => {
    const { cityops } = t();
    const event = { id: 'evt-0001', type: 'heartbeat', data: {} };
    const first = await ingest(cityops, device.key, event);
    expect(first.statusCode).toBe(202);
    const seq = first.json<IngestAnswer>().results[0]!.seq;
    const before = await countEvents(cityops.db);
    const again = await ingest(cityops, device.key, event);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({
      accepted: 0,
      duplicates: 1,
      results: [{ index: 0, duplicate: true, seq }],
    });
    const mixed = await ingest(cityops, device.key, [
      event,
      { id: 'evt-0002', type: 'heartbeat' },
      { id: 'evt-0002', type: 'heartbeat' },
      { type: 'heartbeat' },
    ]);
    const m = mixed.json<IngestAnswer>();
    expect(m).toMatchObject({ accepted: 2, duplicates: 2 });
    expect(m.results[0]).toEqual({ index: 0, duplicate: true, seq });
    expect(m.results[2]).toEqual({ index: 2, duplicate: true, seq: m.results[1]!.seq });
    expect(await countEvents(cityops.db)).toBe(before + 2);
  });

  it('refuses a whole batch when one event is bad, naming it, and stores nothing', async () => {
    const { cityops } = t();
    const before = await countEvents(cityops.db);
    const batch = Array.from({ length: 5 }, () => ({
      type: 'traffic.count',
      data: { vehicles: 3, intervalSeconds: 60 },
    }));
    batch[3] = { type: 'traffic.count', data: { vehicles: -1, intervalSeconds: 60 } };
    const res = await ingest(cityops, device.key, batch);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path)).toEqual([
      '3.data.vehicles',
    ]);
    expect(await countEvents(cityops.db)).toBe(before);
  });

  it('refuses bad payloads, counts them by reason and stores none of them', async () => {
    const { cityops, admin } = t();
    const before = await countEvents(cityops.db);
    const rejected = async (reason: string) =>
      metricValue(
        (await admin.get('/metrics')).body,
        'cityops_ingest_rejected_total',
        `reason="${reason}"`,
      );
    const earlier = {
      malformed: await rejected('malformed'),
      invalid: await rejected('invalid'),
      tooLarge: await rejected('too_large'),
    };
    const cases: Array<[unknown, number, string]> = [
      ['{"type": "heartbeat", ', 400, '(root)'],
      [{ type: 'Not A Type' }, 400, 'type'],
      [{ type: 'heartbeat', colour: 'red' }, 400, 'colour'],
      [{ type: 'status', data: { status: 'sleepy' } }, 400, 'data.status'],
      [{ type: 'traffic.count', data: { vehicles: 3 } }, 400, 'data.intervalSeconds'],
      [{ type: 'heartbeat', ts: new Date(Date.now() + 3_600_000).toISOString() }, 400, 'ts'],
      [{ type: 'heartbeat', ts: '2020-01-01T00:00:00Z' }, 400, 'ts'],
      [{ type: 'heartbeat', data: { note: 'a\u0000b' } }, 400, 'data'],
      [{ type: 'heartbeat', data: 'not an object' }, 400, 'data'],
      [[], 400, '(root)'],
      [{ type: 'env.reading', data: { blob: 'x'.repeat(17_000) } }, 413, 'data'],
      [Array.from({ length: 1001 }, () => ({ type: 'heartbeat' })), 413, ''],
    ];
    for (const [body, status, path] of cases) {
      const res = await ingest(cityops, device.key, body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(status);
      if (path) {
        const errors = res.json<{ errors?: Array<{ path: string }> }>().errors ?? [
          { path: '(root)' },
        ];
        expect(errors[0]!.path, res.body).toBe(path);
      }
    }
    expect(await countEvents(cityops.db)).toBe(before);
    expect(await rejected('malformed')).toBe(earlier.malformed + 1);
    expect(await rejected('invalid')).toBe(earlier.invalid + 9);
    expect(await rejected('too_large')).toBe(earlier.tooLarge + 2);
  });

  it('takes an unknown type with any object, but not where the asset type restricts it', async () => {
    const { cityops, admin } = t();
    const ok = await ingest(cityops, device.key, { type: 'water.valve', data: { open: true } });
    expect(ok.statusCode).toBe(202);
    const panel = await buildDeviceOnNewAsset(cityops, admin, ward, 'fire_panel');
    const refused = await ingest(cityops, panel.key, [
      { type: 'fire.alarm', data: { zone: 3 } },
      { type: 'water.valve', data: { open: true } },
    ]);
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('1.type');
    expect(
      (await ingest(cityops, panel.key, { type: 'fire.alarm', data: { zone: 3 } })).statusCode,
    ).toBe(202);
  });

  it('refuses a missing or wrong key with 401 and a user token with 403', async () => {
    const { cityops, admin } = t();
    expect((await ingest(cityops, null, { type: 'heartbeat' })).statusCode).toBe(401);
    expect((await ingest(cityops, 'cod_wrong', { type: 'heartbeat' })).statusCode).toBe(401);
    expect((await ingest(cityops, admin.token, { type: 'heartbeat' })).statusCode).toBe(403);
    const metrics = (await admin.get('/metrics')).body;
    expect(
      metricValue(metrics, 'cityops_ingest_rejected_total', 'reason="unauthorized"'),
    ).toBeGreaterThanOrEqual(3);
  });

  it('refuses a body over the size limit with 413, and one that is not JSON with 400', async () => {
    const { cityops, admin } = t();
    const big = JSON.stringify(
      Array.from({ length: 1000 }, () => ({ type: 'heartbeat', data: { pad: 'x'.repeat(5000) } })),
    );
    const rejected = async (reason: string) =>
      metricValue(
        (await admin.get('/metrics')).body,
        'cityops_ingest_rejected_total',
        `reason="${reason}"`,
      );
    const [tooLarge, malformed] = [await rejected('too_large'), await rejected('malformed')];
    const res = await ingest(cityops, device.key, big);
    expect(res.statusCode).toBe(413);
    const text = await cityops.app.inject({
      method: 'POST',
      url: '/api/v1/ingest',
      headers: { authorization: `Bearer ${device.key}`, 'content-type': 'text/plain' },
      payload: 'heartbeat',
    });
    expect(text.statusCode).toBe(400);
    expect(await rejected('too_large')).toBe(tooLarge + 1);
    expect(await rejected('malformed')).toBe(malformed + 1);
  });

  it('keeps each asset’s latest state per event type; a late event does not hide a newer one', async () => {
    const { cityops, admin } = t();
    const d = await buildDeviceOnNewAsset(cityops, admin, ward);
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    await ingest(cityops, d.key, [
      { type: 'env.reading', ts: at(10), data: { pm25: 10 } },
      { type: 'env.reading', ts: at(5), data: { pm25: 50, pm10: 70 } },
      { type: 'status', ts: at(4), data: { status: 'online' } },
    ]);
    const late = await ingest(cityops, d.key, {
      type: 'env.reading',
      ts: at(8),
      data: { pm25: 20 },
    });
    const lateSeq = late.json<IngestAnswer>().results[0]!.seq;
    const res = await admin.get(`/api/v1/assets/${d.assetId}/state`);
    expect(res.statusCode).toBe(200);
    const state = res.json<{
      lastEventSeq: number;
      lastEventAt: string;
      latest: Record<string, { at: string; data: unknown }>;
    }>();
    const env = state.latest['env.reading']!;
    expect(env.data).toEqual({ pm25: 50, pm10: 70 });
    expect(Math.abs(Date.parse(env.at) - (Date.now() - 5 * 60_000))).toBeLessThan(30_000);
    expect(state.latest.status!.data).toEqual({ status: 'online' });
    expect(state.lastEventSeq).toBe(lateSeq);
    expect(Date.parse(state.lastEventAt)).toBeGreaterThan(Date.now() - 4.5 * 60_000);
  });
});

describeEachDb('HTTP ingest rate limit', (kind) => {
  const t = useEventsApp(kind, { options: { ingest: { ratePerSecond: 0.01, burst: 5 } } });

  it('limits a flooding device with 429 and leaves the others alone', async () => {
    const { cityops, admin } = t();
    const [ward] = (await pickWards(cityops.db, 1)) as [Ward];
    const flood = await buildDeviceOnNewAsset(cityops, admin, ward);
    const quiet = await buildDeviceOnNewAsset(cityops, admin, ward);
    const batch = Array.from({ length: 4 }, () => ({ type: 'heartbeat' }));
    expect((await ingest(cityops, flood.key, batch)).statusCode).toBe(202);
    expect((await ingest(cityops, flood.key, { type: 'heartbeat' })).statusCode).toBe(202);
    const limited = await ingest(cityops, flood.key, { type: 'heartbeat' });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) {
      expect((await ingest(cityops, quiet.key, { type: 'heartbeat' })).statusCode).toBe(202);
    }
    const metrics = (await admin.get('/metrics')).body;
    expect(metricValue(metrics, 'cityops_ingest_rejected_total', 'reason="rate_limited"')).toBe(1);
  });
});

const logLines: string[] = [];
const captured = pino(
  { level: 'info' },
  new Writable({
    write(chunk: Buffer, _enc, cb) {
      logLines.push(chunk.toString());
      cb();
    },
  }),
);

describeEachDb('HTTP ingest logging', (kind) => {
  const t = useEventsApp(kind, { options: { log: captured } });

  it('logs a refused payload with the device id, never the key', async () => {
    const { cityops, admin } = t();
    const [ward] = (await pickWards(cityops.db, 1)) as [Ward];
    const d = await buildDeviceOnNewAsset(cityops, admin, ward);
    logLines.length = 0;
    const res = await ingest(cityops, d.key, { type: 'status', data: { status: 'sleepy' } });
    expect(res.statusCode).toBe(400);
    const refusal = logLines
      .map((l) => JSON.parse(l) as { msg: string; deviceId?: string; reason?: string })
      .find((l) => l.msg === 'ingest refused');
    expect(refusal).toMatchObject({ deviceId: d.id, reason: 'invalid' });
    expect(logLines.join('\n')).not.toContain(d.key);
  });
});
