/**
 * Vietnam's public holidays for civil servants (who rest on Saturdays and
 * Sundays), as data. The law fixes the holidays (Bộ luật Lao động 2019,
 * Điều 112: 1/1; Tết Âm lịch 5 days; Hùng Kings' day 10/3 lunar; 30/4; 1/5;
 * 2/9 and one day next to it) and that a holiday falling on a weekly rest day
 * is made up on the next working day (Điều 111); which days exactly make up
 * Tết, and any swap of a working day for a make-up Saturday, are decided each
 * year by the Government (a notice of the Ministry of Labour — from 2025 the
 * Ministry of Home Affairs — approved by the Prime Minister).
 *
 * OFFICIAL holds the decided years. For any other year `statutoryDays`
 * applies the law's rules with the lunar dates computed by lunar.ts (Tết: the
 * last day of the old lunar year and the first four of the new one) and marks
 * the days `official: false`; the province records the year's actual
 * decision in the holiday table (/api/v1/calendar/holidays), which overrides
 * these.
 */
import { addDays, fromYmd, isWeekend, type LocalDate } from './dates.js';
import { hungKingsDate, tetDate } from './lunar.js';

export interface CalendarDay {
  date: LocalDate;
  /** holiday: a day off; workday: a working day (a make-up Saturday, or a holiday cancelled). */
  kind: 'holiday' | 'workday';
  nameVi: string;
  nameEn: string;
  source: string;
  /** Decided by the Government (true), or derived from the law's rules (false). */
  official: boolean;
}

const NAMES = {
  newYear: ['Tết Dương lịch', "New Year's Day"],
  tet: ['Tết Nguyên đán', 'Lunar New Year (Tết)'],
  hung: ['Giỗ Tổ Hùng Vương (10/3 âm lịch)', "Hùng Kings' Commemoration Day"],
  victory: ['Ngày Chiến thắng (30/4)', 'Reunification Day'],
  labour: ['Ngày Quốc tế Lao động (1/5)', "International Workers' Day"],
  national: ['Quốc khánh (2/9)', 'National Day'],
  makeUp: ['Ngày làm bù', 'Make-up working day'],
  swapped: ['Nghỉ hoán đổi', 'Day off swapped with a make-up working day'],
  compensatory: ['Nghỉ bù', 'Compensatory day off'],
} as const;

type NameKey = keyof typeof NAMES;

const LAW = 'Bộ luật Lao động 2019, Điều 111–112';

function day(
  date: string,
  name: NameKey,
  source: string,
  official: boolean,
  kind: CalendarDay['kind'] = 'holiday',
): CalendarDay {
  const [nameVi, nameEn] = NAMES[name];
  return { date: date as LocalDate, kind, nameVi, nameEn, source, official };
}

const notice = (what: string) =>
  `Thông báo lịch nghỉ ${what} của Bộ Lao động – Thương binh và Xã hội / Bộ Nội vụ, được Thủ tướng Chính phủ đồng ý; ${LAW}`;

