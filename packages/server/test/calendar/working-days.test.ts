/**
 * Working days in Vietnam: weekends, Tết from the lunar calendar, the
 * Government's decided days (with make-up Saturdays), the law's rules for
 * undecided years, and the province's own entries.
 */
import { describe, expect, it } from 'vitest';
import { WorkCalendar } from '../../src/calendar/working-days.js';
import { localDate as d, dateIn, endOfDayIn } from '../../src/calendar/dates.js';
import { hungKingsDate, tetDate } from '../../src/calendar/lunar.js';
import { builtInDays, statutoryDays } from '../../src/calendar/holidays-vn.js';

const cal = new WorkCalendar();

describe('lunar calendar', () => {
  it('finds Tết on the published dates, including 2030 when Vietnam (UTC+7) and China differ', () => {
    const published: Record<number, string> = {
      2019: '2019-02-05',
      2020: '2020-01-25',
      2021: '2021-02-12',
      2022: '2022-02-01',
      2023: '2023-01-22',
      2024: '2024-02-10',
      2025: '2025-01-29',
      2026: '2026-02-17',
      2027: '2027-02-06',
      2028: '2028-01-26',
      2029: '2029-02-13',
      2030: '2030-02-02',
    };
    for (const [year, date] of Object.entries(published)) expect(tetDate(Number(year))).toBe(date);
  });

  it("finds Hùng Kings' day (10/3 lunar)", () => {
    expect(hungKingsDate(2022)).toBe('2022-04-10');
    expect(hungKingsDate(2023)).toBe('2023-04-29');
    expect(hungKingsDate(2024)).toBe('2024-04-18');
    expect(hungKingsDate(2025)).toBe('2025-04-07');
    expect(hungKingsDate(2026)).toBe('2026-04-26');
  });
});

describe('working days', () => {
  it('skips a weekend', () => {
    expect(cal.isWorkingDay('2026-03-06')).toBe(true); // Friday
    expect(cal.isWorkingDay('2026-03-07')).toBe(false);
    expect(cal.isWorkingDay('2026-03-08')).toBe(false);
    expect(cal.addWorkingDays(d('2026-03-06'), 1)).toBe('2026-03-09');
    expect(cal.addWorkingDays(d('2026-03-06'), 3)).toBe('2026-03-11');
    expect(cal.workingDaysBetween(d('2026-03-06'), d('2026-03-09'))).toBe(1);
    expect(cal.workingDaysBetween(d('2026-03-09'), d('2026-03-06'))).toBe(-1);
    expect(cal.workingDaysBetween(d('2026-03-06'), d('2026-03-06'))).toBe(0);
  });

  it('counts a receipt on a day off from the next working day', () => {
    expect(cal.dueDate(d('2026-03-06'), 1)).toBe('2026-03-09'); // Friday → Monday
    expect(cal.dueDate(d('2026-03-07'), 1)).toBe('2026-03-10'); // Saturday → Tuesday
    expect(cal.addWorkingDays(d('2026-03-07'), 0)).toBe('2026-03-09');
  });

  it('crosses Tết 2026 (16–20/2 off, with the weekends 14–22/2)', () => {
    for (const day of ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20'])
      expect(cal.isWorkingDay(day), day).toBe(false);
    expect(cal.isWorkingDay('2026-02-13')).toBe(true);
    expect(cal.isWorkingDay('2026-02-23')).toBe(true);
    // Received Friday 13/2: one working day is Monday 23/2; three is Wednesday 25/2.
    expect(cal.dueDate(d('2026-02-13'), 1)).toBe('2026-02-23');
    expect(cal.dueDate(d('2026-02-13'), 3)).toBe('2026-02-25');
    expect(cal.workingDaysBetween(d('2026-02-12'), d('2026-02-24'))).toBe(3);
    // Fifteen working days from 2 February 2026 land after Tết: 3 weeks of days plus the 5 off.
    expect(cal.dueDate(d('2026-02-02'), 15)).toBe('2026-03-02');
  });

  it('crosses 30/4–1/5 2026 (Thursday and Friday) and the weekend after', () => {
    expect(cal.isWorkingDay('2026-04-30')).toBe(false);
    expect(cal.isWorkingDay('2026-05-01')).toBe(false);
    expect(cal.dueDate(d('2026-04-29'), 1)).toBe('2026-05-04');
    expect(cal.dueDate(d('2026-04-29'), 3)).toBe('2026-05-06');
    // Hùng Kings' day fell on Sunday 26/4: made up on Monday 27/4.
    expect(cal.isWorkingDay('2026-04-27')).toBe(false);
    expect(cal.dueDate(d('2026-04-24'), 1)).toBe('2026-04-28');
    expect(cal.workingDaysBetween(d('2026-04-24'), d('2026-05-04'))).toBe(3);
  });

  it('works on a make-up Saturday and rests on the swapped day (30/4–1/5 2025)', () => {
    expect(cal.isWorkingDay('2025-04-26')).toBe(true); // Saturday, made up
    expect(cal.isWorkingDay('2025-05-02')).toBe(false); // Friday, swapped
    expect(cal.dueDate(d('2025-04-25'), 1)).toBe('2025-04-26');
    expect(cal.dueDate(d('2025-04-29'), 1)).toBe('2025-05-05');
  });

  it('applies the law to a year without a decision, and marks it an estimate', () => {
    const days2027 = statutoryDays(2027);
    expect(days2027.every((x) => !x.official)).toBe(true);
    const off = days2027.filter((x) => x.kind === 'holiday').map((x) => x.date);
    // Tết 2027 is Saturday 6/2: 5/2–9/2, the weekend days made up on 10/2 and 11/2.
    expect(off).toEqual(
      expect.arrayContaining([
        '2027-02-05',
        '2027-02-08',
        '2027-02-09',
        '2027-02-10',
        '2027-02-11',
      ]),
    );
    expect(new WorkCalendar().isWorkingDay('2027-02-12')).toBe(true);
    expect(builtInDays(2026).every((x) => x.official)).toBe(true);
  });

  it("lets the province's entries win over the built-in days", () => {
    const own = new WorkCalendar([
      { date: d('2026-09-03'), kind: 'holiday' }, // a swap the province decides
      { date: d('2026-09-12'), kind: 'workday' }, // its make-up Saturday
      { date: d('2026-04-27'), kind: 'workday' }, // a built-in day cancelled
    ]);
    expect(own.isWorkingDay('2026-09-03')).toBe(false);
    expect(own.isWorkingDay('2026-09-12')).toBe(true);
    expect(own.isWorkingDay('2026-04-27')).toBe(true);
    expect(cal.isWorkingDay('2026-09-03')).toBe(true);
  });

  it('refuses a bad date or a negative count', () => {
    expect(() => d('2026-02-30')).toThrow();
    expect(() => cal.addWorkingDays(d('2026-01-05'), -1)).toThrow();
  });
});

describe('dates in the province', () => {
  it('reckons the date and the end of a day in Asia/Ho_Chi_Minh', () => {
    expect(dateIn('Asia/Ho_Chi_Minh', new Date('2026-02-12T17:30:00Z'))).toBe('2026-02-13');
    expect(endOfDayIn('Asia/Ho_Chi_Minh', d('2026-02-23')).toISOString()).toBe(
      '2026-02-23T16:59:59.999Z',
    );
  });
});
