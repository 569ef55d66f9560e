/**
 * The readings of the demo's environmental sensors (`env.reading`):
 * - air quality: fine dust PM2.5 worst in the dry winter (monthly means about
 *   50 µg/m³ in January, 18 in July), with a morning and a bigger evening
 *   peak, a clean afternoon, day-to-day swings, dirtier industrial sites, and
 *   rain washing it out; so it sometimes passes 55 µg/m³, mostly on winter
 *   evenings. PM10, NO₂ (with the traffic), O₃ (with the sun), temperature
 *   and humidity come with it;
 * - water level: rivers and the lake follow the season and rise some hours
 *   after a rain episode (the lake slower); streets flood when rain falls
 *   faster than the drains take it, and drain after;
 * - drinking-water quality: pH, turbidity (a little up after rain), chlorine.
 */
import type { WaterGauge } from '../demo/water.js';
import { trafficFactor } from './traffic.js';
import { humidityAt, rainBetween, rainIntensity, recentRain, temperatureAt } from './weather.js';
import type { RainEpisode } from './weather.js';
import { HOUR_MS, clamp, dailyCurve, draw, round, seasonal, type LocalTime } from './time.js';

const PM25_MONTHLY = [50, 44, 40, 33, 26, 21, 18, 19, 23, 32, 40, 48];
/** PM2.5 relative to the day's mean, by local hour. */
const PM25_DAILY: ReadonlyArray<readonly [number, number]> = [
  [0, 1.05],
  [3, 0.95],
  [6, 1.05],
  [8, 1.3],
  [10, 1],
  [13, 0.75],
  [15, 0.7],
  [17, 0.9],
  [19, 1.3],
  [21, 1.25],
  [23, 1.1],
  [24, 1.05],
];

/** How far each month is from the dry-season level (0) to the wet-season level (1). */
const WET_SHARE = [0, 0, 0.05, 0.15, 0.45, 0.8, 1, 1, 0.8, 0.5, 0.25, 0.05];
/** Rise per mm of rain, and hours from the middle of the rain to the highest level. */
const HYDROLOGY: Record<string, { gain: number; lagHours: number }> = {
  'Sông Cầu': { gain: 0.045, lagHours: 8 },
  'Sông Công': { gain: 0.035, lagHours: 6 },
  'Hồ Núi Cốc': { gain: 0.012, lagHours: 30 },
};
const DEFAULT_HYDROLOGY = { gain: 0.03, lagHours: 8 };
/** Street drains: what they take (mm/h), how fast water rises per mm/h beyond it, how fast it drains (cm/h). */
const DRAINS_MM_H = 12;
const RISE_CM_PER_MM_H = 1.6;
const DRAIN_CM_H = 25;
const MAX_STREET_CM = 80;
/** Days of rain that still show in a river or lake. */
const RAIN_MEMORY_DAYS = 7;

export type SensorKind = 'air_quality' | 'water_level' | 'water_quality';

/** The site's own level of pollution (industrial sites dirtier), 0.8–1.25. */
function siteFactor(seed: string, code: string): number {
  return 0.8 + 0.45 * draw(seed, 'pm-site', code).next();
}

/** PM2.5 in µg/m³ at a site; `key` names the reading (device and slot). */
export function pm25At(
  seed: string,
  code: string,
  key: string,
  t: number,
  local: LocalTime,
  rain: readonly RainEpisode[],
): number {
  const base = seasonal(PM25_MONTHLY, local) * dailyCurve(PM25_DAILY, local.hour);
  const day = Math.exp(0.3 * draw(seed, 'pm-day', local.day).gaussian());
  const washout = 1 / (1 + rainBetween(rain, t - 3 * HOUR_MS, t) / 10);
  const noise = Math.exp(0.08 * draw(seed, 'pm', key).gaussian());
  return base * day * siteFactor(seed, code) * washout * noise;
}

