/**
 * The demo simulator module: with the demo on (CITYOPS_DEMO=1) and unless
 * CITYOPS_SIMULATOR=0, the demo's cameras, ANPR cameras, signal controllers,
 * fire panels and sensors send believable events over MQTT, each as its own
 * device, so that a new user sees a living city: heartbeats with occasional
 * outages, traffic counts that follow the time of day, environmental readings
 * with the weather and the season, fire-panel heartbeats and a rare test alarm.
 *
 * It connects where real devices would: the embedded broker on the loopback
 * address, or the external broker of CITYOPS_MQTT_URL (without the URL's own
 * credentials). An external broker must then let the demo devices in: each
 * signs in with its device id as user name and its key as password, and
 * publishes to `cityops/v1/devices/{its id}/events`; a broker that checks
 * passwords against its own list will refuse them (they are logged by device
 * id and counted, and the rest of CityOps is unaffected).
 */
import type { CityOpsModule, CoreContext } from '../core/module.js';
import type { AssetsService } from '../assets/assets.service.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { EmbeddedBroker } from '../mqtt/broker.js';
import type { RulesService } from '../alerts/rules.service.js';
import { DemoSimulator } from './simulator.js';
import { settingsOf, type SimulatorOptions } from './settings.js';

export { DemoSimulator, SIMULATOR_ACTOR, type SimulatorStats } from './simulator.js';
export { SIMULATOR_DEFAULTS, type SimulatorOptions, type DeviceKind } from './settings.js';

/** The broker address a device on this machine uses to reach a server bound to `host`. */
export function loopbackUrl(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '') return `mqtt://127.0.0.1:${port}`;
  if (host === '::') return `mqtt://[::1]:${port}`;
  return host.includes(':') ? `mqtt://[${host}]:${port}` : `mqtt://${host}:${port}`;
}

/** The external broker's URL as a device uses it: without CityOps's own credentials and client id. */
export function deviceUrl(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  u.searchParams.delete('clientId');
  return u.toString();
}

export function simulatorModule(
  ctx: CoreContext,
  deps: {
    assets: AssetsService;
    devices: DevicesService;
    rules: RulesService;
    broker: EmbeddedBroker | undefined;
  },
  opts: SimulatorOptions = {},
) {
  const { config } = ctx;
  const enabled = opts.enabled ?? config.simulator;
  const simulator = enabled
    ? new DemoSimulator(
        {
          assets: deps.assets,
          devices: deps.devices,
          rules: deps.rules,
          clock: opts.clock ?? ctx.clock,
          log: ctx.log,
          metrics: ctx.metrics,
          timeZone: config.timezone,
          brokerUrl: () => {
            if (config.mqttUrl) return deviceUrl(config.mqttUrl);
            const port = deps.broker?.port;
            return port ? loopbackUrl(config.host, port) : undefined;
          },
        },
        settingsOf(opts),
      )
    : undefined;
  const module: CityOpsModule = {
    name: 'simulator',
    start: () => simulator?.start() ?? Promise.resolve(),
    stop: () => simulator?.stop() ?? Promise.resolve(),
  };
  return { module, simulator };
}
