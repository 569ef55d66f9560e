/**
 * The simulator with a real embedded broker on a free port: a small demo city
 * lives for half an hour of demo time (60 times real time, on a clock the app
 * and the simulator share). Its devices sign in with their own keys, events
 * of each kind are stored through MQTT, a camera outage opens the demo's
 * camera-offline alert and clears it, a test fire alarm reaches the demo's
 * fire rule, keys never reach the log, and stop closes every connection.
 *
 * PGlite only: the simulator writes through the services and MQTT (their
 * storage is covered on both databases elsewhere), and this suite runs in
 * real time, so running it twice would double its half a minute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, Asset, StoredEvent } from '@cityops/contracts';
import { HOUR_MS, MINUTE_MS } from '../../src/simulator/time.js';
import { episodeInHour, startsBetween } from '../../src/simulator/incidents.js';
import { planDevice, worldOf, type SimDevice } from '../../src/simulator/plan.js';
import { settingsOf, type SimulatorOptions } from '../../src/simulator/settings.js';
import { DEMO_RULE_NAMES } from '../../src/demo/rules.js';
import { sql } from '../../src/core/db/sql.js';
import { eventually } from '../alerts/harness.js';
import { until } from '../mqtt/harness.js';
import {
  fastClock,
  OFFLINE_CAMERA,
  smallCity,
  startSimulatorApp,
  type SimulatorApp,
} from './harness.js';

const SPEED = 60;
const TZ = 'Asia/Ho_Chi_Minh';
const SIM: SimulatorOptions = {
  seed: 'simulator-test',
  tickMs: 20,
  // One outage and one test alarm an hour per device, so that both come soon.
  cameraOutagesPerHour: 3,
  outageMinutes: [5, 7],
  fireTestsPerDay: 24,
  intervals: { air_quality: 60, water_level: 60, water_quality: 60 },
  connectGapMs: 10,
};

/** The small city as the simulator plans it (ids do not matter to the plan). */
function plannedCity(): SimDevice[] {
  return smallCity().flatMap((a, i) => {
    if (a.status === 'offline') return [];
    const asset = { ...a, id: `a${i}` } as Pick<Asset, 'id' | 'code' | 'type' | 'properties'>;
    const d = planDevice(asset, `d${i}`, settingsOf(SIM));
    return d ? [d] : [];
  });
}

/**
 * A start time (a winter working-day morning) at which a camera's outage
 * begins 4–6 minutes later and a fire panel tests within 10 minutes: found
 * from the same pure functions the simulator uses.
 */
function startTime(plan: SimDevice[]): { start: number; camera: string; outageEnd: number } {
  const world = worldOf(plan, settingsOf(SIM), TZ);
  const cameras = plan.filter((d) => d.kind === 'camera');
  const panel = plan.find((d) => d.kind === 'fire_panel')!;
  const base = Date.parse('2025-01-15T06:30:00+07:00');
  for (let start = base; start < base + 48 * HOUR_MS; start += MINUTE_MS) {
    const tested = startsBetween(
      world.seed,
      world.fireTest,
      panel.code,
      start + MINUTE_MS,
      start + 10 * MINUTE_MS,
    );
    if (tested.length === 0) continue;
    for (const c of cameras) {
      const hour = Math.floor(start / HOUR_MS);
      for (const h of [hour, hour + 1]) {
        const e = episodeInHour(world.seed, world.outage, c.code, h);
        if (e && e.start >= start + 4 * MINUTE_MS && e.start <= start + 6 * MINUTE_MS) {
          return { start, camera: c.code, outageEnd: e.end };
        }
      }
    }
  }
  throw new Error('no start time found');
}

