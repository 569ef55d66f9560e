/**
 * Camera import from CSV or XLSX, all or nothing: each row is read against
 * the camera columns below and the camera schema of the asset catalogue; any
 * bad row and nothing is stored, with every problem reported as (row, field,
 * reason) where `row` is the spreadsheet's row number (the header is row 1)
 * and `field` a column name. Good files are stored through the asset
 * registry's import (credentials sealed, scope checked, audited).
 */
import { parse } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { lazyModule } from '../core/lazy-module.js';
import {
  assetTypeCatalogue,
  type AssetCreateInput,
  type AssetImportMode,
  type AssetImportResult,
} from '@cityops/contracts';
import type { Actor, Scope } from '../core/auth/principal.js';
import { ValidationError, type FieldError } from '../core/errors.js';
import { ImportRejectedError, type AssetsService } from '../assets/index.js';

export const CAMERA_COLUMNS = [
  'code',
  'name',
  'type',
  'lon',
  'lat',
  'vendor',
  'model',
  'streamUrl',
  'subStreamUrl',
  'snapshotUrl',
  'onvifUrl',
  'purpose',
  'fovBearing',
  'fovAngle',
  'fovRange',
  'ownerUnit',
  'groups',
  'username',
  'password',
  'agencyCode',
  'tags',
  'status',
] as const;

export interface RowProblem {
  row: number;
  field: string;
  reason: string;
}

/** The import was refused: every problem found, nothing stored. */
export class CameraImportRejectedError extends ValidationError {
  constructor(readonly problems: RowProblem[]) {
    super(
      problems.slice(0, 200).map((p) => ({ path: `row ${p.row}: ${p.field}`, message: p.reason })),
      `The import was refused (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was stored.`,
    );
  }
}

type Cells = Record<string, string>;

export function rowsFromCsv(text: string): Array<{ row: number; cells: Cells }> {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true });
  } catch (err) {
    throw new CameraImportRejectedError([
      { row: 0, field: '(file)', reason: `not valid CSV: ${(err as Error).message}` },
    ]);
  }
  return tableRows(records);
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v && typeof v.text === 'string') return v.text; // hyperlinks
    if ('result' in v) return v.result === undefined ? '' : cellText(v.result);
  }
  return '';
}

const loadExcel = lazyModule(() => import('exceljs'));

export async function rowsFromXlsx(bytes: Buffer): Promise<Array<{ row: number; cells: Cells }>> {
  const { default: Excel } = await loadExcel();
  const wb = new Excel.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  } catch (err) {
    throw new CameraImportRejectedError([
      { row: 0, field: '(file)', reason: `not a readable XLSX file: ${(err as Error).message}` },
    ]);
  }
  const sheet = wb.worksheets[0];
  if (!sheet)
    throw new CameraImportRejectedError([{ row: 0, field: '(file)', reason: 'no sheet' }]);
  const records: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (r, n) => {
    const values: string[] = [];
    for (let c = 1; c <= r.cellCount; c++) values.push(cellText(r.getCell(c).value).trim());
    records[n - 1] = values;
  });
  return tableRows(Array.from(records, (r) => r ?? []));
}

function tableRows(records: string[][]): Array<{ row: number; cells: Cells }> {
  const header = (records[0] ?? []).map((h) => h.trim());
  const unknown = header.filter((h) => h && !(CAMERA_COLUMNS as readonly string[]).includes(h));
  const problems: RowProblem[] = unknown.map((h) => ({
    row: 1,
    field: h,
    reason: `unknown column (known: ${CAMERA_COLUMNS.join(', ')})`,
  }));
  for (const need of ['code', 'name', 'lon', 'lat'])
    if (!header.includes(need)) problems.push({ row: 1, field: need, reason: 'missing column' });
  if (problems.length) throw new CameraImportRejectedError(problems);
  const out: Array<{ row: number; cells: Cells }> = [];
  records.slice(1).forEach((values, i) => {
    if (values.every((v) => v.trim() === '')) return;
    const cells: Cells = {};
    header.forEach((h, j) => {
      if (h) cells[h] = (values[j] ?? '').trim();
    });
    out.push({ row: i + 2, cells });
  });
  return out;
}

const fieldOfPath: Record<string, string> = {
  'fov.bearing': 'fovBearing',
  'fov.angle': 'fovAngle',
  'fov.range': 'fovRange',
  fov: 'fovBearing',
};

