/**
 * The MQTT intake module. With CITYOPS_MQTT_URL it subscribes to that broker
 * (upstream.ts); otherwise, unless CITYOPS_MQTT_PORT is 0, it runs the
 * embedded broker on that port (broker.ts). Either way a message becomes
 * events through the ingest pipeline, and is acknowledged after COMMIT.
 * Its readiness check (`mqtt`) is part of /readyz.
 */
import type { CityOpsModule, CoreContext } from '../core/module.js';
import type { DevicesService } from '../devices/index.js';
import type { IngestPipeline } from '../ingest/index.js';
import { EmbeddedBroker } from './broker.js';
import { MqttMetrics } from './metrics.js';
import { UpstreamSubscriber, type UpstreamOptions } from './upstream.js';

export { EmbeddedBroker } from './broker.js';
export { UpstreamSubscriber } from './upstream.js';
export * from './topics.js';

export interface MqttOptions {
  /** Largest MQTT packet a device may send to the embedded broker; default: the ingest payload limit + 1 KiB. */
  maxPacketBytes?: number;
  /** Tuning of the external broker subscriber. */
  upstream?: Partial<Omit<UpstreamOptions, 'url'>>;
}

export const UPSTREAM_DEFAULTS = {
  connections: 8,
  inFlight: 100,
  group: 'cityops',
  sessionExpirySeconds: 7 * 24 * 3600,
  maxReconnectMs: 30_000,
  keepaliveSeconds: 30,
} as const;

export function mqttModule(
  ctx: CoreContext,
  deps: { devices: DevicesService; pipeline: IngestPipeline },
  opts: MqttOptions = {},
) {
  const { config, log } = ctx;
  let broker: EmbeddedBroker | undefined;
  let upstream: UpstreamSubscriber | undefined;
  const metrics = new MqttMetrics(ctx.metrics, {
    deviceSessions: () => broker?.connectedClients ?? 0,
    upstreamConnections: () => upstream?.connected ?? 0,
  });
  if (config.mqttUrl) {
    upstream = new UpstreamSubscriber(
      { pipeline: deps.pipeline, metrics, log, httpPort: config.port },
      { ...UPSTREAM_DEFAULTS, ...opts.upstream, url: config.mqttUrl },
    );
  } else if (config.mqttPort > 0) {
    broker = new EmbeddedBroker(
      { devices: deps.devices, pipeline: deps.pipeline, metrics, log },
      {
        port: config.mqttPort,
        host: config.host,
        maxPacketBytes: opts.maxPacketBytes ?? deps.pipeline.maxPayloadBytes + 1024,
      },
    );
  }
  const intake = broker ?? upstream;
  const module: CityOpsModule = {
    name: 'mqtt',
    readiness: intake ? [{ name: 'mqtt', check: () => Promise.resolve(intake.ready()) }] : [],
    start: () => intake?.start() ?? Promise.resolve(),
    stop: () => intake?.stop() ?? Promise.resolve(),
  };
  return { module, broker, upstream };
}
