/**
 * The rare things that happen to the demo's devices, as pure functions of the
 * seed, the device and the time: a camera going silent for some minutes (power
 * or network lost), a camera's picture degrading for a while, a fire panel's
 * test alarm, and (only when asked for) a real-looking fire alarm.
 *
 * Each is a process of episodes: every hour of every device holds at most one,
 * with a given probability, starting at a random moment of that hour and
 * lasting a random time in a range. So "is camera X out at time t?" needs no
 * memory, and the answer never depends on when or how often it is asked.
 */
import { HOUR_MS, MINUTE_MS, draw } from './time.js';

export interface Episode {
  start: number;
  end: number;
}

export interface EpisodeProcess {
  /** A name of its own, so that processes of one device differ. */
  name: string;
  /** Probability that an hour of one device holds an episode (0–1). */
  chancePerHour: number;
  minMinutes: number;
  maxMinutes: number;
}

/** The episode that starts in a device's hour `hour` (ms since epoch / 1 h), if any. */
export function episodeInHour(
  seed: string,
  p: EpisodeProcess,
  code: string,
  hour: number,
): Episode | undefined {
  if (p.chancePerHour <= 0) return undefined;
  const rng = draw(seed, p.name, code, hour);
  if (rng.next() >= p.chancePerHour) return undefined;
  const start = hour * HOUR_MS + Math.floor(rng.next() * HOUR_MS);
  const minutes = p.minMinutes + rng.next() * (p.maxMinutes - p.minMinutes);
  return { start, end: start + Math.round(minutes * MINUTE_MS) };
}

/** The episode going on at `t`, if any. */
export function episodeAt(
  seed: string,
  p: EpisodeProcess,
  code: string,
  t: number,
): Episode | undefined {
  const hour = Math.floor(t / HOUR_MS);
  const reach = Math.ceil((p.maxMinutes * MINUTE_MS) / HOUR_MS);
  for (let h = hour; h >= hour - reach; h--) {
    const e = episodeInHour(seed, p, code, h);
    if (e && e.start <= t && t < e.end) return e;
  }
  return undefined;
}

/** Starts of the episodes in (from, to], oldest first (for momentary things such as alarms). */
export function startsBetween(
  seed: string,
  p: EpisodeProcess,
  code: string,
  from: number,
  to: number,
): number[] {
  const out: number[] = [];
  for (let h = Math.floor(from / HOUR_MS); h <= Math.floor(to / HOUR_MS); h++) {
    const e = episodeInHour(seed, p, code, h);
    if (e && e.start > from && e.start <= to) out.push(e.start);
  }
  return out;
}

/** The per-device chance per hour that gives `perHour` episodes an hour across `devices`. */
export function chancePerHour(perHour: number, devices: number): number {
  return devices > 0 ? Math.min(1, Math.max(0, perHour / devices)) : 0;
}

/** A fire alarm: the zone that went off, and what the panel reports. */
export function fireAlarmData(
  seed: string,
  code: string,
  at: number,
  zones: number,
  test: boolean,
): Record<string, unknown> {
  const rng = draw(seed, test ? 'fire-test-zone' : 'fire-zone', code, at);
  const zone = 1 + Math.floor(rng.next() * Math.max(1, zones));
  return test
    ? { zone, code: 'TEST', test: true, description: 'Thử báo cháy định kỳ / Periodic fire test' }
    : {
        zone,
        code: 'FIRE',
        test: false,
        description: rng.chance(0.7)
          ? 'Đầu báo khói tác động / Smoke detector activated'
          : 'Nút ấn báo cháy tác động / Manual call point activated',
      };
}
