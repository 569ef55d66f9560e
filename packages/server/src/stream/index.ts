/** The live-stream module: the SSE route and the hub that feeds its clients from the bus. */
import type { CityOpsModule, CoreContext } from '../core/module.js';
import type { Authenticator } from '../core/http/app.js';
import type { EventBus } from '../bus/bus.js';
import type { EventsService } from '../events/events.service.js';
import { StreamHub, type HubOptions } from './hub.js';
import { streamRoutes } from './stream.routes.js';

export type { HubOptions } from './hub.js';
export { StreamHub } from './hub.js';

export function streamModule(
  ctx: CoreContext,
  deps: { bus: EventBus; events: EventsService; authenticate: Authenticator },
  opts: HubOptions = {},
) {
  const hub = new StreamHub(deps.bus, deps.events, ctx.log, ctx.metrics, opts);
  const module: CityOpsModule = {
    name: 'stream',
    routes: streamRoutes({ hub, events: deps.events, authenticate: deps.authenticate }),
    stop: () => hub.stop(),
  };
  return { module, hub };
}
