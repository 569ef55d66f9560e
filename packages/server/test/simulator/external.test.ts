/**
 * The simulator with an external broker (CITYOPS_MQTT_URL): a private
 * Mosquitto that lets any device in, CityOps subscribed to it; the simulated
 * devices connect there and what they publish is stored. Skipped, visibly,
 * where Mosquitto is not installed.
 * The subscriber (src/mqtt/upstream.ts) takes QoS 1 and 2 through mqtt.js's
 * `customHandleAcks` and QoS 0 readings (heartbeats, counts) as plain
 * messages; both must be stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Asset, StoredEvent } from '@cityops/contracts';
import { HOUR_MS, MINUTE_MS } from '../../src/simulator/time.js';
import { episodeInHour } from '../../src/simulator/incidents.js';
import { planDevice, worldOf } from '../../src/simulator/plan.js';
import { settingsOf, type SimulatorOptions } from '../../src/simulator/settings.js';
import { eventually } from '../alerts/harness.js';
import { mosquittoBinary, useMosquitto } from '../mqtt/harness.js';
import { fastClock, smallCity, startSimulatorApp, type SimulatorApp } from './harness.js';

const bin = mosquittoBinary();
const SIM: SimulatorOptions = { seed: 'external-test', tickMs: 20, connectGapMs: 10 };

/** A time at which a camera's picture degrades 1–3 minutes later (a QoS 1 status change). */
function startTime(): number {
  const settings = settingsOf(SIM);
  const plan = smallCity().flatMap((a, i) => {
    const asset = { ...a, id: `a${i}` } as Pick<Asset, 'id' | 'code' | 'type' | 'properties'>;
    const d = a.status === 'offline' ? undefined : planDevice(asset, `d${i}`, settings);
    return d ? [d] : [];
  });
  const world = worldOf(plan, settings, 'Asia/Ho_Chi_Minh');
  const base = Date.parse('2025-01-15T07:00:00+07:00');
  for (let start = base; start < base + 48 * HOUR_MS; start += MINUTE_MS) {
    const hour = Math.floor(start / HOUR_MS);
    for (const c of plan.filter((d) => d.kind === 'camera')) {
      const e = episodeInHour(world.seed, world.degraded, c.code, hour);
      if (e && e.start >= start + MINUTE_MS && e.start <= start + 3 * MINUTE_MS) return start;
    }
  }
  throw new Error('no start time found');
}

describe.skipIf(!bin)('demo simulator through an external broker (Mosquitto)', () => {
  const mosquitto = useMosquitto(bin ?? 'mosquitto');
  let t: SimulatorApp;

  beforeAll(async () => {
    t = await startSimulatorApp({
      clock: fastClock(startTime(), 60),
      env: { CITYOPS_DEMO: '1', CITYOPS_MQTT_URL: `${mosquitto().url}/?clientId=ioc-test` },
      options: { simulator: SIM },
    });
    await t.cityops.simulator.simulator!.started();
  });
  afterAll(async () => {
    await t?.cityops.close();
    await t?.testDb.drop();
  });

  const stored = async (type: string) =>
    (await t.admin.get(`/api/v1/events?type=${type}&limit=10`)).json<{ items: StoredEvent[] }>()
      .items;

  it('signs every demo device in there, and what arrives at QoS 1 is stored', async () => {
    expect(t.cityops.mqtt.broker).toBeUndefined();
    const sim = t.cityops.simulator.simulator!;
    await eventually(() => expect(sim.stats().connected).toBe(sim.devices.length), 10_000);
    const [status] = await eventually(async () => {
      const items = await stored('status');
      expect(items.length).toBeGreaterThan(0);
      return items;
    }, 15_000);
    expect(status).toMatchObject({ source: 'mqtt', assetType: 'camera' });
    expect(sim.stats().refused).toBe(0);
  }, 30_000);

  it('stores QoS 0 readings too', async () => {
    await eventually(
      async () => expect((await stored('traffic.count')).length).toBeGreaterThan(0),
      5000,
    );
  });
});
