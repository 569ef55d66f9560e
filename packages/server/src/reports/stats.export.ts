/** The statistics as CSV or XLSX, with Vietnamese and English column headers. */
import { lazyModule } from '../core/lazy-module.js';
import { stringify } from 'csv-stringify/sync';
import type { ReportStats, ReportStatsRow } from '@cityops/contracts';

type Lang = 'vi' | 'en' | 'both';
type Column = { key: keyof ReportStatsRow; vi: string; en: string; percent?: boolean };

const COLUMNS: Column[] = [
  { key: 'key', vi: 'Mã', en: 'Code' },
  { key: 'nameVi', vi: 'Tên', en: 'Name (Vietnamese)' },
  { key: 'nameEn', vi: 'Tên tiếng Anh', en: 'Name' },
  { key: 'received', vi: 'Tiếp nhận', en: 'Received' },
  { key: 'handled', vi: 'Đã xử lý', en: 'Handled' },
  { key: 'handledOnTime', vi: 'Xử lý đúng hạn', en: 'Handled on time' },
  { key: 'handledLate', vi: 'Xử lý quá hạn', en: 'Handled late' },
  { key: 'dueUnhandled', vi: 'Đến hạn chưa xử lý', en: 'Due, not handled' },
  { key: 'overdueNow', vi: 'Đang quá hạn', en: 'Overdue now' },
  { key: 'onTimeRate', vi: 'Tỷ lệ xử lý đúng hạn', en: 'On-time rate', percent: true },
  {
    key: 'avgHandlingWorkingDays',
    vi: 'Thời gian xử lý TB (ngày làm việc)',
    en: 'Average handling (working days)',
  },
  { key: 'rated', vi: 'Số đánh giá', en: 'Rated' },
  { key: 'satisfied', vi: 'Hài lòng', en: 'Satisfied' },
  { key: 'satisfactionRate', vi: 'Tỷ lệ hài lòng', en: 'Satisfaction rate', percent: true },
  {
    key: 'satisfaction766',
    vi: 'Tỷ lệ hài lòng (QĐ 766)',
    en: 'Satisfaction (Decision 766)',
    percent: true,
  },
];

const header = (c: Column, lang: Lang) =>
  lang === 'vi' ? c.vi : lang === 'en' ? c.en : `${c.vi} / ${c.en}`;

function rows(s: ReportStats): ReportStatsRow[] {
  return [...s.rows, s.total];
}

export function statsCsv(s: ReportStats, lang: Lang): string {
  const body = rows(s).map((r) => COLUMNS.map((c) => r[c.key] ?? ''));
  // A BOM so that spreadsheet programs read the Vietnamese as UTF-8.
  return `\ufeff${stringify([COLUMNS.map((c) => header(c, lang)), ...body])}`;
}

const loadExcel = lazyModule(() => import('exceljs'));

export async function statsXlsx(s: ReportStats, lang: Lang): Promise<Buffer> {
  const { default: Excel } = await loadExcel();
  const book = new Excel.Workbook();
  book.creator = 'CityOps';
  const sheet = book.addWorksheet(lang === 'en' ? 'Reports' : 'Phản ánh');
  sheet.addRow([
    lang === 'en'
      ? `Citizen reports by ${s.groupBy}, ${s.from} – ${s.to}`
      : `Phản ánh hiện trường theo ${s.groupBy === 'agency' ? 'cơ quan' : 'đơn vị hành chính'}, ${s.from} – ${s.to}`,
  ]).font = { bold: true };
  const head = sheet.addRow(COLUMNS.map((c) => header(c, lang)));
  head.font = { bold: true };
  for (const r of rows(s)) {
    const row = sheet.addRow(COLUMNS.map((c) => r[c.key] ?? null));
    if (r === s.total) row.font = { bold: true };
  }
  COLUMNS.forEach((c, i) => {
    const col = sheet.getColumn(i + 1);
    col.width = Math.min(40, Math.max(10, header(c, lang).length + 2));
    if (c.percent) col.numFmt = '0.0%';
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}
