/**
 * Traffic at the demo's junctions (signal controllers and ANPR cameras): a
 * daily curve with the morning peak at 7–8 and the evening peak at 17–18 on
 * working days, a busy lunchtime, a quiet night; gentler, later peaks at the
 * weekend. Counts scatter around the curve like real counts (Poisson-like),
 * and speeds drop as traffic grows.
 */
import { clamp, dailyCurve, draw, round, type LocalTime } from './time.js';

/** Vehicles (motorbikes included) per lane per minute at the peak. */
export const PEAK_PER_LANE_PER_MINUTE = 24;

/** Share of the peak flow, by local hour, Monday to Friday. */
const WORKDAY: ReadonlyArray<readonly [number, number]> = [
  [0, 0.07],
  [4, 0.04],
  [5, 0.12],
  [6, 0.45],
  [7, 0.92],
  [7.5, 1],
  [8, 0.92],
  [9, 0.6],
  [11, 0.58],
  [12, 0.68],
  [13, 0.5],
  [15, 0.55],
  [16.5, 0.75],
  [17, 0.95],
  [17.5, 1],
  [18, 0.95],
  [19, 0.7],
  [21, 0.45],
  [22, 0.25],
  [23, 0.12],
  [24, 0.07],
];

/** Saturday and Sunday: no school or office rush; busy late mornings and evenings. */
const WEEKEND: ReadonlyArray<readonly [number, number]> = [
  [0, 0.1],
  [4, 0.05],
  [6, 0.2],
  [8, 0.55],
  [9.5, 0.7],
  [11, 0.65],
  [13, 0.45],
  [16, 0.6],
  [18, 0.78],
  [19.5, 0.75],
  [21, 0.5],
  [22.5, 0.25],
  [24, 0.1],
];

/** The share of the peak flow (0–1) at a local time. */
export function trafficFactor(local: Pick<LocalTime, 'hour' | 'weekday'>): number {
  const weekend = local.weekday === 0 || local.weekday === 6;
  return dailyCurve(weekend ? WEEKEND : WORKDAY, local.hour);
}

/** Vehicles a junction approach sees on average in an interval. */
export function expectedVehicles(
  lanes: number,
  local: Pick<LocalTime, 'hour' | 'weekday'>,
  intervalSeconds: number,
): number {
  return PEAK_PER_LANE_PER_MINUTE * lanes * trafficFactor(local) * (intervalSeconds / 60);
}

export interface TrafficCount extends Record<string, unknown> {
  vehicles: number;
  intervalSeconds: number;
  speedAvg: number;
}

/** The `traffic.count` data of one interval (`key`: device and slot, for the random draws). */
export function trafficCount(
  seed: string,
  key: string,
  lanes: number,
  local: Pick<LocalTime, 'hour' | 'weekday'>,
  intervalSeconds: number,
): TrafficCount {
  const rng = draw(seed, 'traffic', key);
  const mean = expectedVehicles(lanes, local, intervalSeconds);
  const vehicles = Math.max(0, Math.round(mean + rng.gaussian() * Math.sqrt(mean)));
  const factor = trafficFactor(local);
  return {
    vehicles,
    intervalSeconds,
    speedAvg: round(clamp(46 - 26 * factor + rng.gaussian() * 3, 8, 60)),
  };
}
