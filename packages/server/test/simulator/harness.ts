/**
 * Helpers of the simulator tests: a clock that runs faster than real time
 * (shared by the app and the simulator, so that minutes of the demo city pass
 * in seconds), a small demo city (a few assets of each sending kind taken from
 * the real demo generator), and a listening CityOps with its embedded broker
 * on a free port and the demo devices and rules seeded.
 */
import { Writable } from 'node:stream';
import type { AssetCreate } from '@cityops/contracts';
import type { Clock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/logger.js';
import type { CityOps, CityOpsOptions } from '../../src/main.js';
import { buildDemoCity } from '../../src/demo/city.js';
import { demoActor } from '../../src/demo/seed.js';
import { demoDeviceAssets, ensureDemoDevices } from '../../src/demo/devices.js';
import { seedDemoRules } from '../../src/demo/rules.js';
import { startCityOps, login } from '../events/harness.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { ADMIN_PASSWORD, callerFor, type Caller, createAdmin } from '../support/app.js';
import { freePort } from '../mqtt/harness.js';
import { shippedDemoInput } from '../demo/fixture.js';

/** Time standing at `start` until `run()`, then running `speed` times faster than the real clock. */
export function fastClock(start: number, speed: number): Clock & { run(): void } {
  let began: number | undefined;
  return {
    now: () => new Date(start + (began === undefined ? 0 : (performance.now() - began) * speed)),
    run: () => void (began ??= performance.now()),
  };
}

/** Codes of the small demo city: cameras (one offline), traffic, a fire panel, sensors of each kind. */
export const SMALL_CITY = [
  'CAM-TN-0001',
  'CAM-TN-0002',
  'CAM-TN-0003',
  'ANPR-TN-01',
  'SIG-TN-001',
  'FP-TN-0001',
  'SEN-TN-001',
  'SEN-TN-018',
  'SEN-TN-026',
  'SEN-TN-027',
] as const;
export const OFFLINE_CAMERA = 'CAM-TN-0404';

/** The small city's assets as the demo generator makes them (no agencies: this city has none). */
export function smallCity(
  codes: readonly string[] = [...SMALL_CITY, OFFLINE_CAMERA],
): AssetCreate[] {
  const city = buildDemoCity(shippedDemoInput());
  return codes.map((code) => {
    const found = city.assets.find((a) => a.asset.code === code);
    if (!found) throw new Error(`the demo city has no ${code}`);
    const status = code === OFFLINE_CAMERA ? 'offline' : 'online';
    return { ...found.asset, agencyCode: null, status };
  });
}

export interface SimulatorApp {
  cityops: CityOps;
  testDb: TestDb;
  admin: Caller;
  mqttPort: number;
  /** Every log line so far. */
  logs: () => string;
}

/** A CityOps with the small demo city, its devices and the demo rules; listening when asked. */
export async function startSimulatorApp(opts: {
  /** Started (`run`) just before the app listens, so that the demo's time begins with the simulator. */
  clock?: Clock & { run?(): void };
  env?: Record<string, string>;
  options?: Partial<CityOpsOptions>;
  listen?: boolean;
}): Promise<SimulatorApp> {
  const mqttPort = await freePort();
  const testDb = await openTestDb('pglite');
  let logged = '';
  const log = createLogger(
    'info',
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logged += chunk.toString();
        done();
      },
    }),
  );
  const { cityops } = await startCityOps(testDb.db, {
    ...(opts.clock ? { clock: opts.clock } : {}),
    env: { CITYOPS_MQTT_PORT: String(mqttPort), ...opts.env },
    options: { log, ...opts.options },
  });
  await cityops.assets.service.importItems(demoActor, smallCity(), { mode: 'upsert' });
  const senders = await demoDeviceAssets(cityops.assets.service);
  await ensureDemoDevices(cityops.devices.service, demoActor, senders);
  await seedDemoRules(cityops, demoActor, senders);
  await createAdmin(cityops, 'sim.admin@test.local');
  const admin = callerFor(cityops, await login(cityops, 'sim.admin@test.local', ADMIN_PASSWORD));
  opts.clock?.run?.();
  if (opts.listen !== false) await cityops.listen();
  return { cityops, testDb, admin, mqttPort, logs: () => logged };
}