/** A row as an asset to create, or its problems. */
export function cameraOfRow(
  row: number,
  c: Cells,
): { item?: AssetCreateInput; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const p = (field: string, reason: string) => problems.push({ row, field, reason });
  const type = c.type || 'camera';
  if (type !== 'camera' && type !== 'anpr_camera') p('type', 'must be camera or anpr_camera');
  if (!c.code) p('code', 'required');
  if (!c.name) p('name', 'required');
  const num = (field: string): number | undefined => {
    const v = c[field];
    if (v === undefined || v === '') return undefined;
    const n = Number(v.replace(',', '.'));
    if (!Number.isFinite(n)) {
      p(field, `not a number: "${v}"`);
      return undefined;
    }
    return n;
  };
  const lon = num('lon');
  const lat = num('lat');
  if (c.lon === '' || c.lon === undefined) p('lon', 'required');
  else if (lon !== undefined && (lon < -180 || lon > 180)) p('lon', 'must be within -180..180');
  if (c.lat === '' || c.lat === undefined) p('lat', 'required');
  else if (lat !== undefined && (lat < -90 || lat > 90)) p('lat', 'must be within -90..90');
  const properties: Record<string, unknown> = {};
  for (const k of [
    'vendor',
    'model',
    'streamUrl',
    'subStreamUrl',
    'snapshotUrl',
    'onvifUrl',
    'purpose',
    'ownerUnit',
    'username',
    'password',
  ] as const)
    if (c[k]) properties[k] = c[k];
  if (c.groups)
    properties.groups = c.groups
      .split(';')
      .map((g) => g.trim())
      .filter(Boolean);
  const fov = { bearing: num('fovBearing'), angle: num('fovAngle'), range: num('fovRange') };
  const fovGiven = Object.values(fov).filter((v) => v !== undefined).length;
  if (fovGiven > 0 && fovGiven < 3)
    p(
      fov.bearing === undefined ? 'fovBearing' : fov.angle === undefined ? 'fovAngle' : 'fovRange',
      'give fovBearing, fovAngle and fovRange together',
    );
  if (fovGiven === 3) properties.fov = fov;
  const schema = assetTypeCatalogue[type === 'anpr_camera' ? 'anpr_camera' : 'camera'].properties;
  const parsed = schema.safeParse(properties);
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const path = issue.path.join('.');
      // Never echo a credential back.
      p(fieldOfPath[path] ?? path, issue.message);
    }
  if (problems.length) return { problems };
  return {
    problems,
    item: {
      type: type as 'camera' | 'anpr_camera',
      code: c.code!,
      name: c.name!,
      geometry: { type: 'Point', coordinates: [lon!, lat!] },
      properties,
      ...(c.agencyCode ? { agencyCode: c.agencyCode } : {}),
      ...(c.tags
        ? {
            tags: c.tags
              .split(';')
              .map((t) => t.trim())
              .filter(Boolean),
          }
        : {}),
      ...(c.status ? { status: c.status as AssetCreateInput['status'] } : {}),
    },
  };
}

/** Reads, checks and stores the rows; all or nothing. */
export async function importCameras(
  assets: AssetsService,
  actor: Actor,
  rows: Array<{ row: number; cells: Cells }>,
  opts: { mode: AssetImportMode; scope: Scope },
): Promise<AssetImportResult> {
  if (rows.length === 0)
    throw new CameraImportRejectedError([{ row: 0, field: '(file)', reason: 'no camera rows' }]);
  const problems: RowProblem[] = [];
  const items: AssetCreateInput[] = [];
  const seen = new Map<string, number>();
  for (const { row, cells } of rows) {
    const r = cameraOfRow(row, cells);
    problems.push(...r.problems);
    if (r.item) {
      const key = `${r.item.type}/${r.item.code}`;
      const first = seen.get(key);
      if (first !== undefined)
        problems.push({ row, field: 'code', reason: `the same code as row ${first}` });
      else seen.set(key, row);
      items.push(r.item);
    }
  }
  if (problems.length) throw new CameraImportRejectedError(problems);
  try {
    return await assets.importItems(actor, items, { mode: opts.mode, scope: opts.scope });
  } catch (err) {
    if (!(err instanceof ImportRejectedError)) throw err;
    // The registry numbers items from 1: back to spreadsheet rows and column names.
    throw new CameraImportRejectedError(
      err.report.problems.map((q) => ({
        row: rows[q.line - 1]?.row ?? q.line,
        field: columnOf(q.field),
        reason: q.reason,
      })),
    );
  }
}

function columnOf(field: string): string {
  const f = field.replace(/^properties\./, '');
  if (f === 'geometry') return 'lon';
  return fieldOfPath[f] ?? f;
}

export type { FieldError };
