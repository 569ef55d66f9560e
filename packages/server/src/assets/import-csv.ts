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
import { z } from 'zod';
import { assetTypeCatalogue, assetTypes, type AssetType } from '@cityops/contracts';
import type { ImportRow } from './import.js';
import { parseWkt } from './wkt.js';
import { CsvSyntaxError, readCsv, type CsvRecord } from './csv-reader.js';

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

type GeometryColumn = 'lon' | 'wkt' | 'geometry';
type Problems = NonNullable<ImportRow['problems']>;

/** Maps a path of the asset to the file's column, for one way of giving the location. */
function fieldMapper(columns: Set<string>, geometry: GeometryColumn) {
  return (path: string): string => {
    if (path.startsWith('geometry')) {
      if (geometry !== 'lon') return geometry;
      return path === 'geometry.coordinates.1' ? 'lat' : 'lon';
    }
    if (path.startsWith(PROPERTY_PREFIX)) {
      const name = path.slice(PROPERTY_PREFIX.length).split('.')[0]!;
      if (columns.has(PROPERTY_PREFIX + name)) return PROPERTY_PREFIX + name;
      return columns.has('properties') ? 'properties' : path;
    }
    if (path.startsWith('tags')) return 'tags';
    return path === '(root)' ? '(row)' : path;
  };
}

/** Checks the header; answers the column names (fixed ones in their canonical case). */
function readHeader(header: CsvRecord, problems: Problems): string[] {
  const names = header.cells.map(
    (h) => [...FIXED, ...IGNORED].find((f) => f.toLowerCase() === h.toLowerCase()) ?? h,
  );
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) problems.push({ field: n, reason: 'the column appears twice' });
    else if (
      !FIXED.includes(n) &&
      !IGNORED.includes(n) &&
      !(n.startsWith(PROPERTY_PREFIX) && n.length > PROPERTY_PREFIX.length)
    )
      problems.push({
        field: n || `(column ${i + 1})`,
        reason: 'unknown column (use properties.<name> for a property of the type)',
      });
  });
  for (const required of ['type', 'code', 'name']) {
    if (!names.includes(required))
      problems.push({ field: required, reason: 'the column is missing' });
  }
  if (
    !(names.includes('lon') && names.includes('lat')) &&
    !names.includes('wkt') &&
    !names.includes('geometry')
  )
    problems.push({
      field: 'lon',
      reason: 'no location columns: give lon and lat, wkt or geometry',
    });
  return names;
}

/** A cell, or undefined when the column is absent or the cell empty. */
function cellAt(cells: string[], i: number): string | undefined {
  return i >= 0 && cells[i] !== '' ? cells[i] : undefined;
}

/** The rows of a CSV file, read one at a time; unreadable rows carry their problems. */
export function* parseCsv(text: string): Generator<ImportRow> {
  const records = readCsv(text);
  try {
    yield* rowsOf(records);
  } catch (err) {
    if (!(err instanceof CsvSyntaxError)) throw err;
    yield { line: err.line, label: 'line', problems: [{ field: '(file)', reason: err.message }] };
  }
}

