/**
 * Time as the simulated city lives it: the local wall-clock hour, weekday,
 * month and day of the year in the province's time zone (Asia/Ho_Chi_Minh by
 * default), seasonal values interpolated between monthly ones, and the
 * deterministic random draws every generator uses: a draw depends only on
 * the seed and its key (device, slot…), never on when or how often it is made.
 */
import { createRng, type Rng } from '../demo/random.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export interface LocalTime {
  /** Hour of the day with its fraction, 0 ≤ hour < 24. */
  hour: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** 1 … 12. */
  month: number;
  /** Days since 1 January, with the fraction. */
  dayOfYear: number;
  /** Local days since 1970-01-01: the key of things that happen once a day. */
  day: number;
  /** Local wall-clock time minus UTC, in milliseconds (+7 h in Việt Nam). */
  offsetMs: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, f);
  }
  return f;
}

export function localTime(at: Date | number, timeZone: string): LocalTime {
  const t = typeof at === 'number' ? at : at.getTime();
  const parts = new Map<string, number>();
  for (const p of formatFor(timeZone).formatToParts(t)) parts.set(p.type, Number(p.value));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.get(type) ?? 0;
  const year = part('year');
  const month = part('month');
  const wall =
    Date.UTC(year, month - 1, part('day'), part('hour'), part('minute'), part('second')) +
    (((t % 1000) + 1000) % 1000);
  const day = Math.floor(wall / DAY_MS);
  return {
    hour: (wall - day * DAY_MS) / HOUR_MS,
    weekday: (((day + 4) % 7) + 7) % 7,
    month,
    dayOfYear: (wall - Date.UTC(year, 0, 1)) / DAY_MS,
    day,
    offsetMs: wall - t,
  };
}

/** The month and day of the year of a local day (its index, as in LocalTime.day). */
export function calendarOf(day: number): Pick<LocalTime, 'month' | 'dayOfYear'> {
  const noon = new Date(day * DAY_MS + 12 * HOUR_MS);
  return {
    month: noon.getUTCMonth() + 1,
    dayOfYear: (noon.getTime() - Date.UTC(noon.getUTCFullYear(), 0, 1)) / DAY_MS,
  };
}

/** The UTC time of a local wall-clock moment (day index and hour) at the given offset. */
export function utcOf(day: number, hour: number, offsetMs: number): number {
  return day * DAY_MS + hour * HOUR_MS - offsetMs;
}

/**
 * A value that changes with the season: twelve monthly values, each taken as
 * the value of the middle of its month, interpolated in between (December
 * wraps round to January).
 */
export function seasonal(monthly: readonly number[], local: Pick<LocalTime, 'dayOfYear'>): number {
  const pos = (local.dayOfYear / 365.25) * 12 - 0.5;
  const i = Math.floor(pos);
  const f = pos - i;
  const at = (k: number) => monthly[((k % 12) + 12) % 12]!;
  return at(i) * (1 - f) + at(i + 1) * f;
}

/** A value of a daily curve given as (hour, value) points from 0 to 24, linearly interpolated. */
export function dailyCurve(points: ReadonlyArray<readonly [number, number]>, hour: number): number {
  for (let i = 1; i < points.length; i++) {
    const [h1, v1] = points[i]!;
    if (hour <= h1) {
      const [h0, v0] = points[i - 1]!;
      return h1 === h0 ? v1 : v0 + ((v1 - v0) * (hour - h0)) / (h1 - h0);
    }
  }
  return points[points.length - 1]![1];
}

/** The random stream of one key: the same seed and key always give the same numbers. */
export function draw(seed: string, ...key: ReadonlyArray<string | number>): Rng {
  return createRng(`${seed}:${key.join(':')}`);
}

/** Rounds to a number of decimals. */
export function round(value: number, decimals = 1): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
