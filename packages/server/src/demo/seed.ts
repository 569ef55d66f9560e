/**
 * Loads the demo city (CITYOPS_DEMO=1, or `cityops seed --demo`) through the
 * services, so that every write is checked and audited as "demo seed":
 * agencies, assets, a device identity for each asset that sends data
 * (devices.ts), the demo's alert rules (rules.ts), citizen reports in every
 * status (reports/demo.ts), then the users. The
 * demo is complete once its last user exists; each step skips what a previous,
 * interrupted run already wrote, so a second start creates nothing.
 */
import { randomBytes } from 'node:crypto';
import type { AssetCreate } from '@cityops/contracts';
import type { CityOps } from '../main.js';
import type { Actor } from '../core/auth/principal.js';
import { NotFoundError } from '../core/errors.js';
import { buildDemoCity, countByType } from './city.js';
import { loadDemoInput } from './input.js';
import { DEMO_MARKER_EMAIL } from './users.js';
import { demoDeviceAssets, ensureDemoDevices } from './devices.js';
import { seedDemoRules } from './rules.js';
import { seedDemoReports } from '../reports/demo.js';

export interface DemoResult {
  /** The users created now, with their passwords (shown once, never logged). */
  users: Array<{ role: string; email: string; password: string; scope: string }>;
  agencies: number;
  assets: number;
  /** Device identities created for the demo assets that send data (their keys are not kept). */
  devices: number;
  rules: number;
  /** Citizen reports in every status (reports/demo.ts). */
  reports: number;
  ms: number;
}

export const demoActor: Actor = { type: 'system', id: null, label: 'demo seed' };

/** 16 characters from 96 random bits. */
const newPassword = () => randomBytes(12).toString('base64url');

/** The one call into the assets module: all the demo's assets in one all-or-nothing import. */
async function importDemoAssets(cityops: CityOps, assets: AssetCreate[]): Promise<number> {
  const result = await cityops.assets.service.importItems(demoActor, assets, { mode: 'upsert' });
  return result.created;
}

async function agencyExists(cityops: CityOps, code: string): Promise<boolean> {
  try {
    await cityops.people.agencies.get(code);
    return true;
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}

/** Loads the demo when the database holds no (complete) demo yet; answers null when it was there. */
export async function seedDemo(cityops: CityOps): Promise<DemoResult | null> {
  const { people, geo, ctx } = cityops;
  if (await people.users.findByEmail(DEMO_MARKER_EMAIL)) return null;
  const started = Date.now();
  const city = buildDemoCity(await loadDemoInput(geo.service));

  let agencies = 0;
  for (const agency of city.agencies) {
    if (await agencyExists(cityops, agency.code)) continue;
    await people.agencies.create(demoActor, agency);
    agencies++;
  }

  const assets = await importDemoAssets(
    cityops,
    city.assets.map((a) => a.asset),
  );

  const senders = await demoDeviceAssets(cityops.assets.service);
  const { created: devices } = await ensureDemoDevices(cityops.devices.service, demoActor, senders);
  const rules = await seedDemoRules(cityops, demoActor, senders, {
    silenceEnabled: ctx.config.simulator,
  });
  const { reports } = await seedDemoReports(
    ctx,
    cityops.reports,
    city.assets
      .map((a) => a.asset.geometry)
      .flatMap((g) => (g.type === 'Point' ? [g.coordinates as [number, number]] : [])),
    demoActor,
  );

  const users: DemoResult['users'] = [];
  for (const plan of city.users) {
    if (await people.users.findByEmail(plan.email)) continue;
    const password = newPassword();
    await people.users.create(demoActor, {
      email: plan.email,
      password,
      name: plan.name,
      role: plan.role,
      units: plan.units,
      agencies: plan.agencies,
      locale: 'vi',
    });
    users.push({ role: plan.role, email: plan.email, password, scope: plan.scope });
  }

  const ms = Date.now() - started;
  ctx.log.info(
    {
      agencies,
      assets,
      byType: countByType(city.assets),
      devices,
      rules,
      reports,
      users: users.length,
      ms,
    },
    'demo data loaded',
  );
  return { users, agencies, assets, devices, rules, reports, ms };
}
