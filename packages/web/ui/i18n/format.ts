/** Dates, times and numbers for people, in the province's time zone (Asia/Ho_Chi_Minh by default). */
import type { Locale } from '@cityops/contracts';

export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const intlLocale: Record<Locale, string> = { vi: 'vi-VN', en: 'en-GB' };

export interface Formatters {
  dateTime: (iso: string | Date) => string;
  date: (isoDate: string) => string;
  time: (at: Date) => string;
  /** Hours, minutes and seconds (live lists). */
  clock: (at: string | Date) => string;
  /** Day, month, hours and minutes (lists of the last days). */
  short: (at: string | Date) => string;
  /** Day and month (the label of a day). */
  dayMonth: (at: string | Date) => string;
  number: (n: number) => string;
}

export function createFormatters(locale: Locale, timeZone: string): Formatters {
  const tag = intlLocale[locale];
  const dateTime = new Intl.DateTimeFormat(tag, {
    timeZone,
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  // A calendar date (YYYY-MM-DD) has no zone: format it as the same day everywhere.
  const date = new Intl.DateTimeFormat(tag, { timeZone: 'UTC', dateStyle: 'medium' });
  const time = new Intl.DateTimeFormat(tag, { timeZone, hour: '2-digit', minute: '2-digit' });
  const clock = new Intl.DateTimeFormat(tag, {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const short = new Intl.DateTimeFormat(tag, {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const dayMonth = new Intl.DateTimeFormat(tag, { timeZone, day: '2-digit', month: '2-digit' });
  const number = new Intl.NumberFormat(tag);
  const asDate = (v: string | Date) => (typeof v === 'string' ? new Date(v) : v);
  return {
    dateTime: (v) => {
      const d = typeof v === 'string' ? new Date(v) : v;
      return Number.isNaN(d.getTime()) ? String(v) : dateTime.format(d);
    },
    date: (v) => {
      const d = new Date(`${v}T00:00:00Z`);
      return Number.isNaN(d.getTime()) ? v : date.format(d);
    },
    time: (d) => time.format(d),
    clock: (v) => {
      const d = asDate(v);
      return Number.isNaN(d.getTime()) ? String(v) : clock.format(d);
    },
    short: (v) => {
      const d = asDate(v);
      return Number.isNaN(d.getTime()) ? String(v) : short.format(d);
    },
    dayMonth: (v) => {
      const d = asDate(v);
      return Number.isNaN(d.getTime()) ? String(v) : dayMonth.format(d);
    },
    number: (n) => number.format(n),
  };
}

/** Today's calendar date (YYYY-MM-DD) in a time zone. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}
