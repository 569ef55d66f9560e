/**
 * The rules engine on real ingestion: threshold (with hysteresis), match (with
 * a prefix) and geofence rules fire, clear and reopen; one unresolved alert
 * per rule and asset under concurrent firings; two engines on one queue group
 * evaluate each event once.
 */
import { beforeAll, expect, it } from 'vitest';
import type { Alert } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useEventsApp } from '../events/harness.js';
import {
  buildAsset,
  buildDevice,
  ingest,
  pickWards,
  type TestDevice,
  type Ward,
} from '../events/factories.js';
import { sql } from '../../src/core/db/sql.js';
import { newId } from '../../src/core/ids.js';
import { createLogger } from '../../src/core/logger.js';
import { RulesEngine } from '../../src/alerts/engine.js';
import {
  alertOf,
  alertsOfRule,
  createRule,
  eventually,
  listAlerts,
  squareAround,
} from './harness.js';

describeEachDb('rules engine', (kind) => {
  const t = useEventsApp(kind);
  let wards: Ward[];
  let sensor: TestDevice;

  const send = async (device: TestDevice, type: string, data: Record<string, unknown> = {}) => {
    const res = await ingest(t().cityops, device.key, { type, data });
    expect(res.statusCode, res.body).toBe(202);
  };
  const newDevice = async (type = 'sensor', ward = wards[0]!) => {
    const asset = await buildAsset(t().cityops.db, { ward, type });
    return buildDevice(t().admin, asset.id);
  };

  beforeAll(async () => {
    await t().cityops.alerts.engine.start();
    wards = await pickWards(t().cityops.db, 2);
    sensor = await newDevice();
  });

  it('threshold: fires, counts repeats, holds between the limits, clears, and reopens', async () => {
    const { admin } = t();
    const rule = await createRule(admin, {
      name: 'PM2.5 high',
      severity: 'warning',
      kind: 'threshold',
      assetId: sensor.assetId,
      eventType: 'env.reading',
      field: 'pm25',
      op: '>',
      value: 75,
      clearValue: 60,
    });
    await send(sensor, 'env.reading', { pm25: 80 });
    const [opened] = await alertsOfRule(admin, rule.id, 1);
    expect(opened).toMatchObject({
      status: 'open',
      severity: 'warning',
      title: 'PM2.5 high',
      assetId: sensor.assetId,
      adminUnit: wards[0]!.code,
      count: 1,
      details: { field: 'pm25', value: 80, op: '>', limit: 75 },
    });
    await send(sensor, 'env.reading', { pm25: 90 });
    await send(sensor, 'env.reading', { temperature: 30 });
    await send(sensor, 'env.reading', { pm25: 70 });
    await eventually(async () => expect((await alertOf(admin, opened!.id)).count).toBe(2));
    expect((await alertOf(admin, opened!.id)).status).toBe('open');

    await send(sensor, 'env.reading', { pm25: 55 });
    const cleared = await eventually(async () => {
      const a = await alertOf(admin, opened!.id);
      expect(a.status).toBe('resolved');
      return a;
    });
    expect(cleared.resolvedBy).toMatchObject({ type: 'system' });
    expect(cleared.history.map((h) => [h.action, h.toStatus])).toEqual([
      ['opened', 'open'],
      ['cleared', 'resolved'],
    ]);

    await send(sensor, 'env.reading', { pm25: 120 });
    const [again, old] = await alertsOfRule(admin, rule.id, 2);
    expect(again).toMatchObject({ status: 'open', count: 1 });
    expect(old!.id).toBe(opened!.id);
    await admin.delete(`/api/v1/alert-rules/${rule.id}`);
    expect((await alertOf(admin, again!.id)).status).toBe('resolved');
  });

  it('match: a prefix like fire.* on a fire panel opens one alert that waits for a person', async () => {
    const { admin } = t();
    const panel = await newDevice('fire_panel');
    const rule = await createRule(admin, {
      name: 'Fire alarm',
      severity: 'critical',
      kind: 'match',
      eventType: 'fire.*',
      assetType: 'fire_panel',
    });
    await send(panel, 'heartbeat');
    await send(panel, 'fire.alarm', { zone: 3 });
    const [alert] = await alertsOfRule(admin, rule.id, 1);
    expect(alert).toMatchObject({
      kind: 'match',
      details: { eventType: 'fire.alarm', data: { zone: 3 } },
    });
    await send(panel, 'fire.alarm', { zone: 4 });
    await send(panel, 'heartbeat');
    await eventually(async () => expect((await alertOf(admin, alert!.id)).count).toBe(2));
    expect((await alertOf(admin, alert!.id)).status).toBe('open');
    await admin.patch(`/api/v1/alert-rules/${rule.id}`, { enabled: false });
  });

  it('geofence: enter and leave from positions in events, starting from the registered place', async () => {
    const { admin } = t();
    const vehicle = await newDevice('sensor');
    const w = wards[0]!;
    const far = { lon: w.lon + 0.2, lat: w.lat };
    const zone = await createRule(admin, {
      name: 'Entered the restricted zone',
      severity: 'warning',
      kind: 'geofence',
      assetId: vehicle.assetId,
      area: squareAround(far.lon, far.lat, 0.01),
      on: 'enter',
    });
    const home = await createRule(admin, {
      name: 'Left home',
      severity: 'info',
      kind: 'geofence',
      assetId: vehicle.assetId,
      area: squareAround(w.lon, w.lat, 0.01),
      on: 'leave',
    });
    await send(vehicle, 'gps.position', { lat: w.lat + 0.001, lon: w.lon });
    await send(vehicle, 'gps.position', { lat: far.lat, lon: far.lon });
    const [entered] = await alertsOfRule(admin, zone.id, 1);
    const [left] = await alertsOfRule(admin, home.id, 1);
    expect(entered).toMatchObject({
      status: 'open',
      details: { on: 'enter', lat: far.lat, lon: far.lon },
    });
    expect(left).toMatchObject({ status: 'open', details: { on: 'leave' } });

    await send(vehicle, 'gps.position', { lat: far.lat + 0.003, lon: far.lon });
    await send(vehicle, 'heartbeat');
    await send(vehicle, 'gps.position', { lat: w.lat, lon: w.lon });
    await eventually(async () => {
      expect((await alertOf(admin, entered!.id)).status).toBe('resolved');
      expect((await alertOf(admin, left!.id)).status).toBe('resolved');
    });
    expect((await alertOf(admin, entered!.id)).count).toBe(1);
    await send(vehicle, 'gps.position', { lat: far.lat, lon: far.lon });
    const zoneAlerts = await alertsOfRule(admin, zone.id, 2);
    expect(zoneAlerts[0]!.status).toBe('open');
  });

  it('keeps one unresolved alert per rule and asset under concurrent firings', async () => {
    const { admin, cityops } = t();
    const device = await newDevice();
    const rule = await createRule(admin, {
      name: 'Concurrent',
      severity: 'info',
      kind: 'match',
      eventType: 'race.start',
      assetId: device.assetId,
    });
    const { alerts, changes } = cityops.alerts;
    const fire = (seq: number) =>
      changes.apply((tx) =>
        alerts.fireIn(tx, {
          id: newId(),
          ruleId: rule.id,
          kind: 'match',
          assetId: device.assetId,
          severity: 'info',
          title: 'Concurrent',
          message: null,
          details: {},
          seq,
          adminUnit: wards[0]!.code,
          agencyCode: null,
          count: 1,
        }),
      );
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => fire(1_000_000 + i)));
    expect(results.flat().filter((c) => c.action === 'opened')).toHaveLength(1);
    const [row] = await cityops.db.query<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM alerts WHERE rule_id = ${rule.id} AND status <> 'resolved'`);
    expect(row!.n).toBe(1);
  });

  it('two engines on one queue group evaluate each event once', async () => {
    const { admin, cityops } = t();
    const second = new RulesEngine(
      cityops.db,
      cityops.bus,
      cityops.alerts.alerts,
      cityops.alerts.changes,
      createLogger('silent'),
    );
    await second.start();
    const first = cityops.alerts.engine;
    const device = await newDevice();
    const rule = await createRule(admin, {
      name: 'Two engines',
      severity: 'info',
      kind: 'match',
      eventType: 'tick',
      assetId: device.assetId,
    });
    // Which events each engine evaluates, from here on (an earlier test's events may still be
    // under evaluation: counting them would make this one's counts wrong).
    const start = await cityops.events.service.lastSeq();
    const seen = new Map<RulesEngine, number[]>([
      [first, []],
      [second, []],
    ]);
    for (const [engine, seqs] of seen) {
      const handle = engine.handle.bind(engine);
      engine.handle = (batch) => {
        seqs.push(...batch.filter((e) => e.seq > start).map((e) => Number(e.seq)));
        return handle(batch);
      };
    }
    try {
      await Promise.all(Array.from({ length: 20 }, () => send(device, 'tick')));
      const stored = async () =>
        (
          await cityops.db.query<{ seq: number }>(
            sql`SELECT seq FROM events WHERE seq > ${start} ORDER BY seq`,
          )
        ).map((r) => Number(r.seq));
      const evaluated = () => [...seen.get(first)!, ...seen.get(second)!].sort((a, b) => a - b);
      await eventually(async () => {
        const [alert] = await listAlerts(admin, `rule=${rule.id}`);
        expect(alert).toBeDefined();
        expect(evaluated()).toEqual(await stored());
      });
      await new Promise((r) => setTimeout(r, 200));
      // Each stored event once, by one engine or the other; both had a share.
      expect(evaluated()).toEqual(await stored());
      expect(seen.get(first)!.length).toBeGreaterThan(0);
      expect(seen.get(second)!.length).toBeGreaterThan(0);
    } finally {
      Reflect.deleteProperty(first, 'handle');
      Reflect.deleteProperty(second, 'handle');
    }
    const alerts: Alert[] = await listAlerts(admin, `rule=${rule.id}`);
    expect(alerts).toHaveLength(1);
    await second.stop();
  });
});
