/**
 * What the demo simulator can be told (module options; the process settings
 * only switch it on or off), and the defaults that make the demo city look
 * alive without flooding the event store.
 */
import type { AssetStatus } from '@cityops/contracts';
import type { Clock } from '../core/clock.js';

/** What a demo device is, for the simulator. */
export type DeviceKind =
  'camera' | 'anpr' | 'signal' | 'fire_panel' | 'air_quality' | 'water_level' | 'water_quality';

export interface SimulatorOptions {
  /** Run or not, whatever the settings say (tests); default: CITYOPS_SIMULATOR. */
  enabled?: boolean;
  /** Every random choice follows from it: the same seed and times give the same events. */
  seed?: string;
  /** The time events carry and are scheduled by; default the app's clock. */
  clock?: Clock;
  /** Real milliseconds between two looks at the clock. */
  tickMs?: number;
  /**
   * Seconds between a device's regular events, by kind. Sensors default to
   * their asset's `intervalSeconds`, else `envSeconds`.
   */
  intervals?: Partial<Record<DeviceKind, number>>;
  envSeconds?: number;
  /** Camera outages starting per hour across the city, and how long one lasts. */
  cameraOutagesPerHour?: number;
  outageMinutes?: readonly [number, number];
  /** Episodes of degraded picture per hour across the city, and how long one lasts. */
  cameraDegradedPerHour?: number;
  degradedMinutes?: readonly [number, number];
  /** Fire-panel test alarms per day across the city. */
  fireTestsPerDay?: number;
  /** Real-looking fire alarms per day across the city: none unless asked for. */
  fireAlarmsPerDay?: number;
  /** Demo assets in these states stay silent (their devices never connect). */
  silentStatuses?: readonly AssetStatus[];
  /** Connections opened at once, and the pause between such batches (ms). */
  connectBatch?: number;
  connectGapMs?: number;
  /** Wait before a dropped connection is tried again (ms; each device adds up to as much again). */
  reconnectMs?: number;
}

export const SIMULATOR_DEFAULTS = {
  seed: 'cityops-demo-simulator-v1',
  tickMs: 1000,
  heartbeatSeconds: 60,
  trafficSeconds: 60,
  envSeconds: 300,
  cameraOutagesPerHour: 6,
  outageMinutes: [5, 20] as const,
  cameraDegradedPerHour: 3,
  degradedMinutes: [10, 45] as const,
  fireTestsPerDay: 8,
  fireAlarmsPerDay: 0,
  silentStatuses: ['offline'] as const,
  connectBatch: 25,
  connectGapMs: 100,
  reconnectMs: 10_000,
};

export interface SimulatorSettings {
  seed: string;
  tickMs: number;
  intervals: Partial<Record<DeviceKind, number>>;
  envSeconds: number;
  cameraOutagesPerHour: number;
  outageMinutes: readonly [number, number];
  cameraDegradedPerHour: number;
  degradedMinutes: readonly [number, number];
  fireTestsPerDay: number;
  fireAlarmsPerDay: number;
  silentStatuses: readonly AssetStatus[];
  connectBatch: number;
  connectGapMs: number;
  reconnectMs: number;
}

export function settingsOf(opts: SimulatorOptions): SimulatorSettings {
  const d = SIMULATOR_DEFAULTS;
  return {
    seed: opts.seed ?? d.seed,
    tickMs: opts.tickMs ?? d.tickMs,
    intervals: {
      camera: d.heartbeatSeconds,
      fire_panel: d.heartbeatSeconds,
      anpr: d.trafficSeconds,
      signal: d.trafficSeconds,
      ...opts.intervals,
    },
    envSeconds: opts.envSeconds ?? d.envSeconds,
    cameraOutagesPerHour: opts.cameraOutagesPerHour ?? d.cameraOutagesPerHour,
    outageMinutes: opts.outageMinutes ?? d.outageMinutes,
    cameraDegradedPerHour: opts.cameraDegradedPerHour ?? d.cameraDegradedPerHour,
    degradedMinutes: opts.degradedMinutes ?? d.degradedMinutes,
    fireTestsPerDay: opts.fireTestsPerDay ?? d.fireTestsPerDay,
    fireAlarmsPerDay: opts.fireAlarmsPerDay ?? d.fireAlarmsPerDay,
    silentStatuses: opts.silentStatuses ?? d.silentStatuses,
    connectBatch: opts.connectBatch ?? d.connectBatch,
    connectGapMs: opts.connectGapMs ?? d.connectGapMs,
    reconnectMs: opts.reconnectMs ?? d.reconnectMs,
  };
}
