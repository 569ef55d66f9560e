/**
 * How assets look outside the module (the API shape, the audit view) and the
 * errors their writes answer. Write-only values never reach these: the rows
 * presented do not hold them.
 */
import type { Asset, AssetType } from '@cityops/contracts';
import { ConflictError, ForbiddenError, ValidationError } from '../core/errors.js';
import type { AssetRow, Page } from './assets.repo.js';
import { writeOnlyNames, type WriteOnlyValues } from './write-only.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function presentAsset(r: AssetRow): Asset {
  return {
    id: r.id,
    type: r.type,
    code: r.code,
    name: r.name,
    geometry: r.geometry,
    properties: r.properties,
    status: r.status,
    adminUnit: r.admin_unit_code,
    agencyCode: r.agency_code,
    tags: r.tags,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    // Unrounded: it is the sort key of nearest-first pages.
    ...(r.distance !== undefined ? { distance: r.distance } : {}),
  };
}

/** Postgres error codes that a write can meet through a race or another module's rows. */
export function pgCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A cursor key decoded from the client: checked so that a forged one is a 400, not a 500. */
export function afterKey(key: unknown[], near: boolean): Page['after'] {
  const [a, b] = key;
  if (!near && typeof a === 'string' && UUID.test(a)) return { id: a };
  if (near && typeof a === 'number' && Number.isFinite(a) && typeof b === 'string' && UUID.test(b))
    return { id: b, distance: a };
  throw ValidationError.field('cursor', 'not a cursor of this list');
}

export function duplicateCode(a: { type: AssetType; code: string }): ConflictError {
  return new ConflictError(`A ${a.type} with the code ${a.code} exists.`, [
    { path: 'code', message: `already used by another ${a.type}` },
  ]);
}

export function outsideScope(row: AssetRow): ForbiddenError {
  return new ForbiddenError(
    `The asset would lie in admin unit ${row.admin_unit_code ?? '(none)'}, outside your area.`,
  );
}

/** The audit view: the asset plus the names (never the values) of write-only fields written. */
export function withWriteOnlyNames(asset: Asset, writeOnly: WriteOnlyValues) {
  const names = writeOnlyNames(writeOnly);
  return names.length ? { ...asset, writeOnlyChanged: names } : asset;
}
