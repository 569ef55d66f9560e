/**
 * The demo simulator at work. At start, without holding up the app: it finds
 * the demo assets that send data, makes sure each has a device identity,
 * gives each device a new key (kept in memory only, never logged), opens one
 * MQTT connection per device in small batches, and then looks at the clock
 * every `tickMs`: each device whose slot has come publishes that slot's
 * events (behaviour.ts). A device that falls behind (a stalled process, a
 * jump of the clock) skips the missed slots instead of sending them in a
 * burst. Stop ends the work and closes every connection.
 */
import { Gauge, type Counter } from 'prom-client';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../core/clock.js';
import type { Metrics } from '../core/metrics.js';
import type { Actor } from '../core/auth/principal.js';
import type { AssetsService } from '../assets/assets.service.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { RulesService } from '../alerts/rules.service.js';
import { demoDeviceAssets, ensureDemoDevices } from '../demo/devices.js';
import { rearmDemoSilence } from '../demo/rules.js';
import { firstSlotFrom, slotEvents } from './behaviour.js';
import { DeviceLink, type LinkHooks } from './links.js';
import { planDevice, regularEventsPerSecond, worldOf, type SimDevice, type World } from './plan.js';
import type { SimulatorSettings } from './settings.js';
import { draw, round } from './time.js';

export const SIMULATOR_ACTOR: Actor = { type: 'system', id: null, label: 'demo simulator' };

export interface SimulatorDeps {
  assets: AssetsService;
  devices: DevicesService;
  rules: RulesService;
  clock: Clock;
  log: FastifyBaseLogger;
  metrics: Metrics;
  timeZone: string;
  /** Where devices connect, asked once the MQTT module has started; undefined: no broker. */
  brokerUrl(): string | undefined;
}

interface Running {
  device: SimDevice;
  link: DeviceLink;
  /** Its next slot (ms since epoch). */
  next: number;
  online: boolean;
  upSince: number;
}

export interface SimulatorStats {
  devices: number;
  connected: number;
  /** Events handed to a connection, by type. */
  sent: Record<string, number>;
  /** Events dropped because the device was not connected. */
  dropped: number;
  refused: number;
}

export class DemoSimulator {
  private readonly running: Running[] = [];
  private world: World | undefined;
  private timer: NodeJS.Timeout | undefined;
  private work: Promise<void> | undefined;
  private stopping = false;
  private wake: () => void = () => undefined;
  private readonly stopSignal = new Promise<void>((resolve) => (this.wake = resolve));
  private readonly sent: Record<string, number> = {};
  private dropped = 0;
  private refused = 0;
  private failures = 0;
  private readonly events: Counter<'type' | 'result'>;

  constructor(
    private readonly deps: SimulatorDeps,
    private readonly settings: SimulatorSettings,
  ) {
    this.events = deps.metrics.counter({
      name: 'cityops_simulator_events_total',
      help: 'Events of the demo simulator by type and result (sent, dropped while disconnected)',
      labelNames: ['type', 'result'],
    });
    const connected: Gauge = new Gauge({
      name: 'cityops_simulator_connections',
      help: 'MQTT connections of simulated demo devices that are up',
      registers: [deps.metrics.registry],
      collect: () => connected.set(this.stats().connected),
    });
  }

  /** The simulated devices (once started). */
  get devices(): readonly SimDevice[] {
    return this.running.map((r) => r.device);
  }

  stats(): SimulatorStats {
    return {
      devices: this.running.length,
      connected: this.running.filter((r) => r.link.connected).length,
      sent: { ...this.sent },
      dropped: this.dropped,
      refused: this.refused,
    };
  }

  /**
   * Re-arms the demo's silence rules (before the alert jobs first look), then
   * prepares and runs in the background: the app does not wait for that.
   */
  async start(): Promise<void> {
    if (this.work) return;
    const url = this.deps.brokerUrl();
    if (!url) {
      this.deps.log.warn(
        'demo simulator: no MQTT broker to connect to (CITYOPS_MQTT_PORT=0, no CITYOPS_MQTT_URL)',
      );
      this.work = Promise.resolve();
      return;
    }
    try {
      await rearmDemoSilence(this.deps.rules, SIMULATOR_ACTOR);
    } catch (err) {
      this.deps.log.warn({ err }, 'demo simulator: the demo silence rules could not be re-armed');
    }
    this.work = this.run(url).catch((err: unknown) => {
      this.deps.log.error({ err }, 'the demo simulator could not start');
    });
  }

