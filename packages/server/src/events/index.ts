/** The events module: the event writer, queries and series, latest state, retention. */
import type { CityOpsModule, CoreContext } from '../core/module.js';
import type { EventBus } from '../bus/bus.js';
import { EventWriter, type WriterOptions } from './writer.js';
import { EventsService } from './events.service.js';
import { eventsRoutes } from './events.routes.js';
import { RetentionJob, type RetentionOptions } from './retention.js';

export type { NewEvent } from './events.repo.js';
export type { WriteOutcome } from './writer.js';
export { BusyError, EventWriter } from './writer.js';
export { EventsService } from './events.service.js';
export { RetentionJob } from './retention.js';

export interface EventsModuleOptions {
  writer?: WriterOptions;
  retention?: RetentionOptions & { enabled?: boolean };
}

export function eventsModule(
  ctx: CoreContext,
  deps: { bus: EventBus },
  opts: EventsModuleOptions = {},
) {
  const writer = new EventWriter(ctx.db, deps.bus, ctx.log, ctx.metrics, opts.writer);
  const service = new EventsService(ctx.db, ctx.clock, ctx.config.timezone);
  const retention = new RetentionJob(ctx.db, ctx.clock, ctx.log, opts.retention);
  const module: CityOpsModule = {
    name: 'events',
    routes: eventsRoutes(service),
    start: () => {
      if (opts.retention?.enabled !== false) retention.start();
      return Promise.resolve();
    },
    stop: async () => {
      await retention.stop();
      await writer.close();
    },
  };
  return { module, writer, service, retention };
}
