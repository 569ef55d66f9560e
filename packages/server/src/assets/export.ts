/**
 * Exports of the asset list as GeoJSON or CSV, streamed a batch at a time so
 * that a million assets never sit in memory. Both read back through the import
 * (the CSV columns are the import's; the read-only ones are ignored there).
 * Write-only values are not in the assets presented, so never here either.
 *
 * The batches are keyset pages, not one snapshot: an export taken while others
 * write may show a change made during it. A transaction held open for the
 * length of a download would block the embedded database's single connection.
 */
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Asset } from '@cityops/contracts';

export type ExportFormat = 'csv' | 'geojson';

export const exportContentTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  geojson: 'application/geo+json',
};

export const CSV_COLUMNS = [
  'id',
  'type',
  'code',
  'name',
  'status',
  'lon',
  'lat',
  'geometry',
  'agencyCode',
  'tags',
  'adminUnit',
  'properties',
  'createdAt',
  'updatedAt',
] as const;

function csvRecord(a: Asset): Record<(typeof CSV_COLUMNS)[number], string> {
  const g = a.geometry as { type: string; coordinates: unknown };
  const point = g.type === 'Point' ? (g.coordinates as number[]) : null;
  return {
    id: a.id,
    type: a.type,
    code: a.code,
    name: a.name,
    status: a.status,
    lon: point ? String(point[0]) : '',
    lat: point ? String(point[1]) : '',
    geometry: point ? '' : JSON.stringify(a.geometry),
    agencyCode: a.agencyCode ?? '',
    tags: a.tags.join(';'),
    adminUnit: a.adminUnit ?? '',
    properties: Object.keys(a.properties).length ? JSON.stringify(a.properties) : '',
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

function feature(a: Asset) {
  const { geometry, properties, distance: _d, ...fields } = a;
  return { type: 'Feature', id: a.id, geometry, properties: { ...fields, properties } };
}

async function* csvChunks(first: Asset[], rest: AsyncIterator<Asset[]>): AsyncGenerator<string> {
  // A byte-order mark, so that spreadsheet programs read the Vietnamese as UTF-8.
  yield '\uFEFF' + stringify(first.map(csvRecord), { header: true, columns: [...CSV_COLUMNS] });
  for (let b = await rest.next(); !b.done; b = await rest.next()) {
    yield stringify(b.value.map(csvRecord), { columns: [...CSV_COLUMNS] });
  }
}

async function* geojsonChunks(
  first: Asset[],
  rest: AsyncIterator<Asset[]>,
): AsyncGenerator<string> {
  yield '{"type":"FeatureCollection","features":[';
  let firstFeature = true;
  const batch = (items: Asset[]) =>
    items
      .map((a) => {
        const text = (firstFeature ? '' : ',') + JSON.stringify(feature(a));
        firstFeature = false;
        return text;
      })
      .join('');
  yield batch(first);
  for (let b = await rest.next(); !b.done; b = await rest.next()) yield batch(b.value);
  yield ']}\n';
}

/**
 * The export as a stream. The first batch is read before answering, so that
 * a bad filter is still a 4xx and not a broken download.
 */
export async function exportStream(
  batches: AsyncGenerator<Asset[]>,
  format: ExportFormat,
): Promise<Readable> {
  const first = await batches.next();
  const items = first.done ? [] : first.value;
  const chunks = format === 'csv' ? csvChunks(items, batches) : geojsonChunks(items, batches);
  return Readable.from(chunks, { objectMode: false });
}
