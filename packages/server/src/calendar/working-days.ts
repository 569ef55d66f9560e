/**
 * Working days: Monday to Friday, minus public holidays, plus make-up
 * Saturdays. Pure: a WorkCalendar is built from the built-in days and the
 * province's own entries (which win on the same date), and answers without
 * I/O. Deadlines of citizen reports count in these days.
 */
import { addDays, isWeekend, localDate, yearOf, type LocalDate } from './dates.js';
import { builtInDays, type CalendarDay } from './holidays-vn.js';

/** A day the province entered: a day off, or a working day (make-up Saturday, cancelled holiday). */
export interface CalendarEntry {
  date: LocalDate;
  kind: CalendarDay['kind'];
}

/** Longest stretch without a working day we accept before calling the calendar broken. */
const MAX_GAP_DAYS = 60;

export class WorkCalendar {
  private readonly overrides = new Map<string, CalendarDay['kind']>();
  private readonly years = new Map<number, Map<string, CalendarDay['kind']>>();

  constructor(entries: readonly CalendarEntry[] = []) {
    for (const e of entries) this.overrides.set(e.date, e.kind);
  }

  private builtIn(year: number): Map<string, CalendarDay['kind']> {
    let days = this.years.get(year);
    if (!days) {
      days = new Map(builtInDays(year).map((d) => [d.date, d.kind]));
      this.years.set(year, days);
    }
    return days;
  }

  isWorkingDay(date: LocalDate | string): boolean {
    const d = typeof date === 'string' ? localDate(date) : date;
    const kind = this.overrides.get(d) ?? this.builtIn(yearOf(d)).get(d);
    if (kind === 'holiday') return false;
    if (kind === 'workday') return true;
    return !isWeekend(d);
  }

  /**
   * The n-th working day after `date` (not counting `date` itself), so a
   * report received on a Friday with one working day is due on Monday.
   * n = 0 answers `date` if it is a working day, else the next one.
   */
  addWorkingDays(date: LocalDate, n: number): LocalDate {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be ≥ 0 (got ${n})`);
    let d = date;
    if (n === 0) return this.nextWorkingDay(d, true);
    for (let left = n; left > 0; left--) d = this.nextWorkingDay(addDays(d, 1), true);
    return d;
  }

  /**
   * The due date of work received on `received` with `n` working days: a
   * receipt on a day off counts as made on the next working day, then `n`
   * working days follow (received Friday or Saturday, 1 day: due Monday or
   * Tuesday).
   */
  dueDate(received: LocalDate, n: number): LocalDate {
    const start = this.isWorkingDay(received) ? received : this.nextWorkingDay(received, true);
    return this.addWorkingDays(start, n);
  }

  /** Working days in (from, to]: 0 on the same day; negative when `to` is before `from`. */
  workingDaysBetween(from: LocalDate, to: LocalDate): number {
    if (to < from) return -this.workingDaysBetween(to, from);
    let count = 0;
    for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (this.isWorkingDay(d)) count++;
    return count;
  }

  private nextWorkingDay(from: LocalDate, inclusive: boolean): LocalDate {
    let d = inclusive ? from : addDays(from, 1);
    for (let i = 0; i <= MAX_GAP_DAYS; i++, d = addDays(d, 1)) if (this.isWorkingDay(d)) return d;
    throw new Error(`no working day within ${MAX_GAP_DAYS} days after ${from}`);
  }
}
