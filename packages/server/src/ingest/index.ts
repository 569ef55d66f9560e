/**
 * The ingest module (HTTP intake). `pipeline` is what other intakes call:
 * `submitPayload(deviceId, bytes, 'mqtt')` after `devices.authenticate(deviceId, key)`.
 */
import type { CityOpsModule, CoreContext } from '../core/module.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { EventWriter } from '../events/writer.js';
import { IngestPipeline, type IngestOptions } from './pipeline.js';
import { ingestRoutes } from './ingest.routes.js';

export type { IngestOptions, RejectReason } from './pipeline.js';
export { DeviceRateLimitedError, IngestPipeline, rejectReasonOf } from './pipeline.js';

export function ingestModule(
  ctx: CoreContext,
  deps: { devices: DevicesService; writer: EventWriter },
  opts: IngestOptions = {},
) {
  const pipeline = new IngestPipeline(
    deps.devices,
    deps.writer,
    ctx.clock,
    ctx.log,
    ctx.metrics,
    opts,
  );
  const module: CityOpsModule = { name: 'ingest', routes: ingestRoutes(pipeline) };
  return { module, pipeline };
}
