/**
 * The demo city as data: agencies, assets and users of a plausible Thái
 * Nguyên, built deterministically from the admin units and a seed. Pure: the
 * seed (seed.ts) writes the result through the services.
 */
import type { AssetType } from '@cityops/contracts';
import type { AgencyCreate } from '../people/agencies.service.js';
import { createRng } from './random.js';
import { UnitMap, type DemoInput } from './units.js';
import { demoAgencies } from './agencies.js';
import { demoCameras } from './cameras.js';
import { demoAnprCameras, demoSignalControllers } from './traffic.js';
import {
  committeeOffices,
  demoClinics,
  demoFireStations,
  demoGovernmentOffices,
  demoHospitals,
  demoPoliceStations,
  demoSchools,
} from './facilities.js';
import { demoFirePanels, demoSensors } from './safety.js';
import { demoUsers, type DemoUserPlan } from './users.js';
import type { DemoAsset, DemoContext } from './build.js';

export const DEFAULT_DEMO_SEED = 'cityops-demo-thai-nguyen-v1';

export interface DemoCity {
  agencies: AgencyCreate[];
  assets: DemoAsset[];
  users: DemoUserPlan[];
}

export function buildDemoCity(input: DemoInput, seed = DEFAULT_DEMO_SEED): DemoCity {
  const map = new UnitMap(input);
  if (!map.units.some((u) => u.area !== null)) {
    throw new Error(
      'the demo city needs the Thái Nguyên admin units with boundaries; load them first (cityops seed)',
    );
  }
  // One random stream per part, so that changing one part leaves the others as they were.
  const part = (name: string): DemoContext => ({ rng: createRng(`${seed}:${name}`), map });
  const hospitals = demoHospitals(part('hospitals'));
  const schools = demoSchools(part('schools'));
  const offices = demoGovernmentOffices(part('offices'), committeeOffices(part('offices')));
  const assets = [
    ...demoCameras(part('cameras')),
    ...demoAnprCameras(part('anpr')),
    ...demoSignalControllers(part('signals')),
    ...demoFireStations(part('fire-stations')),
    ...demoPoliceStations(part('police')),
    ...demoFirePanels(part('fire-panels'), { hospitals, schools, offices }),
    ...hospitals,
    ...demoClinics(part('clinics')),
    ...schools,
    ...offices,
    ...demoSensors(part('sensors')),
  ];
  return { agencies: demoAgencies(map), assets, users: demoUsers(map) };
}

export function countByType(assets: DemoAsset[]): Partial<Record<AssetType, number>> {
  const counts: Partial<Record<AssetType, number>> = {};
  for (const { asset } of assets) counts[asset.type] = (counts[asset.type] ?? 0) + 1;
  return counts;
}