describe('demo simulator over the embedded broker', () => {
  const plan = plannedCity();
  const { start, camera } = startTime(plan);
  let t: SimulatorApp;
  const assetIds = new Map<string, string>();

  beforeAll(async () => {
    t = await startSimulatorApp({
      clock: fastClock(start, SPEED),
      env: { CITYOPS_DEMO: '1' },
      options: { simulator: SIM, alerts: { silence: { intervalMs: 100 } } },
    });
    const res = await t.admin.get('/api/v1/assets?tag=demo&limit=100');
    for (const a of res.json<{ items: Asset[] }>().items) assetIds.set(a.code, a.id);
    await t.cityops.simulator.simulator!.started();
  });
  afterAll(async () => {
    await t?.cityops.close();
    await t?.testDb.drop();
  });

  async function events(type: string, asset?: string): Promise<StoredEvent[]> {
    const q = `type=${type}&limit=1000${asset ? `&asset=${asset}` : ''}`;
    const res = await t.admin.get(`/api/v1/events?${q}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ items: StoredEvent[] }>().items;
  }

  async function alertsOf(rule: string, asset: string): Promise<Alert[]> {
    const rules = (await t.admin.get('/api/v1/alert-rules?limit=100')).json<{
      items: Array<{ id: string; name: string }>;
    }>().items;
    const ruleId = rules.find((r) => r.name === rule)!.id;
    const res = await t.admin.get(`/api/v1/alerts?rule=${ruleId}&asset=${asset}`);
    return res.json<{ items: Alert[] }>().items;
  }

  it('connects each demo device that sends data, with its own key; the offline one stays silent', async () => {
    const sim = t.cityops.simulator.simulator!;
    expect(sim.devices).toHaveLength(plan.length);
    expect(sim.devices.map((d) => d.code)).not.toContain(OFFLINE_CAMERA);
    await until(() => t.cityops.mqtt.broker!.connectedClients >= plan.length - 1, 10_000);
    expect(sim.stats().refused).toBe(0);
  });

  it('re-arms the demo silence rules as it starts: silence counts from then', async () => {
    const rules = (await t.admin.get('/api/v1/alert-rules?kind=silence')).json<{
      items: Array<{ name: string; armedAt: string; createdAt: string }>;
    }>().items;
    expect(rules.map((r) => r.name).sort()).toEqual(
      [DEMO_RULE_NAMES.cameraOffline, DEMO_RULE_NAMES.firePanelOffline].sort(),
    );
    const audit = await t.cityops.db.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM audit_log
          WHERE actor_label = 'demo simulator' AND action = 'alert_rule.update'`,
    );
    expect(audit[0]!.n).toBe(2);
  });

  it('stores events of each kind through MQTT', async () => {
    const kinds = ['heartbeat', 'traffic.count', 'env.reading', 'fire.alarm', 'status'];
    await eventually(async () => {
      for (const type of kinds) expect((await events(type)).length, type).toBeGreaterThan(0);
    }, 25_000);
    const counts = await events('traffic.count', assetIds.get('SIG-TN-001'));
    expect(counts[0]).toMatchObject({
      source: 'mqtt',
      assetType: 'signal_controller',
      data: { intervalSeconds: 60 },
    });
    expect(counts[0]!.deviceEventId).toMatch(/^tc60-\d+$/);
    expect(typeof counts[0]!.data.vehicles).toBe('number');
    expect(typeof counts[0]!.data.speedAvg).toBe('number');
    const air = await events('env.reading', assetIds.get('SEN-TN-001'));
    expect(typeof air[0]!.data.pm25).toBe('number');
    expect(typeof air[0]!.data.temperature).toBe('number');
    const flood = await events('env.reading', assetIds.get('SEN-TN-026'));
    expect(flood[0]!.data.unit).toBe('cm');
    expect(typeof flood[0]!.data.waterLevel).toBe('number');
    const [alarm] = await events('fire.alarm');
    expect(alarm).toMatchObject({ assetType: 'fire_panel', data: { test: true } });
    expect(await events('heartbeat', assetIds.get(OFFLINE_CAMERA))).toEqual([]);
    // Readings carry the time of the demo city, not of the machine.
    const [beat] = await events('heartbeat');
    expect(Date.parse(beat!.observedAt)).toBeGreaterThanOrEqual(start);
  }, 40_000);

  it('a test fire alarm reaches the demo fire rule, its test flag in the details', async () => {
    const panel = assetIds.get('FP-TN-0001')!;
    const [alert] = await eventually(async () => {
      const found = await alertsOf(DEMO_RULE_NAMES.fireAlarm, panel);
      expect(found).toHaveLength(1);
      return found;
    }, 10_000);
    expect(alert).toMatchObject({ severity: 'critical', details: { data: { test: true } } });
  });

  it('an outage opens the camera-offline alert of the demo rule, and it clears when the camera is back', async () => {
    const asset = assetIds.get(camera)!;
    const [opened] = await eventually(async () => {
      const found = await alertsOf(DEMO_RULE_NAMES.cameraOffline, asset);
      expect(found.length).toBeGreaterThan(0);
      return found;
    }, 15_000);
    expect(opened).toMatchObject({ kind: 'silence', severity: 'warning' });
    await eventually(async () => {
      const [alert] = await alertsOf(DEMO_RULE_NAMES.cameraOffline, asset);
      expect(alert!.status).toBe('resolved');
    }, 15_000);
    const back = await events('status', asset);
    // It says it is back (online, or degraded if its picture is poor just then).
    expect(back.some((e) => e.deviceEventId?.startsWith('st-up-'))).toBe(true);
    // The camera that never speaks is offline too, and stays so.
    const [silent] = await alertsOf(DEMO_RULE_NAMES.cameraOffline, assetIds.get(OFFLINE_CAMERA)!);
    expect(silent?.status).not.toBe('resolved');
  }, 35_000);

  it('never logs a key, and stop closes every connection', async () => {
    expect(t.logs()).toContain('demo simulator running');
    expect(t.logs()).not.toMatch(/cod_/);
    await t.cityops.simulator.module.stop!();
    await until(() => t.cityops.mqtt.broker!.connectedClients === 0, 5000);
    const sent = t.cityops.simulator.simulator!.stats().sent;
    const before = await events('heartbeat');
    await new Promise((r) => setTimeout(r, 300));
    expect(await events('heartbeat')).toHaveLength(before.length);
    expect(t.cityops.simulator.simulator!.stats().sent).toEqual(sent);
  });
});