  /** Resolves once every device's connection is opened and the clock runs (or it gave up). */
  async started(): Promise<void> {
    await this.work;
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.wake();
    clearInterval(this.timer);
    await this.work;
    await Promise.all(this.running.map((r) => r.link.close()));
  }

  private async run(url: string): Promise<void> {
    const { log, devices, clock } = this.deps;
    const began = Date.now();
    const assets = await demoDeviceAssets(this.deps.assets);
    if (assets.length === 0) {
      log.info('demo simulator: there are no demo devices (the demo data is not loaded)');
      return;
    }
    const stop = () => this.stopping;
    const { byAsset, created } = await ensureDemoDevices(devices, SIMULATOR_ACTOR, assets, stop);
    const silent = new Set<string>(this.settings.silentStatuses);
    const planned: Array<{ device: SimDevice; key: string | undefined }> = [];
    for (const asset of assets) {
      const d = byAsset.get(asset.id);
      if (!d || d.disabled || silent.has(asset.status)) continue;
      const device = planDevice(asset, d.deviceId, this.settings);
      if (device) planned.push({ device, key: d.key });
    }
    this.world = worldOf(
      planned.map((p) => p.device),
      this.settings,
      this.deps.timeZone,
    );
    const hooks: LinkHooks = {
      refused: (deviceId, reason) => {
        this.refused++;
        log.warn({ deviceId, reason }, 'demo simulator: the MQTT broker refused a demo device');
      },
      sent: (type, ok) => {
        if (ok) this.sent[type] = (this.sent[type] ?? 0) + 1;
        else this.dropped++;
        this.events.inc({ type, result: ok ? 'sent' : 'dropped' });
      },
    };
    for (const { device, key } of planned) {
      if (this.stopping) return;
      // A key is shown once: devices made before this start get a new one, held here only.
      const fresh =
        key ?? (await devices.rotateKey(SIMULATOR_ACTOR, { all: true }, device.deviceId)).key;
      const jitter = draw(this.settings.seed, 'reconnect', device.code).next();
      const link = new DeviceLink(
        {
          url,
          deviceId: device.deviceId,
          key: fresh,
          reconnectMs: Math.round(this.settings.reconnectMs * (1 + jitter)),
        },
        hooks,
      );
      this.running.push({ device, link, next: 0, online: true, upSince: 0 });
    }
    const { connectBatch, connectGapMs } = this.settings;
    for (let i = 0; i < this.running.length; i += connectBatch) {
      if (this.stopping) return;
      for (const r of this.running.slice(i, i + connectBatch)) r.link.connect();
      await this.pause(connectGapMs);
    }
    if (this.stopping) return;
    const now = clock.now().getTime();
    for (const r of this.running) {
      r.next = firstSlotFrom(r.device, now);
      r.upSince = now;
    }
    this.tick();
    this.timer = setInterval(() => this.tick(), this.settings.tickMs);
    this.timer.unref();
    log.info(
      {
        devices: this.running.length,
        silent: assets.length - this.running.length,
        devicesCreated: created,
        eventsPerSecond: round(regularEventsPerSecond(this.devices), 2),
        ms: Date.now() - began,
      },
      'demo simulator running',
    );
  }

  private tick(): void {
    if (this.stopping || !this.world) return;
    const now = this.deps.clock.now().getTime();
    for (const r of this.running) {
      if (r.link.refused) continue;
      const every = r.device.everyMs;
      if (now - r.next > 2 * every) r.next = firstSlotFrom(r.device, now - every);
      while (r.next <= now) {
        this.play(r, r.next, this.world);
        r.next += every;
      }
    }
  }

  private play(r: Running, slot: number, world: World): void {
    try {
      const out = slotEvents(r.device, slot, world, r.upSince);
      if (!out.online) {
        if (r.online) r.link.drop();
        r.online = false;
        return;
      }
      const back = !r.online;
      if (back) {
        r.online = true;
        r.upSince = slot;
        r.link.connect();
      }
      // Just back: the connection is not up yet, so this slot's events wait for it (QoS 1).
      for (const e of out.events) r.link.publish(back ? { ...e, qos: 1 } : e);
    } catch (err) {
      if (this.failures++ % 1000 === 0) {
        this.deps.log.error({ err, deviceId: r.device.deviceId }, 'demo simulator: a slot failed');
      }
    }
  }

  /** Waits, or less when stopping. */
  private async pause(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise((resolve) => (timer = setTimeout(resolve, ms))),
      this.stopSignal,
    ]);
    clearTimeout(timer);
  }
}
