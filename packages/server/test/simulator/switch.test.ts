/**
 * The simulator's switch: CITYOPS_SIMULATOR follows CITYOPS_DEMO unless set,
 * a bad value stops the start naming it, and switched off under the demo it
 * starts nothing: no device created or given a key, no connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/core/config.js';
import { sql } from '../../src/core/db/sql.js';
import { deviceUrl, loopbackUrl } from '../../src/simulator/index.js';
import { sleep } from '../mqtt/harness.js';
import { startCityOps } from '../events/harness.js';
import { startSimulatorApp, type SimulatorApp } from './harness.js';

describe('CITYOPS_SIMULATOR', () => {
  it('follows CITYOPS_DEMO unless set', () => {
    expect(loadConfig({}).simulator).toBe(false);
    expect(loadConfig({ CITYOPS_DEMO: '1' }).simulator).toBe(true);
    expect(loadConfig({ CITYOPS_DEMO: '1', CITYOPS_SIMULATOR: '0' }).simulator).toBe(false);
    expect(loadConfig({ CITYOPS_DEMO: 'true', CITYOPS_SIMULATOR: 'false' }).simulator).toBe(false);
    expect(loadConfig({ CITYOPS_SIMULATOR: '1' }).simulator).toBe(true);
  });

  it('refuses a bad value with one line naming it', () => {
    expect(() => loadConfig({ CITYOPS_SIMULATOR: 'off' })).toThrow(ConfigError);
    expect(() => loadConfig({ CITYOPS_SIMULATOR: 'off' })).toThrow(/^CITYOPS_SIMULATOR: .*"off"/);
  });
});

describe('where simulated devices connect', () => {
  it('the embedded broker on the loopback address of the bind address', () => {
    expect(loopbackUrl('127.0.0.1', 1883)).toBe('mqtt://127.0.0.1:1883');
    expect(loopbackUrl('0.0.0.0', 1883)).toBe('mqtt://127.0.0.1:1883');
    expect(loopbackUrl('::', 1883)).toBe('mqtt://[::1]:1883');
    expect(loopbackUrl('10.0.0.5', 1883)).toBe('mqtt://10.0.0.5:1883');
  });

  it('an external broker without CityOps’s own credentials and client id', () => {
    expect(deviceUrl('mqtts://cityops:secret@broker.example:8883/?clientId=ioc')).toBe(
      'mqtts://broker.example:8883/',
    );
  });
});

describe('switched off under the demo', () => {
  let t: SimulatorApp;
  let devicesBefore = 0;

  beforeAll(async () => {
    t = await startSimulatorApp({
      env: { CITYOPS_DEMO: '1', CITYOPS_SIMULATOR: '0' },
      listen: false,
    });
    devicesBefore = await count(sql`SELECT count(*)::int AS n FROM devices`);
    await t.cityops.listen();
  });
  afterAll(async () => {
    await t?.cityops.close();
    await t?.testDb.drop();
  });

  async function count(query: ReturnType<typeof sql>): Promise<number> {
    const [row] = await t.cityops.db.query<{ n: number }>(query);
    return row!.n;
  }

  it('starts nothing: no simulator, no new device or key, no connection', async () => {
    expect(t.cityops.simulator.simulator).toBeUndefined();
    await sleep(500);
    expect(await count(sql`SELECT count(*)::int AS n FROM devices`)).toBe(devicesBefore);
    expect(
      await count(sql`SELECT count(*)::int AS n FROM devices WHERE rotated_at IS NOT NULL`),
    ).toBe(0);
    expect(
      await count(
        sql`SELECT count(*)::int AS n FROM audit_log WHERE actor_label = 'demo simulator'`,
      ),
    ).toBe(0);
    expect(t.cityops.mqtt.broker!.connectedClients).toBe(0);
    expect(await count(sql`SELECT count(*)::int AS n FROM events`)).toBe(0);
  });

  it('is off in tests unless asked for (no CITYOPS_DEMO)', async () => {
    const { cityops } = await startCityOps(t.testDb.db);
    try {
      expect(cityops.ctx.config.simulator).toBe(false);
      expect(cityops.simulator.simulator).toBeUndefined();
    } finally {
      await cityops.close();
    }
  });
});
