/** Dates, times and numbers for people, in the province's time zone (Asia/Ho_Chi_Minh by default). */
import type { Locale } from '@cityops/contracts';

export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const intlLocale: Record<Locale, string> = { vi: 'vi-VN', en: 'en-GB' };

export interface Formatters {
  dateTime: (iso: string | Date) => string;
  date: (isoDate: string) => string;
  time: (at: Date) => string;
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
  const number = new Intl.NumberFormat(tag);
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
