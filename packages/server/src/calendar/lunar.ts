/**
 * The Vietnamese lunisolar calendar, lunar date → solar date, for the
 * holidays that follow it (Tết on 1/1, Hùng Kings' day on 10/3). New moons
 * and the sun's longitude come from the approximations of Jean Meeus,
 * "Astronomical Algorithms" (ch. 47–49 style series), reckoned at UTC+7: the
 * Vietnamese calendar differs from the Chinese one exactly where a new moon
 * falls near midnight, so the zone matters. Month 11 always holds the winter
 * solstice; a year with 13 months repeats (leap) the first month with no
 * major solar term. Checked against the published dates of 1990–2030 in
 * lunar.test.ts.
 */
import { fromYmd, type LocalDate } from './dates.js';

const VIETNAM_ZONE = 7;
const SYNODIC_MONTH = 29.530588853;
const DEG = Math.PI / 180;

/** Julian day number of a Gregorian date. */
export function julianDay(d: number, m: number, y: number): number {
  const a = Math.floor((14 - m) / 12);
  const yy = y + 4800 - a;
  const mm = m + 12 * a - 3;
  return (
    d +
    Math.floor((153 * mm + 2) / 5) +
    365 * yy +
    Math.floor(yy / 4) -
    Math.floor(yy / 100) +
    Math.floor(yy / 400) -
    32045
  );
}

/** Gregorian date of a Julian day number. */
export function dateOfJulianDay(jd: number): LocalDate {
  const a = jd + 32044;
  const b = Math.floor((4 * a + 3) / 146097);
  const c = a - Math.floor((146097 * b) / 4);
  const d = Math.floor((4 * c + 3) / 1461);
  const e = c - Math.floor((1461 * d) / 4);
  const m = Math.floor((5 * e + 2) / 153);
  const day = e - Math.floor((153 * m + 2) / 5) + 1;
  const month = m + 3 - 12 * Math.floor(m / 10);
  const year = 100 * b + d - 4800 + Math.floor(m / 10);
  return fromYmd(year, month, day);
}

/** The (fractional, UT) Julian day of the k-th new moon after 1900-01-01. */
function newMoon(k: number): number {
  const t = k / 1236.85;
  const t2 = t * t;
  const t3 = t2 * t;
  let jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
  jd += 0.00033 * Math.sin((166.56 + 132.87 * t - 0.009173 * t2) * DEG);
  const sunAnomaly = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;
  const moonAnomaly = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;
  const latitude = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;
  const [M, Mp, F] = [sunAnomaly * DEG, moonAnomaly * DEG, latitude * DEG];
  let c = (0.1734 - 0.000393 * t) * Math.sin(M) + 0.0021 * Math.sin(2 * M);
  c += -0.4068 * Math.sin(Mp) + 0.0161 * Math.sin(2 * Mp) - 0.0004 * Math.sin(3 * Mp);
  c += 0.0104 * Math.sin(2 * F) - 0.0051 * Math.sin(M + Mp) - 0.0074 * Math.sin(M - Mp);
  c += 0.0004 * Math.sin(2 * F + M) - 0.0004 * Math.sin(2 * F - M);
  c += -0.0006 * Math.sin(2 * F + Mp) + 0.001 * Math.sin(2 * F - Mp);
  c += 0.0005 * Math.sin(2 * Mp + M);
  const deltaT =
    t < -11
      ? 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
      : -0.000278 + 0.000265 * t + 0.000262 * t2;
  return jd + c - deltaT;
}

/** The local day (Julian day number) of the k-th new moon. */
function newMoonDay(k: number): number {
  return Math.floor(newMoon(k) + 0.5 + VIETNAM_ZONE / 24);
}

/** The sun's apparent longitude (radians, 0–2π) at a Julian day. */
function sunLongitude(jd: number): number {
  const t = (jd - 2451545.0) / 36525;
  const t2 = t * t;
  const M = (357.5291 + 35999.0503 * t - 0.0001559 * t2 - 0.00000048 * t * t2) * DEG;
  const L0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
  let dl = (1.9146 - 0.004817 * t - 0.000014 * t2) * Math.sin(M);
  dl += (0.019993 - 0.000101 * t) * Math.sin(2 * M) + 0.00029 * Math.sin(3 * M);
  const l = (L0 + dl) * DEG;
  return l - 2 * Math.PI * Math.floor(l / (2 * Math.PI));
}

/** Which of the 12 major solar terms (30° sectors) the sun is in at the start of a local day. */
function solarSector(dayNumber: number): number {
  return Math.floor((sunLongitude(dayNumber - 0.5 - VIETNAM_ZONE / 24) / Math.PI) * 6);
}

/** The first day of lunar month 11 (the month of the winter solstice) of a solar year. */
function month11Start(year: number): number {
  const off = julianDay(31, 12, year) - 2415021;
  const k = Math.floor(off / SYNODIC_MONTH);
  const nm = newMoonDay(k);
  return solarSector(nm) >= 9 ? newMoonDay(k - 1) : nm;
}

/** In a 13-month year starting at a11, the offset (from month 11) of the leap month. */
function leapMonthOffset(a11: number): number {
  const k = Math.floor((a11 - 2415021.076998695) / SYNODIC_MONTH + 0.5);
  let i = 1;
  let arc = solarSector(newMoonDay(k + i));
  let last: number;
  do {
    last = arc;
    i++;
    arc = solarSector(newMoonDay(k + i));
  } while (arc !== last && i < 14);
  return i - 1;
}

/**
 * The solar date of a lunar date (day, month, year, not leap). Month 1 of
 * lunar year Y begins in solar year Y (Tết).
 */
export function lunarToSolar(day: number, month: number, year: number): LocalDate {
  const [a11, b11] =
    month < 11
      ? [month11Start(year - 1), month11Start(year)]
      : [month11Start(year), month11Start(year + 1)];
  const k = Math.floor(0.5 + (a11 - 2415021.076998695) / SYNODIC_MONTH);
  let off = month - 11;
  if (off < 0) off += 12;
  if (b11 - a11 > 365 && off >= leapMonthOffset(a11)) off += 1;
  return dateOfJulianDay(newMoonDay(k + off) + day - 1);
}

/** The first day of the lunar new year (Tết Nguyên đán) in a solar year. */
export function tetDate(year: number): LocalDate {
  return lunarToSolar(1, 1, year);
}

/** Hùng Kings' Commemoration Day (10th day of the 3rd lunar month) in a solar year. */
export function hungKingsDate(year: number): LocalDate {
  return lunarToSolar(10, 3, year);
}
