/** Text helpers for search in Vietnamese: "Phan Đình Phùng" is found by "phan dinh phung". */

/** Lower case without diacritics (đ → d), spaces collapsed. */
export function foldText(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** A LIKE pattern matching the folded text anywhere, with LIKE's own characters escaped. */
export function containsPattern(q: string): string {
  return `%${foldText(q).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Today's date (YYYY-MM-DD) in a time zone: the province's, not the server's. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}
