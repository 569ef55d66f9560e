/**
 * Assets from a GeoJSON FeatureCollection: one asset per Feature, its
 * `geometry` the asset's, its `properties` holding `type`, `code`, `name`,
 * optional `status`, `agencyCode` and `tags` (an array, or text separated by
 * ";"), and the type's own properties under `properties.properties`. The keys
 * the export writes besides (`id`, `adminUnit`, `createdAt`, `updatedAt`) are
 * ignored; any other key is refused. Problems name the feature by its number
 * (1 = the first).
 */
import { ValidationError } from '../core/errors.js';
import type { ImportRow } from './import.js';

const IGNORED = new Set(['id', 'adminUnit', 'createdAt', 'updatedAt']);

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

export function* parseGeoJson(doc: unknown): Generator<ImportRow> {
  if (!isObject(doc) || doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) {
    throw ValidationError.field('(root)', 'must be a GeoJSON FeatureCollection');
  }
  const features = doc.features as unknown[];
  for (let i = 0; i < features.length; i++) {
    const feature = features[i];
    const line = i + 1;
    if (!isObject(feature) || feature.type !== 'Feature') {
      yield {
        line,
        label: 'feature',
        problems: [{ field: 'type', reason: 'not a GeoJSON Feature' }],
      };
      continue;
    }
    if (!isObject(feature.properties)) {
      const reason = 'a Feature needs properties with type, code and name';
      yield { line, label: 'feature', problems: [{ field: 'properties', reason }] };
      continue;
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
    yield {
      line,
      label: 'feature',
      input,
      statusGiven: input.status !== undefined,
      fieldOf: featureField,
    };
  }
}

/** A feature's own path for a field of the asset. */
function featureField(path: string): string {
  if (path.startsWith('geometry')) return path;
  return path === '(root)' ? '(feature)' : `properties.${path}`;
}
