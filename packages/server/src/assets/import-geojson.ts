/**
 * Assets from a GeoJSON FeatureCollection: one asset per Feature, its
 * `geometry` the asset's, its `properties` holding `type`, `code`, `name`,
 * optional `status`, `agencyCode` and `tags` (an array, or text separated by
 * ";"), and the type's own properties under `properties.properties`. The keys
 * the export writes besides (`id`, `adminUnit`, `createdAt`, `updatedAt`) are
 * ignored; any other key is refused. Problems name the feature by its number
 * (1 = the first).
 */
import type { ImportProblem } from '@cityops/contracts';
import { ValidationError } from '../core/errors.js';
import type { ImportRow } from './import.js';
import type { ParsedFile } from './import-csv.js';

const IGNORED = new Set(['id', 'adminUnit', 'createdAt', 'updatedAt']);

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

export function parseGeoJson(doc: unknown): ParsedFile {
  if (!isObject(doc) || doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) {
    throw ValidationError.field('(root)', 'must be a GeoJSON FeatureCollection');
  }
  const rows: ImportRow[] = [];
  const problems: ImportProblem[] = [];
  (doc.features as unknown[]).forEach((feature, i) => {
    const line = i + 1;
    if (!isObject(feature) || feature.type !== 'Feature') {
      problems.push({ line, field: 'type', reason: 'not a GeoJSON Feature' });
      return;
    }
    if (!isObject(feature.properties)) {
      problems.push({
        line,
        field: 'properties',
        reason: 'a Feature needs properties with type, code and name',
      });
      return;
    }
    const input: Record<string, unknown> = { geometry: feature.geometry ?? undefined };
    for (const [k, v] of Object.entries(feature.properties)) {
      if (IGNORED.has(k) || v === null) continue;
      input[k] =
        k === 'tags' && typeof v === 'string'
          ? v
              .split(';')
              .map((t) => t.trim())
              .filter(Boolean)
          : v;
    }
    rows.push({
      line,
      label: 'feature',
      input,
      statusGiven: input.status !== undefined,
      fieldOf: (path) =>
        path.startsWith('geometry') ? path : path === '(root)' ? '(feature)' : `properties.${path}`,
    });
  });
  return { rows, problems };
}
