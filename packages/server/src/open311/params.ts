/**
 * Reading Open311 parameters: an empty parameter is an absent one (the spec's
 * "Optional Arguments"); lists are comma-delimited (or repeated); date-times
 * are W3C-DTF with a time zone; the request window defaults to the last 90
 * days and may not span more.
 */
import { Open311Error } from './errors.js';

export type Params = Record<string, unknown>;

const DAY_MS = 86_400_000;
export const WINDOW_DAYS = 90;
export const MAX_RECORDS = 1000;

/** One parameter as text, or undefined when absent or empty. */
export function param(q: Params, name: string): string | undefined {
  const v = q[name];
  const text = (x: unknown) => (typeof x === 'string' || typeof x === 'number' ? String(x) : '');
  const s = Array.isArray(v) ? v.map(text).join(',') : text(v);
  return s.trim() === '' ? undefined : s.trim();
}

/** A comma-delimited list, or undefined when absent or empty. */
export function list(q: Params, name: string): string[] | undefined {
  const items = param(q, name)
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items && items.length ? items : undefined;
}

const W3C = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** A W3C date-time (a plain date is midnight UTC); 400 naming the parameter otherwise. */
export function w3(q: Params, name: string): Date | undefined {
  const given = param(q, name);
  if (given === undefined) return undefined;
  // A "+" of an offset that a client forgot to encode arrives as a space.
  const v = given.replace(/ (\d{2}:\d{2})$/, '+$1');
  const hasTime = v.includes('T');
  if (!W3C.test(v) || Number.isNaN(Date.parse(hasTime ? v : `${v}T00:00:00Z`))) {
    throw Open311Error.of(
      400,
      `${name} must be a W3C date-time with a time zone, e.g. 2026-01-31T00:00:00Z (got "${v}")`,
    );
  }
  return new Date(hasTime ? v : `${v}T00:00:00Z`);
}

/** The window of requested_datetime: the spec's 90-day default and limit. */
export function window(q: Params, now: Date): { start: Date; end: Date } {
  const start = w3(q, 'start_date');
  const end = w3(q, 'end_date');
  const span = WINDOW_DAYS * DAY_MS;
  if (start && end) {
    if (end < start) throw Open311Error.of(400, 'end_date is before start_date');
    if (end.getTime() - start.getTime() > span)
      throw Open311Error.of(
        400,
        `start_date and end_date may not span more than ${WINDOW_DAYS} days`,
      );
    return { start, end };
  }
  if (start) return { start, end: new Date(start.getTime() + span) };
  if (end) return { start: new Date(end.getTime() - span), end };
  return { start: new Date(now.getTime() - span), end: now };
}

export function positiveInt(q: Params, name: string, max: number): number | undefined {
  const v = param(q, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max)
    throw Open311Error.of(400, `${name} must be a whole number from 1 to ${max} (got "${v}")`);
  return Number(v);
}

export function bool(q: Params, name: string): boolean {
  const v = param(q, name)?.toLowerCase();
  return v === 'true' || v === '1';
}

export function bbox(
  q: Params,
): { minLon: number; minLat: number; maxLon: number; maxLat: number } | undefined {
  const v = param(q, 'bbox');
  if (v === undefined) return undefined;
  const n = v.split(',').map(Number);
  if (n.length !== 4 || n.some((x) => !Number.isFinite(x)) || n[0]! >= n[2]! || n[1]! >= n[3]!)
    throw Open311Error.of(400, 'bbox must be minLon,minLat,maxLon,maxLat with min < max');
  return { minLon: n[0]!, minLat: n[1]!, maxLon: n[2]!, maxLat: n[3]! };
}

/** jurisdiction_id: optional (one jurisdiction), but when given it must be ours. */
export function checkJurisdiction(q: Params, ours: string): void {
  const j = param(q, 'jurisdiction_id');
  if (j !== undefined && j.toLowerCase() !== ours.toLowerCase())
    throw Open311Error.of(404, `jurisdiction_id ${j} was not found; this endpoint serves ${ours}`);
}