/** The years the Government has decided, as published. */
const OFFICIAL: Record<number, CalendarDay[]> = {
  2024: [
    day('2024-01-01', 'newYear', LAW, true),
    // Tết Giáp Thìn: 10/2 is 1/1 lunar; 5 days off 8–14/2 around the weekend of 10–11/2.
    ...['2024-02-08', '2024-02-09', '2024-02-12', '2024-02-13', '2024-02-14'].map((d) =>
      day(d, 'tet', notice('Tết Âm lịch 2024 (08/02–14/02/2024)'), true),
    ),
    day('2024-04-18', 'hung', LAW, true),
    day('2024-04-29', 'swapped', notice('30/4–1/5/2024 (27/4–01/5, làm bù thứ Bảy 04/5)'), true),
    day('2024-04-30', 'victory', LAW, true),
    day('2024-05-01', 'labour', LAW, true),
    day('2024-05-04', 'makeUp', notice('30/4–1/5/2024'), true, 'workday'),
    day('2024-09-02', 'national', notice('Quốc khánh 2024 (31/8–03/9/2024)'), true),
    day('2024-09-03', 'national', notice('Quốc khánh 2024 (31/8–03/9/2024)'), true),
  ],
  2025: [
    day('2025-01-01', 'newYear', LAW, true),
    // Tết Ất Tỵ: 29/1 is 1/1 lunar; 5 days off Monday 27/1 to Friday 31/1 (25/1–2/2 with weekends).
    ...['2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31'].map((d) =>
      day(d, 'tet', notice('Tết Âm lịch 2025 (25/01–02/02/2025)'), true),
    ),
    day('2025-04-07', 'hung', LAW, true),
    day(
      '2025-04-26',
      'makeUp',
      notice('30/4–1/5/2025 (30/4–04/5, làm bù thứ Bảy 26/4)'),
      true,
      'workday',
    ),
    day('2025-04-30', 'victory', LAW, true),
    day('2025-05-01', 'labour', LAW, true),
    day('2025-05-02', 'swapped', notice('30/4–1/5/2025 (30/4–04/5, làm bù thứ Bảy 26/4)'), true),
    day('2025-09-01', 'national', notice('Quốc khánh 2025 (30/8–02/9/2025)'), true),
    day('2025-09-02', 'national', notice('Quốc khánh 2025 (30/8–02/9/2025)'), true),
  ],
  2026: [
    day('2026-01-01', 'newYear', LAW, true),
    // Tết Bính Ngọ: 17/2 is 1/1 lunar; 5 days off Monday 16/2 to Friday 20/2 (14/2–22/2 with weekends).
    ...['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20'].map((d) =>
      day(d, 'tet', notice('Tết Âm lịch 2026 (14/02–22/02/2026)'), true),
    ),
    // 10/3 lunar is Sunday 26/4: made up on Monday 27/4.
    day('2026-04-26', 'hung', LAW, true),
    day('2026-04-27', 'compensatory', LAW, true),
    day('2026-04-30', 'victory', LAW, true),
    day('2026-05-01', 'labour', LAW, true),
    // The law's two days; a swap announced later is entered in the holiday table.
    day('2026-09-01', 'national', LAW, true),
    day('2026-09-02', 'national', LAW, true),
  ],
};

export const OFFICIAL_YEARS: readonly number[] = Object.keys(OFFICIAL).map(Number);

/** The law's days for a year without a decision, with weekend days made up on the next working day. */
export function statutoryDays(year: number): CalendarDay[] {
  const estimate = `${LAW}; dự kiến — estimate until the Government's notice for ${year}`;
  const tet = tetDate(year);
  const blocks: Array<{ dates: LocalDate[]; name: NameKey }> = [
    { dates: [fromYmd(year, 1, 1)], name: 'newYear' },
    {
      dates: [addDays(tet, -1), tet, addDays(tet, 1), addDays(tet, 2), addDays(tet, 3)],
      name: 'tet',
    },
    { dates: [hungKingsDate(year)], name: 'hung' },
    { dates: [fromYmd(year, 4, 30), fromYmd(year, 5, 1)], name: 'victory' },
    { dates: [fromYmd(year, 9, 1), fromYmd(year, 9, 2)], name: 'national' },
  ];
  const taken = new Set(blocks.flatMap((b) => b.dates));
  const out: CalendarDay[] = [];
  for (const block of blocks) {
    let owed = 0;
    for (const d of block.dates) {
      const name = block.name === 'victory' && d.endsWith('05-01') ? 'labour' : block.name;
      out.push(day(d, name, estimate, false));
      if (isWeekend(d)) owed++;
    }
    // Made up on the next days that are neither weekend nor another holiday.
    let next = addDays(block.dates[block.dates.length - 1]!, 1);
    while (owed > 0) {
      if (!isWeekend(next) && !taken.has(next)) {
        out.push(day(next, 'compensatory', estimate, false));
        taken.add(next);
        owed--;
      }
      next = addDays(next, 1);
    }
  }
  return out.sort((a, b) => a.date.localeCompare(b.date));
}

/** The built-in days of a year: the Government's decision when known, else the law's rules. */
export function builtInDays(year: number): CalendarDay[] {
  return OFFICIAL[year] ?? statutoryDays(year);
}
