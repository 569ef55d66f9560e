/**
 * The weather of the simulated province, one for the whole demo city: rain
 * episodes (afternoon storms in the wet season May–September, rare light rain
 * in the dry winter), and temperature and humidity following Thái Nguyên's
 * seasons (mean about 16 °C in January, 29 °C in July) and the hour of the
 * day. Each local day's weather is drawn from the seed and the day alone, so
 * any moment can be computed on its own.
 */
import { HOUR_MS, calendarOf, clamp, draw, seasonal, utcOf, type LocalTime } from './time.js';

/** Chance of a rain episode on a day, by month. */
const RAIN_DAY_CHANCE = [0.12, 0.15, 0.22, 0.3, 0.45, 0.55, 0.6, 0.6, 0.45, 0.3, 0.18, 0.1];
/** Median intensity of an episode, mm per hour, by month. */
const RAIN_MEDIAN_MM_H = [2, 2, 3, 6, 10, 12, 12, 12, 10, 7, 4, 2];
/** Monthly mean temperature, °C, and the half-range of its daily swing. */
const TEMPERATURE = [16, 17.3, 20.3, 24, 27.5, 28.8, 28.9, 28.4, 27.3, 24.7, 21.2, 17.8];
const DAILY_SWING = [3.5, 3.2, 3, 3.5, 4, 3.8, 3.8, 3.7, 3.8, 4, 4.2, 4];
/** Monthly mean relative humidity, %. */
const HUMIDITY = [78, 82, 86, 86, 82, 83, 85, 87, 83, 79, 77, 76];

export interface RainEpisode {
  start: number;
  end: number;
  mmPerHour: number;
}

/** The rain episode of a local day, if it rains that day. */
export function rainOfDay(seed: string, day: number, offsetMs: number): RainEpisode | undefined {
  const noon = calendarOf(day);
  const rng = draw(seed, 'rain', day);
  if (rng.next() >= seasonal(RAIN_DAY_CHANCE, noon)) return undefined;
  const wetSeason = noon.month >= 5 && noon.month <= 9;
  // Wet-season storms build up in the afternoon; winter drizzle comes at any hour.
  const startHour = wetSeason ? 13 + rng.next() * 6 : rng.next() * 24;
  const hours = 0.5 + rng.next() * 2.5;
  const mmPerHour = Math.min(
    120,
    seasonal(RAIN_MEDIAN_MM_H, noon) * Math.exp(0.7 * rng.gaussian()),
  );
  const start = utcOf(day, startHour, offsetMs);
  return { start, end: start + hours * HOUR_MS, mmPerHour };
}

/** The rain episodes that started within `days` local days before `t` (oldest first). */
export function recentRain(seed: string, t: number, local: LocalTime, days: number): RainEpisode[] {
  const out: RainEpisode[] = [];
  for (let d = local.day - days; d <= local.day; d++) {
    const e = rainOfDay(seed, d, local.offsetMs);
    if (e && e.start <= t) out.push(e);
  }
  return out;
}

/** Rain intensity at a moment, mm per hour. */
export function rainIntensity(episodes: readonly RainEpisode[], t: number): number {
  return episodes.reduce((sum, e) => sum + (e.start <= t && t < e.end ? e.mmPerHour : 0), 0);
}

/** Rain that fell between two moments, mm. */
export function rainBetween(episodes: readonly RainEpisode[], from: number, to: number): number {
  return episodes.reduce((sum, e) => {
    const overlap = Math.min(to, e.end) - Math.max(from, e.start);
    return sum + (overlap > 0 ? (overlap / HOUR_MS) * e.mmPerHour : 0);
  }, 0);
}

/** The day's departure from the seasonal temperature (cold surges in winter), °C. */
function dayAnomaly(seed: string, local: LocalTime): number {
  const winter = local.month === 12 || local.month <= 2;
  return draw(seed, 'temperature', local.day).gaussian() * (winter ? 2.5 : 1.2);
}

/** Air temperature, °C: warmest about 14:00, coolest about 02:00; rain cools. */
export function temperatureAt(
  seed: string,
  local: LocalTime,
  rainMmPerHour: number,
): { temperature: number; dayMean: number } {
  const dayMean = seasonal(TEMPERATURE, local) + dayAnomaly(seed, local);
  const swing = seasonal(DAILY_SWING, local) * Math.cos((2 * Math.PI * (local.hour - 14)) / 24);
  const cooling = 3 * Math.min(1, rainMmPerHour / 10);
  return { temperature: dayMean + swing - cooling, dayMean };
}

/** Relative humidity, %: lower in the warm afternoon, near saturation in rain. */
export function humidityAt(
  local: LocalTime,
  temperature: number,
  dayMean: number,
  rainMmPerHour: number,
): number {
  const rh = seasonal(HUMIDITY, local) - 2.4 * (temperature - dayMean);
  return clamp(rainMmPerHour > 0 ? Math.max(rh, 93) : rh, 30, 100);
}
