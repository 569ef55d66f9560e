/**
 * The demo's devices and alert rules (src/demo/devices.ts, rules.ts) on a
 * small demo city: one device per demo asset that sends data, the rules the
 * demo promises, and a second run that creates nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRule, Device } from '@cityops/contracts';
import { demoActor } from '../../src/demo/seed.js';
import { demoDeviceAssets, ensureDemoDevices } from '../../src/demo/devices.js';
import { DEMO_RULE_NAMES, demoAlertRules, seedDemoRules } from '../../src/demo/rules.js';
import { SMALL_CITY, OFFLINE_CAMERA, startSimulatorApp, type SimulatorApp } from './harness.js';

describe('demo devices and rules', () => {
  let t: SimulatorApp;

  beforeAll(async () => {
    t = await startSimulatorApp({ listen: false });
  });
  afterAll(async () => {
    await t?.cityops.close();
    await t?.testDb.drop();
  });

  it('gives each demo asset that sends data one device', async () => {
    const devices = (await t.admin.get('/api/v1/devices?limit=100')).json<{ items: Device[] }>()
      .items;
    const senders = await demoDeviceAssets(t.cityops.assets.service);
    expect(senders.map((a) => a.code).sort()).toEqual([...SMALL_CITY, OFFLINE_CAMERA].sort());
    expect(devices).toHaveLength(senders.length);
    expect(new Set(devices.map((d) => d.assetId))).toEqual(new Set(senders.map((a) => a.id)));
  });

  it('creates the demo rules: camera and fire-panel silence, fire alarm, PM2.5, a flood mark per gauge', async () => {
    const rules = (await t.admin.get('/api/v1/alert-rules?limit=100')).json<{
      items: AlertRule[];
    }>().items;
    const byName = new Map(rules.map((r) => [r.name, r]));
    expect(byName.get(DEMO_RULE_NAMES.cameraOffline)).toMatchObject({
      kind: 'silence',
      assetType: 'camera',
      severity: 'warning',
      seconds: 180,
      escalateAfterMinutes: 15,
    });
    expect(byName.get(DEMO_RULE_NAMES.fireAlarm)).toMatchObject({
      kind: 'match',
      eventType: 'fire.alarm',
      severity: 'critical',
    });
    expect(byName.get(DEMO_RULE_NAMES.firePanelOffline)).toMatchObject({
      kind: 'silence',
      assetType: 'fire_panel',
      severity: 'critical',
    });
    expect(byName.get(DEMO_RULE_NAMES.pm25)).toMatchObject({
      kind: 'threshold',
      field: 'pm25',
      op: '>',
      value: 55,
      severity: 'warning',
    });
    // The small city has two water-level gauges: a river (m) and a street (cm).
    const water = rules.filter((r) => r.field === 'waterLevel');
    expect(water.map((r) => [r.value, r.severity]).sort()).toEqual([
      [26, 'critical'],
      [30, 'critical'],
    ]);
    expect(rules).toHaveLength(6);
  });

  it('creates the silence rules disabled when nothing will feed them (simulator off)', async () => {
    const senders = await demoDeviceAssets(t.cityops.assets.service);
    const rules = demoAlertRules(senders, { silenceEnabled: false });
    expect(rules.filter((r) => !r.enabled).map((r) => r.kind)).toEqual(['silence', 'silence']);
    expect(demoAlertRules(senders).every((r) => r.enabled)).toBe(true);
  });

  it('creates nothing the second time', async () => {
    const senders = await demoDeviceAssets(t.cityops.assets.service);
    const again = await ensureDemoDevices(t.cityops.devices.service, demoActor, senders);
    expect(again.created).toBe(0);
    expect(again.byAsset.size).toBe(senders.length);
    expect(await seedDemoRules(t.cityops, demoActor, senders)).toBe(0);
  });
});