/** A river's or the lake's level (m), or a street's water depth (cm). */
export function waterLevelAt(
  gauge: WaterGauge,
  t: number,
  local: LocalTime,
  rain: readonly RainEpisode[],
): number {
  if (gauge.unit === 'cm') {
    let depth = 0;
    for (const e of rain) {
      if (t < e.start) continue;
      const rise = Math.max(0, e.mmPerHour - DRAINS_MM_H) * RISE_CM_PER_MM_H;
      const wet = (Math.min(t, e.end) - e.start) / HOUR_MS;
      const peak = Math.min(MAX_STREET_CM, rise * wet);
      const drained = t > e.end ? (DRAIN_CM_H * (t - e.end)) / HOUR_MS : 0;
      depth = Math.max(depth, peak - drained);
    }
    return depth;
  }
  const { gain, lagHours } = HYDROLOGY[gauge.water] ?? DEFAULT_HYDROLOGY;
  let level = gauge.dry + (gauge.wet - gauge.dry) * seasonal(WET_SHARE, local);
  for (const e of rain) {
    const x = (t - (e.start + e.end) / 2) / HOUR_MS / lagHours;
    if (x <= 0) continue;
    const mm = ((e.end - e.start) / HOUR_MS) * e.mmPerHour;
    level += mm * gain * x * Math.exp(1 - x);
  }
  return level;
}

export interface SensorSpec {
  code: string;
  kind: SensorKind;
  gauge?: WaterGauge | undefined;
}

/** The data of one `env.reading` over an interval ending at `t`. */
export function envReading(
  seed: string,
  sensor: SensorSpec,
  key: string,
  t: number,
  local: LocalTime,
  intervalSeconds: number,
): Record<string, unknown> {
  const rain = recentRain(seed, t, local, RAIN_MEMORY_DAYS);
  const now = rainIntensity(rain, t);
  const rainfall = round(rainBetween(rain, t - intervalSeconds * 1000, t));
  const rng = draw(seed, 'env', key);
  switch (sensor.kind) {
    case 'air_quality': {
      const { temperature, dayMean } = temperatureAt(seed, local, now);
      const pm25 = pm25At(seed, sensor.code, key, t, local, rain);
      const site = siteFactor(seed, sensor.code);
      const sun = Math.max(0, Math.cos((2 * Math.PI * (local.hour - 14)) / 24));
      return {
        pm25: round(pm25),
        pm10: round(pm25 * (1.5 + 0.2 * rng.next())),
        no2: round(clamp(12 + 38 * trafficFactor(local) * site + 4 * rng.gaussian(), 2, 200)),
        o3: round(clamp(18 + 70 * sun * (now > 0 ? 0.4 : 1) + 5 * rng.gaussian(), 2, 300)),
        temperature: round(temperature + 0.3 * rng.gaussian()),
        humidity: round(humidityAt(local, temperature, dayMean, now) + rng.gaussian()),
        rainfall,
      };
    }
    case 'water_level': {
      if (!sensor.gauge) return { rainfall };
      const level = waterLevelAt(sensor.gauge, t, local, rain);
      const cm = sensor.gauge.unit === 'cm';
      return {
        waterLevel: cm ? Math.max(0, Math.round(level)) : round(level + 0.01 * rng.gaussian(), 2),
        unit: sensor.gauge.unit,
        rainfall,
      };
    }
    case 'water_quality': {
      const { dayMean } = temperatureAt(seed, local, now);
      const afterRain = rainBetween(rain, t - 6 * HOUR_MS, t);
      return {
        ph: round(clamp(7.2 + 0.12 * rng.gaussian(), 6.5, 8.5), 2),
        turbidity: round(0.5 + 0.15 * Math.abs(rng.gaussian()) + Math.min(1.5, afterRain / 40), 2),
        chlorine: round(clamp(0.4 + 0.05 * rng.gaussian(), 0.2, 0.6), 2),
        waterTemperature: round(dayMean - 1 + 0.2 * rng.gaussian()),
      };
    }
  }
}
