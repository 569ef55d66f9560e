/**
 * Statistics of citizen reports per agency or admin unit over a period of
 * days (in the province's time zone), after Decision 766/QĐ-TTg (23/6/2022,
 * Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân,
 * doanh nghiệp), group "Mức độ hài lòng":
 *
 *   Tỷ lệ phản ánh, kiến nghị xử lý đúng hạn (on-time rate)
 *     = số PAKN xử lý đúng hoặc trước hạn / tổng số PAKN thuộc thẩm quyền xử lý
 *     = handledOnTime / (handled + dueUnhandled)
 *   where handled = answered in the period, handledOnTime = of those, answered
 *   by the deadline (extensions included), dueUnhandled = due in the period
 *   and still unanswered at its end (rejected and merged reports excluded).
 *
 *   Tỷ lệ hài lòng trong xử lý PAKN (satisfaction766)
 *     = (tổng số PAKN − số bị phản hồi không hài lòng hoặc xử lý quá hạn) / tổng số PAKN
 *     = (handled − handled that were rated not satisfied or answered late) / handled
 *
 * and, as the citizen app asks it: satisfactionRate = satisfied / rated
 * (ratings given in the period). avgHandlingWorkingDays: the mean working
 * days from receipt to answer of the reports answered in the period. Rates
 * are fractions 0–1, null when their denominator is 0.
 */
import type { ReportStats, ReportStatsRow } from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import type { Principal } from '../core/auth/principal.js';
import { ValidationError } from '../core/errors.js';
import { endOfDayIn, localDate, startOfDayIn } from '../calendar/dates.js';
import type { AdminUnitsService } from '../geo/admin-units.service.js';
import type { AgencyDirectory } from './agencies.js';
import { readClause } from './access.js';
import { statsCounts, type StatsCountsRow } from './stats.repo.js';

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);

function rowOf(
  c: StatsCountsRow,
  key: string | null,
  nameVi: string,
  nameEn: string,
): ReportStatsRow {
  const n = (v: unknown) => Number(v ?? 0);
  const handled = n(c.handled);
  const daysN = n(c.days_n);
  return {
    key,
    nameVi,
    nameEn,
    received: n(c.received),
    handled,
    handledOnTime: n(c.on_time),
    handledLate: n(c.late),
    dueUnhandled: n(c.due_unhandled),
    overdueNow: n(c.overdue_now),
    onTimeRate: ratio(n(c.on_time), handled + n(c.due_unhandled)),
    avgHandlingWorkingDays: daysN > 0 ? Math.round((n(c.days_sum) / daysN) * 100) / 100 : null,
    rated: n(c.rated),
    satisfied: n(c.satisfied),
    satisfactionRate: ratio(n(c.satisfied), n(c.rated)),
    satisfaction766: ratio(handled - n(c.unsatisfied_or_late), handled),
  };
}

export class ReportStatsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly timeZone: string,
    private readonly agencies: AgencyDirectory,
    private readonly units: AdminUnitsService,
  ) {}

  async stats(
    p: Principal,
    q: { groupBy: 'agency' | 'unit'; from: string; to: string },
  ): Promise<ReportStats> {
    if (q.to < q.from) throw ValidationError.field('to', 'must not be before `from`');
    const start = startOfDayIn(this.timeZone, localDate(q.from));
    const end = endOfDayIn(this.timeZone, localDate(q.to));
    const counts = await statsCounts(
      this.db,
      q.groupBy,
      { start, end },
      this.clock.now(),
      readClause(p),
    );
    const names = q.groupBy === 'unit' ? await this.unitNames() : undefined;
    const rows: ReportStatsRow[] = [];
    for (const c of counts) {
      let nameVi: string;
      let nameEn: string;
      if (c.key === null) {
        [nameVi, nameEn] =
          q.groupBy === 'agency'
            ? ['(Chưa phân công)', '(Not assigned)']
            : ['(Không xác định)', '(No unit)'];
      } else if (q.groupBy === 'agency') {
        const a = await this.agencies.ref(c.key);
        [nameVi, nameEn] = [a?.nameVi ?? c.key, a?.nameEn ?? c.key];
      } else {
        const u = names!.get(c.key);
        [nameVi, nameEn] = [u?.nameVi ?? c.key, u?.nameEn ?? c.key];
      }
      rows.push(rowOf(c, c.key, nameVi, nameEn));
    }
    const sum = (f: keyof StatsCountsRow) => counts.reduce((a, c) => a + Number(c[f] ?? 0), 0);
    const total = rowOf(
      {
        key: null,
        received: sum('received'),
        handled: sum('handled'),
        on_time: sum('on_time'),
        late: sum('late'),
        due_unhandled: sum('due_unhandled'),
        overdue_now: sum('overdue_now'),
        days_sum: sum('days_sum'),
        days_n: sum('days_n'),
        rated: sum('rated'),
        satisfied: sum('satisfied'),
        unsatisfied_or_late: sum('unsatisfied_or_late'),
      },
      null,
      'Tổng cộng',
      'Total',
    );
    return { from: q.from, to: q.to, groupBy: q.groupBy, rows, total };
  }

  private async unitNames(): Promise<Map<string, { nameVi: string; nameEn: string }>> {
    const out = new Map<string, { nameVi: string; nameEn: string }>();
    let after: string | undefined;
    for (;;) {
      const page = await this.units.list({ after, limit: 1000 });
      for (const u of page) out.set(u.code, { nameVi: u.nameVi, nameEn: u.nameEn });
      if (page.length < 1000) return out;
      after = page[page.length - 1]!.code;
    }
  }
}
