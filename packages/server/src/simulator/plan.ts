/**
 * The simulator's plan of the demo city: which demo asset becomes which kind
 * of simulated device, how often it speaks and at which second of its period
 * (spread over the period, so that 400 cameras do not all speak at once), and
 * the processes of rare events sized to the number of devices. Pure.
 */
import type { Asset, AssetType } from '@cityops/contracts';
import { gaugeOf } from '../demo/water.js';
import type { SensorKind, SensorSpec } from './environment.js';
import { chancePerHour, type EpisodeProcess } from './incidents.js';
import type { DeviceKind, SimulatorSettings } from './settings.js';
import { draw } from './time.js';

export interface SimDevice {
  /** The asset's code: the key of every random choice about the device. */
  code: string;
  assetId: string;
  deviceId: string;
  kind: DeviceKind;
  /** Period of its regular event, and where in the period it falls (ms). */
  everyMs: number;
  phaseMs: number;
  /** Traffic lanes (junction approaches) counted. */
  lanes: number;
  /** Fire-panel zones. */
  zones: number;
  sensor?: SensorSpec | undefined;
}

export interface World {
  seed: string;
  timeZone: string;
  outage: EpisodeProcess;
  degraded: EpisodeProcess;
  fireTest: EpisodeProcess;
  fireAlarm: EpisodeProcess;
}

const SENSOR_KINDS: readonly SensorKind[] = ['air_quality', 'water_level', 'water_quality'];

const KIND_OF_TYPE: Partial<Record<AssetType, DeviceKind>> = {
  camera: 'camera',
  anpr_camera: 'anpr',
  signal_controller: 'signal',
  fire_panel: 'fire_panel',
};

function kindOf(asset: Pick<Asset, 'type' | 'properties'>): DeviceKind | undefined {
  if (asset.type !== 'sensor') return KIND_OF_TYPE[asset.type];
  return SENSOR_KINDS.find((k) => k === asset.properties.kind);
}

const positiveInt = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;

/** The simulated device of a demo asset; undefined when the asset is not one the simulator plays. */
export function planDevice(
  asset: Pick<Asset, 'id' | 'code' | 'type' | 'properties'>,
  deviceId: string,
  s: Pick<SimulatorSettings, 'seed' | 'intervals' | 'envSeconds'>,
): SimDevice | undefined {
  const kind = kindOf(asset);
  if (!kind) return undefined;
  const sensor = kind === 'air_quality' || kind === 'water_level' || kind === 'water_quality';
  const ownInterval = positiveInt(asset.properties.intervalSeconds);
  const seconds = s.intervals[kind] ?? (sensor ? (ownInterval ?? s.envSeconds) : s.envSeconds);
  const everyMs = Math.max(1, seconds) * 1000;
  const lanes = positiveInt(asset.properties.lanes) ?? positiveInt(asset.properties.phases) ?? 2;
  return {
    code: asset.code,
    assetId: asset.id,
    deviceId,
    kind,
    everyMs,
    phaseMs: Math.floor(draw(s.seed, 'phase', asset.code).next() * everyMs),
    lanes,
    zones: positiveInt(asset.properties.zones) ?? 8,
    sensor: sensor
      ? {
          code: asset.code,
          kind,
          gauge: kind === 'water_level' ? gaugeOf(asset.properties) : undefined,
        }
      : undefined,
  };
}

/** The processes of rare events, sized so that the city-wide rates are those asked for. */
export function worldOf(
  devices: readonly SimDevice[],
  s: SimulatorSettings,
  timeZone: string,
): World {
  const cameras = devices.filter((d) => d.kind === 'camera').length;
  const panels = devices.filter((d) => d.kind === 'fire_panel').length;
  return {
    seed: s.seed,
    timeZone,
    outage: {
      name: 'outage',
      chancePerHour: chancePerHour(s.cameraOutagesPerHour, cameras),
      minMinutes: s.outageMinutes[0],
      maxMinutes: s.outageMinutes[1],
    },
    degraded: {
      name: 'degraded',
      chancePerHour: chancePerHour(s.cameraDegradedPerHour, cameras),
      minMinutes: s.degradedMinutes[0],
      maxMinutes: s.degradedMinutes[1],
    },
    fireTest: {
      name: 'fire-test',
      chancePerHour: chancePerHour(s.fireTestsPerDay / 24, panels),
      minMinutes: 0,
      maxMinutes: 0,
    },
    fireAlarm: {
      name: 'fire-alarm',
      chancePerHour: chancePerHour(s.fireAlarmsPerDay / 24, panels),
      minMinutes: 0,
      maxMinutes: 0,
    },
  };
}

/** Regular events per second of the whole plan (rare events and outages aside). */
export function regularEventsPerSecond(devices: readonly SimDevice[]): number {
  return devices.reduce((sum, d) => sum + 1000 / d.everyMs, 0);
}
