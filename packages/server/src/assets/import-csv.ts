/**
 * Assets from CSV (UTF-8, comma-separated, a header line, an optional BOM).
 *
 * Columns (names of the fixed ones in any case; order free):
 * - `type`, `code`, `name` — required;
 * - the location, one of: `lon` and `lat` (a point, WGS84 degrees), `wkt`
 *   (Well-Known Text) or `geometry` (GeoJSON geometry as text);
 * - `status`, `agencyCode`, `tags` (separated by ";") — optional;
 * - the type's properties: a `properties` column holding a JSON object, and/or
 *   one `properties.<name>` column per property (a number, true/false or JSON
 *   where the type's schema wants one, else text);
 * - `id`, `adminUnit`, `createdAt`, `updatedAt` — written by the export,
 *   ignored here (the id and unit are the server's).
 * An empty cell is an absent value. Any other column is refused.
 */
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { assetTypeCatalogue, assetTypes, type AssetType } from '@cityops/contracts';
import type { ImportProblem } from '@cityops/contracts';
import type { ImportRow } from './import.js';
import { parseWkt } from './wkt.js';

const FIXED = [
  'type',
  'code',
  'name',
  'lon',
  'lat',
  'wkt',
  'geometry',
  'status',
  'agencyCode',
  'tags',
  'properties',
];
const IGNORED = ['id', 'adminUnit', 'createdAt', 'updatedAt'];
const PROPERTY_PREFIX = 'properties.';

export interface ParsedFile {
  rows: ImportRow[];
  /** Problems found while reading the file itself (header, cells, quoting). */
  problems: ImportProblem[];
}

/** The kind of value a type's property wants, to read a CSV cell as that. */
type CellKind = 'number' | 'boolean' | 'json' | 'string' | 'free';

function kindOf(type: AssetType | undefined, name: string): CellKind {
  if (!type) return 'free';
  const schema = assetTypeCatalogue[type].properties;
  if (!(schema instanceof z.ZodObject)) return 'free';
  let field = (schema.shape as Record<string, z.ZodType | undefined>)[name];
  while (field instanceof z.ZodOptional) field = field.unwrap() as z.ZodType;
  if (field instanceof z.ZodNumber) return 'number';
  if (field instanceof z.ZodBoolean) return 'boolean';
  if (field instanceof z.ZodObject || field instanceof z.ZodArray || field instanceof z.ZodRecord)
    return 'json';
  return field ? 'string' : 'free';
}

