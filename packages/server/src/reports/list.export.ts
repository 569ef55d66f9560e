/**
 * The staff queue under a filter as CSV: one row per report, column headers
 * and names in Vietnamese, English or both, times in the province's time zone.
 */
import { stringify } from 'csv-stringify/sync';
import type { Report, ReportStatus } from '@cityops/contracts';

type Lang = 'vi' | 'en' | 'both';

/** At most this many reports in one file: a larger queue asks for a narrower filter. */
export const MAX_EXPORT_ROWS = 5_000;

const STATUS: Record<ReportStatus, { vi: string; en: string }> = {
  received: { vi: 'Đã tiếp nhận', en: 'Received' },
  verified: { vi: 'Đã xác minh', en: 'Verified' },
  rejected: { vi: 'Không tiếp nhận', en: 'Not accepted' },
  assigned: { vi: 'Đã chuyển xử lý', en: 'Assigned' },
  in_progress: { vi: 'Đang xử lý', en: 'In progress' },
  answered: { vi: 'Đã có kết quả', en: 'Answered' },
  closed: { vi: 'Hoàn thành', en: 'Closed' },
  merged: { vi: 'Trùng, đã gộp', en: 'Duplicate, merged' },
};

interface Column {
  vi: string;
  en: string;
  value: (r: Report, lang: Lang, time: (iso: string | null) => string) => string | number;
}

const named = (ref: { nameVi: string; nameEn: string } | null, lang: Lang) =>
  ref ? (lang === 'en' ? ref.nameEn : ref.nameVi) : '';

const COLUMNS: Column[] = [
  { vi: 'Số', en: 'No.', value: (r) => r.id },
  { vi: 'Trạng thái', en: 'Status', value: (r, l) => STATUS[r.status][l === 'en' ? 'en' : 'vi'] },
  { vi: 'Mã loại', en: 'Kind code', value: (r) => r.category.code },
  { vi: 'Loại', en: 'Kind', value: (r, l) => named(r.category, l) },
  { vi: 'Nội dung', en: 'Description', value: (r) => r.description },
  { vi: 'Mã xã, phường', en: 'Commune or ward code', value: (r) => r.adminUnit ?? '' },
  { vi: 'Địa chỉ', en: 'Address', value: (r) => r.address ?? '' },
  { vi: 'Vĩ độ', en: 'Latitude', value: (r) => r.location?.lat ?? '' },
  { vi: 'Kinh độ', en: 'Longitude', value: (r) => r.location?.lon ?? '' },
  {
    vi: 'Mã cơ quan chủ trì',
    en: 'Primary agency code',
    value: (r) => r.primaryAgency?.code ?? '',
  },
  { vi: 'Cơ quan chủ trì', en: 'Primary agency', value: (r, l) => named(r.primaryAgency, l) },
  { vi: 'Kênh', en: 'Channel', value: (r) => r.channel },
  { vi: 'Tiếp nhận lúc', en: 'Received at', value: (r, _l, t) => t(r.createdAt) },
  { vi: 'Hạn xử lý', en: 'Due date', value: (r) => r.dueDate },
  {
    vi: 'Quá hạn',
    en: 'Overdue',
    value: (r, l) => (r.overdue ? (l === 'en' ? 'yes' : 'có') : l === 'en' ? 'no' : 'không'),
  },
  { vi: 'Trả lời lúc', en: 'Answered at', value: (r, _l, t) => t(r.answeredAt) },
  { vi: 'Kết thúc lúc', en: 'Closed at', value: (r, _l, t) => t(r.closedAt) },
];

const header = (c: Column, lang: Lang) =>
  lang === 'vi' ? c.vi : lang === 'en' ? c.en : `${c.vi} / ${c.en}`;

export function reportsCsv(reports: Report[], lang: Lang, timeZone: string): string {
  // sv-SE writes "2026-11-26 10:33": sortable, and read as a date by spreadsheets.
  const fmt = new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const time = (iso: string | null) => (iso ? fmt.format(new Date(iso)) : '');
  const body = reports.map((r) => COLUMNS.map((c) => c.value(r, lang, time)));
  // A BOM so that spreadsheet programs read the Vietnamese as UTF-8.
  return `\ufeff${stringify([COLUMNS.map((c) => header(c, lang)), ...body])}`;
}
