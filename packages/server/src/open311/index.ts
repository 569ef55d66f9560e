/**
 * The Open311 module: GeoReport v2 at /open311/v2 over the reports module,
 * for Open311 client applications (with API keys of scope open311) and open
 * data consumers.
 */
import type { CityOpsModule, CoreContext } from '../core/module.js';
import type { Principal } from '../core/auth/principal.js';
import type { ReportsModuleParts } from '../reports/index.js';
import { Open311Service } from './open311.service.js';
import { open311Routes } from './open311.routes.js';

export interface Open311Options {
  /** How long a public list answer is reused (default 2,000 ms; 0 turns the cache off). */
  cacheMs?: number;
}

export function open311Module(
  ctx: CoreContext,
  deps: {
    reports: ReportsModuleParts;
    authenticate: (secret: string) => Promise<Principal | null>;
  },
  opts: Open311Options = {},
) {
  const service = new Open311Service(ctx.db, ctx.clock, deps.reports);
  const module: CityOpsModule = {
    name: 'open311',
    routes: open311Routes({
      service,
      reports: deps.reports,
      files: deps.reports.files,
      jurisdiction: ctx.config.reports.jurisdiction,
      publicUrl: ctx.config.reports.publicUrl,
      authenticate: deps.authenticate,
      cacheMs: opts.cacheMs ?? 2000,
    }),
  };
  return { module, service };
}