/** A cell as the property's kind; what cannot be read stays text, for the schema to name. */
function cellValue(kind: CellKind, cell: string): unknown {
  const asJson = () => {
    try {
      return JSON.parse(cell) as unknown;
    } catch {
      return cell;
    }
  };
  switch (kind) {
    case 'number':
      return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(cell) ? Number(cell) : cell;
    case 'boolean':
      return /^(true|1|yes)$/i.test(cell) ? true : /^(false|0|no)$/i.test(cell) ? false : cell;
    case 'json':
      return asJson();
    case 'string':
      return cell;
    case 'free':
      // A free-form type (sensor, poi): numbers, true/false and JSON read as such.
      if (
        /^-?(0|[1-9]\d*)(\.\d+)?$/.test(cell) ||
        /^(true|false)$/.test(cell) ||
        /^[[{]/.test(cell)
      )
        return asJson();
      return cell;
  }
}

export function parseCsv(text: string): ParsedFile {
  const problems: ImportProblem[] = [];
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (err) {
    const e = err as { lines?: number; message: string };
    return { rows: [], problems: [{ line: e.lines ?? 1, field: '(file)', reason: e.message }] };
  }
  const [header, ...body] = records;
  if (!header)
    return { rows: [], problems: [{ line: 1, field: '(file)', reason: 'the file is empty' }] };

  // The header: fixed names in any case, properties.<name> as written.
  const names = header.record.map((h) => {
    const fixed = [...FIXED, ...IGNORED].find((f) => f.toLowerCase() === h.toLowerCase());
    return fixed ?? h;
  });
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i)
      problems.push({ line: 1, field: n, reason: 'the column appears twice' });
    else if (
      !FIXED.includes(n) &&
      !IGNORED.includes(n) &&
      !(n.startsWith(PROPERTY_PREFIX) && n.length > PROPERTY_PREFIX.length)
    )
      problems.push({
        line: 1,
        field: n || `(column ${i + 1})`,
        reason: 'unknown column (use properties.<name> for a property of the type)',
      });
  });
  for (const required of ['type', 'code', 'name']) {
    if (!names.includes(required))
      problems.push({ line: 1, field: required, reason: 'the column is missing' });
  }
  const hasPoint = names.includes('lon') && names.includes('lat');
  if (!hasPoint && !names.includes('wkt') && !names.includes('geometry'))
    problems.push({
      line: 1,
      field: 'lon',
      reason: 'no location columns: give lon and lat, wkt or geometry',
    });
  if (problems.length) return { rows: [], problems };

  const rows: ImportRow[] = [];
  for (const { record, info } of body) {
    const line = info.lines;
    if (record.length !== names.length) {
      problems.push({
        line,
        field: '(row)',
        reason: `has ${record.length} cells where the header has ${names.length}`,
      });
      continue;
    }
    const cell = new Map<string, string>();
    names.forEach((n, i) => {
      if (record[i] !== '') cell.set(n, record[i]!);
    });
    const before = problems.length;
    const bad = (field: string, reason: string) => problems.push({ line, field, reason });
    const type = cell.get('type');
    const knownType = assetTypes.includes(type as AssetType) ? (type as AssetType) : undefined;

    // The location: exactly one of lon/lat, wkt, geometry.
    const forms = [cell.has('lon') || cell.has('lat'), cell.has('wkt'), cell.has('geometry')];
    const geometryColumn = forms[0] ? 'lon' : forms[1] ? 'wkt' : 'geometry';
    let geometry: unknown;
    if (forms.filter(Boolean).length > 1)
      bad('geometry', 'give one of lon/lat, wkt or geometry, not several');
    else if (forms[0]) {
      const lon = Number(cell.get('lon'));
      const lat = Number(cell.get('lat'));
      if (!cell.has('lon') || !Number.isFinite(lon))
        bad('lon', cell.has('lon') ? 'not a number' : 'required with lat');
      if (!cell.has('lat') || !Number.isFinite(lat))
        bad('lat', cell.has('lat') ? 'not a number' : 'required with lon');
      geometry = { type: 'Point', coordinates: [lon, lat] };
    } else if (forms[1]) {
      try {
        geometry = parseWkt(cell.get('wkt')!);
      } catch (err) {
        bad('wkt', `not valid WKT: ${(err as Error).message}`);
      }
    } else if (forms[2]) {
      try {
        geometry = JSON.parse(cell.get('geometry')!) as unknown;
      } catch {
        bad('geometry', 'not GeoJSON (JSON text of a geometry)');
      }
    } else
      bad(hasPoint ? 'lon' : names.includes('wkt') ? 'wkt' : 'geometry', 'the location is missing');

    let properties: Record<string, unknown> = {};
    if (cell.has('properties')) {
      try {
        const p = JSON.parse(cell.get('properties')!) as unknown;
        if (!p || typeof p !== 'object' || Array.isArray(p)) throw new Error();
        properties = p as Record<string, unknown>;
      } catch {
        bad('properties', 'not a JSON object');
      }
    }
    for (const [n, v] of cell) {
      if (!n.startsWith(PROPERTY_PREFIX)) continue;
      const name = n.slice(PROPERTY_PREFIX.length);
      properties[name] = cellValue(kindOf(knownType, name), v);
    }

    if (problems.length > before) continue;
    const status = cell.get('status');
    const agencyCode = cell.get('agencyCode');
    const tags = cell.get('tags');
    rows.push({
      line,
      label: 'line',
      statusGiven: status !== undefined,
      input: {
        type,
        code: cell.get('code'),
        name: cell.get('name'),
        geometry,
        properties,
        ...(status !== undefined ? { status } : {}),
        agencyCode: agencyCode ?? null,
        tags: tags
          ? tags
              .split(';')
              .map((t) => t.trim())
              .filter(Boolean)
          : [],
      },
      fieldOf: (path) => {
        if (path.startsWith('geometry')) {
          if (geometryColumn !== 'lon') return geometryColumn;
          if (path === 'geometry.coordinates.1') return 'lat';
          return 'lon';
        }
        if (path.startsWith(PROPERTY_PREFIX)) {
          const name = path.slice(PROPERTY_PREFIX.length).split('.')[0]!;
          if (cell.has(PROPERTY_PREFIX + name)) return PROPERTY_PREFIX + name;
          return cell.has('properties') ? 'properties' : path;
        }
        if (path.startsWith('tags')) return 'tags';
        return path === '(root)' ? '(row)' : path;
      },
    });
  }
  return { rows, problems };
}
