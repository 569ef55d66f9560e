/**
 * The working-day calendar of the province: built-in national holidays plus
 * the province's entries, as a WorkCalendar that the reports module asks for
 * deadlines. Entries are cached; a change here refreshes the cache at once,
 * another process's change within a minute.
 */
import type { CalendarDayView } from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import type { Actor } from '../core/auth/principal.js';
import { NotFoundError } from '../core/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { dateIn, endOfDayIn, localDate, type LocalDate } from './dates.js';
import { builtInDays } from './holidays-vn.js';
import { WorkCalendar } from './working-days.js';
import * as repo from './calendar.repo.js';
import { ReloadingValue } from '../core/reloading-value.js';

const CACHE_MS = 60_000;

export class CalendarService {
  private readonly cached = new ReloadingValue(
    async () =>
      new WorkCalendar(
        (await repo.listDays(this.db)).map((r) => ({ date: localDate(r.date), kind: r.kind })),
      ),
    CACHE_MS,
  );

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    readonly timeZone: string,
  ) {}

  /** The calendar as of now (entries cached for a minute; see ReloadingValue). */
  calendar(): Promise<WorkCalendar> {
    return this.cached.get();
  }

  private invalidate(): void {
    this.cached.invalidate();
  }

  /** The date an instant falls on in the province. */
  dateOf(instant: Date): LocalDate {
    return dateIn(this.timeZone, instant);
  }

  /**
   * A deadline `n` working days after an instant: the end of that day in the
   * province. With a calendar given (taken before a transaction), no I/O.
   */
  deadlineWith(
    cal: WorkCalendar,
    instant: Date,
    n: number,
  ): { dueDate: LocalDate; deadline: Date } {
    const dueDate = cal.dueDate(this.dateOf(instant), n);
    return { dueDate, deadline: endOfDayIn(this.timeZone, dueDate) };
  }

  async deadlineAfter(instant: Date, n: number): Promise<{ dueDate: LocalDate; deadline: Date }> {
    return this.deadlineWith(await this.calendar(), instant, n);
  }

  /** Moves a due date on by `n` working days (an approved extension). */
  extendWith(
    cal: WorkCalendar,
    dueDate: LocalDate,
    n: number,
  ): { dueDate: LocalDate; deadline: Date } {
    const next = cal.addWorkingDays(dueDate, n);
    return { dueDate: next, deadline: endOfDayIn(this.timeZone, next) };
  }

  /** Working days from one instant's date to another's. */
  betweenWith(cal: WorkCalendar, from: Date, to: Date): number {
    return cal.workingDaysBetween(this.dateOf(from), this.dateOf(to));
  }

  /** Every special day of a year: built-in ones, overridden by the province's entries on the same date. */
  async days(year: number): Promise<CalendarDayView[]> {
    const own = (await repo.listDays(this.db)).filter((r) => r.date.startsWith(`${year}-`));
    const ownDates = new Set(own.map((r) => r.date));
    const views: CalendarDayView[] = [
      ...builtInDays(year)
        .filter((d) => !ownDates.has(d.date))
        .map((d) => ({ ...d, builtIn: true })),
      ...own.map((r) => ({
        date: r.date,
        kind: r.kind,
        nameVi: r.name_vi,
        nameEn: r.name_en,
        source: r.source,
        official: true,
        builtIn: false,
      })),
    ];
    return views.sort((a, b) => a.date.localeCompare(b.date));
  }

  async put(
    actor: Actor,
    d: {
      date: string;
      kind: 'holiday' | 'workday';
      nameVi: string;
      nameEn: string;
      source: string;
    },
  ): Promise<CalendarDayView> {
    const row: repo.CalendarDayRow = {
      date: localDate(d.date),
      kind: d.kind,
      name_vi: d.nameVi,
      name_en: d.nameEn,
      source: d.source,
    };
    await this.db.transaction(async (tx) => {
      const before = await repo.findDay(tx, row.date);
      await repo.upsertDay(tx, row, this.clock.now(), actor.label);
      await this.audit.record(tx, actor, {
        action: before ? 'calendar.day_update' : 'calendar.day_create',
        entityType: 'calendar_day',
        entityId: row.date,
        before,
        after: row,
      });
    });
    this.invalidate();
    return { ...d, official: true, builtIn: false };
  }

  async remove(actor: Actor, date: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const before = await repo.findDay(tx, date);
      if (!before || !(await repo.deleteDay(tx, date)))
        throw new NotFoundError('Calendar entry', date);
      await this.audit.record(tx, actor, {
        action: 'calendar.day_delete',
        entityType: 'calendar_day',
        entityId: date,
        before,
      });
    });
    this.invalidate();
  }
}
