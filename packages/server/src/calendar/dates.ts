/**
 * Calendar dates (YYYY-MM-DD) as a branded string, and the bridge between an
 * instant and the date it falls on in the province's time zone.
 */

/** A calendar date, YYYY-MM-DD, with no time and no zone. */
export type LocalDate = string & { readonly __localDate: unique symbol };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Checks and brands a YYYY-MM-DD string; throws on anything else (including 2025-02-30). */
export function localDate(s: string): LocalDate {
  const m = ISO_DATE.exec(s);
  if (!m) throw new RangeError(`not a date: ${s}`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.toISOString().slice(0, 10) !== s) throw new RangeError(`not a date: ${s}`);
  return s as LocalDate;
}

export function isLocalDate(s: string): s is LocalDate {
  try {
    localDate(s);
    return true;
  } catch {
    return false;
  }
}

export function fromYmd(y: number, m: number, d: number): LocalDate {
  return new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10) as LocalDate;
}

/** The date n days later (n may be negative). */
export function addDays(date: LocalDate, n: number): LocalDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10) as LocalDate;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: LocalDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function isWeekend(date: LocalDate): boolean {
  const w = weekday(date);
  return w === 0 || w === 6;
}

export function yearOf(date: LocalDate): number {
  return Number(date.slice(0, 4));
}

/** Formatters by zone: making an Intl.DateTimeFormat costs far more than using one. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

function formatOf(
  cache: Map<string, Intl.DateTimeFormat>,
  timeZone: string,
  make: () => Intl.DateTimeFormat,
): Intl.DateTimeFormat {
  let f = cache.get(timeZone);
  if (!f) {
    f = make();
    cache.set(timeZone, f);
  }
  return f;
}

/** The date an instant falls on in a time zone. */
export function dateIn(timeZone: string, instant: Date): LocalDate {
  return formatOf(
    dateFormats,
    timeZone,
    () =>
      new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      }),
  ).format(instant) as LocalDate;
}

/** Minutes the zone is ahead of UTC at an instant (Asia/Ho_Chi_Minh: 420). */
function offsetMinutes(timeZone: string, instant: Date): number {
  const name = formatOf(
    offsetFormats,
    timeZone,
    () => new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }),
  )
    .formatToParts(instant)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name ?? '');
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

/** The instant a date starts (00:00) in a time zone. */
export function startOfDayIn(timeZone: string, date: LocalDate): Date {
  const utcMidnight = new Date(`${date}T00:00:00Z`);
  const offset = offsetMinutes(timeZone, new Date(utcMidnight.getTime() + 12 * 3_600_000));
  return new Date(utcMidnight.getTime() - offset * 60_000);
}

/** The last millisecond of a date in a time zone: a deadline "by the end of" that day. */
export function endOfDayIn(timeZone: string, date: LocalDate): Date {
  return new Date(startOfDayIn(timeZone, addDays(date, 1)).getTime() - 1);
}