function* rowsOf(records: Generator<CsvRecord>): Generator<ImportRow> {
  const first = records.next();
  if (first.done) {
    yield { line: 1, label: 'line', problems: [{ field: '(file)', reason: 'the file is empty' }] };
    return;
  }
  const header = first.value;
  const headerProblems: Problems = [];
  const names = readHeader(header, headerProblems);
  if (headerProblems.length) {
    yield { line: header.line, label: 'line', problems: headerProblems };
    return;
  }
  const col = (name: string) => names.indexOf(name);
  const at = {
    type: col('type'),
    code: col('code'),
    name: col('name'),
    lon: col('lon'),
    lat: col('lat'),
    wkt: col('wkt'),
    geometry: col('geometry'),
    status: col('status'),
    agencyCode: col('agencyCode'),
    tags: col('tags'),
    properties: col('properties'),
  };
  const propertyColumns = names.flatMap((n, i) =>
    n.startsWith(PROPERTY_PREFIX) ? [{ i, name: n.slice(PROPERTY_PREFIX.length) }] : [],
  );
  const columns = new Set(names);
  const mappers = {
    lon: fieldMapper(columns, 'lon'),
    wkt: fieldMapper(columns, 'wkt'),
    geometry: fieldMapper(columns, 'geometry'),
  };
  const missingLocation: GeometryColumn = at.lon >= 0 ? 'lon' : at.wkt >= 0 ? 'wkt' : 'geometry';

  for (const { line, cells } of records) {
    if (cells.length !== names.length) {
      const reason = `has ${cells.length} cells where the header has ${names.length}`;
      yield { line, label: 'line', problems: [{ field: '(row)', reason }] };
      continue;
    }
    const problems: Problems = [];
    const type = cellAt(cells, at.type);
    const knownType = assetTypes.includes(type as AssetType) ? (type as AssetType) : undefined;

    // The location: exactly one of lon/lat, wkt, geometry.
    const lonText = cellAt(cells, at.lon);
    const latText = cellAt(cells, at.lat);
    const wkt = cellAt(cells, at.wkt);
    const geojson = cellAt(cells, at.geometry);
    const given = [
      lonText !== undefined || latText !== undefined,
      wkt !== undefined,
      geojson !== undefined,
    ];
    const form: GeometryColumn = given[0]
      ? 'lon'
      : given[1]
        ? 'wkt'
        : given[2]
          ? 'geometry'
          : missingLocation;
    let geometry: unknown;
    if (given.filter(Boolean).length > 1)
      problems.push({
        field: 'geometry',
        reason: 'give one of lon/lat, wkt or geometry, not several',
      });
    else if (form === 'lon' && given[0]) {
      const lon = Number(lonText);
      const lat = Number(latText);
      if (lonText === undefined || !Number.isFinite(lon))
        problems.push({
          field: 'lon',
          reason: lonText === undefined ? 'required with lat' : 'not a number',
        });
      if (latText === undefined || !Number.isFinite(lat))
        problems.push({
          field: 'lat',
          reason: latText === undefined ? 'required with lon' : 'not a number',
        });
      geometry = { type: 'Point', coordinates: [lon, lat] };
    } else if (form === 'wkt' && wkt !== undefined) {
      try {
        geometry = parseWkt(wkt);
      } catch (err) {
        problems.push({ field: 'wkt', reason: `not valid WKT: ${(err as Error).message}` });
      }
    } else if (form === 'geometry' && geojson !== undefined) {
      try {
        geometry = JSON.parse(geojson) as unknown;
      } catch {
        problems.push({ field: 'geometry', reason: 'not GeoJSON (JSON text of a geometry)' });
      }
    } else problems.push({ field: form, reason: 'the location is missing' });

    let properties: Record<string, unknown> = {};
    const json = cellAt(cells, at.properties);
    if (json !== undefined) {
      try {
        const p = JSON.parse(json) as unknown;
        if (!p || typeof p !== 'object' || Array.isArray(p)) throw new Error();
        properties = p as Record<string, unknown>;
      } catch {
        problems.push({ field: 'properties', reason: 'not a JSON object' });
      }
    }
    for (const { i, name } of propertyColumns) {
      const v = cellAt(cells, i);
      if (v !== undefined) properties[name] = cellValue(kindOf(knownType, name), v);
    }
    if (problems.length) {
      yield { line, label: 'line', problems };
      continue;
    }

    const status = cellAt(cells, at.status);
    const tags = cellAt(cells, at.tags);
    yield {
      line,
      label: 'line',
      statusGiven: status !== undefined,
      input: {
        type,
        code: cellAt(cells, at.code),
        name: cellAt(cells, at.name),
        geometry,
        properties,
        ...(status !== undefined ? { status } : {}),
        agencyCode: cellAt(cells, at.agencyCode) ?? null,
        tags: tags
          ? tags
              .split(';')
              .map((t) => t.trim())
              .filter(Boolean)
          : [],
      },
      fieldOf: mappers[form],
    };
  }
}
