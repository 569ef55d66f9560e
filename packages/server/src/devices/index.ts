/**
 * The devices module: device identities and their keys. It teaches the auth
 * service that a `cod_` bearer is a device (disabled devices are nobody).
 */
import type { CityOpsModule, CoreContext } from '../core/module.js';
import type { AuthService } from '../people/auth.service.js';
import { DevicesService } from './devices.service.js';
import { devicesRoutes } from './devices.routes.js';

export type { DeviceIdentity } from './devices.service.js';
export { DevicesService } from './devices.service.js';

export function devicesModule(
  ctx: CoreContext,
  deps: { auth: AuthService },
  opts: { cacheTtlMs?: number } = {},
) {
  const service = new DevicesService(ctx.db, ctx.audit, ctx.clock, opts);
  deps.auth.registerSecretHandler('device', async (_secret, hash) => {
    const identity = await service.byKeyHash(hash);
    return identity ? service.principal(identity) : null;
  });
  const module: CityOpsModule = { name: 'devices', routes: devicesRoutes(service) };
  return { module, service };
}
