/**
 * Checks an asset against the type catalogue in memory, before any database
 * work: the body schema, the type's property schema (errors name
 * `properties.<field>`) and the geometry types the type allows. The same
 * checks serve the JSON API, imports and other modules.
 */
import type { z } from 'zod';
import {
  assetCreateSchema,
  assetPatchSchema,
  assetTypeCatalogue,
  type AssetCreate,
  type AssetPatch,
  type AssetType,
  type Geometry,
} from '@cityops/contracts';
import type { FieldError } from '../core/errors.js';
import { splitWriteOnly, type WriteOnlyValues } from './write-only.js';

/** A valid asset, its write-only values apart. */
export interface CheckedAsset {
  asset: AssetCreate;
  writeOnly: WriteOnlyValues;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Field errors from zod issues, paths dotted and prefixed ("properties.fov.range"). */
export function fieldErrorsOf(issues: readonly z.core.$ZodIssue[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: [path, key].filter(Boolean).join('.'), message: 'unknown field' });
      }
      continue;
    }
    let message = issue.message;
    if (message.startsWith('Invalid input: expected') && message.endsWith('received undefined'))
      message = 'required';
    out.push({ path: path || '(root)', message });
  }
  return out;
}

function typeName(type: AssetType): string {
  return assetTypeCatalogue[type].nameEn.toLowerCase();
}

/** Errors of a geometry the type does not allow. */
export function geometryTypeErrors(type: AssetType, geometry: Geometry): FieldError[] {
  const allowed: readonly string[] = assetTypeCatalogue[type].geometry;
  if (allowed.includes(geometry.type)) return [];
  return [
    {
      path: 'geometry.type',
      message: `a ${typeName(type)} takes ${allowed.join(' or ')}, not ${geometry.type}`,
    },
  ];
}

/** Checks a type's properties; answers them without the write-only values, which come apart. */
export function checkProperties(
  type: AssetType,
  properties: Record<string, unknown>,
): Checked<{ properties: Record<string, unknown>; writeOnly: WriteOnlyValues }> {
  const parsed = assetTypeCatalogue[type].properties.safeParse(properties);
  if (!parsed.success)
    return { ok: false, errors: fieldErrorsOf(parsed.error.issues, 'properties') };
  return { ok: true, value: splitWriteOnly(type, parsed.data) };
}

/** Checks an asset to create, as sent by a client, an import row or another module. */
export function checkAsset(input: unknown): Checked<CheckedAsset> {
  const parsed = assetCreateSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error.issues) };
  const asset = parsed.data;
  const errors = geometryTypeErrors(asset.type, asset.geometry);
  const props = checkProperties(asset.type, asset.properties);
  if (!props.ok) errors.push(...props.errors);
  if (errors.length > 0 || !props.ok) return { ok: false, errors };
  return {
    ok: true,
    value: {
      asset: { ...asset, properties: props.value.properties, tags: [...new Set(asset.tags)] },
      writeOnly: props.value.writeOnly,
    },
  };
}

/** A valid change to an asset of a known type. */
export interface CheckedPatch {
  patch: AssetPatch;
  /** Write-only values given with the properties (only when properties are given). */
  writeOnly: WriteOnlyValues;
}

export function checkPatch(type: AssetType, input: unknown): Checked<CheckedPatch> {
  const parsed = assetPatchSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error.issues) };
  const patch = { ...parsed.data };
  const errors: FieldError[] = [];
  let writeOnly: WriteOnlyValues = {};
  if (patch.geometry) errors.push(...geometryTypeErrors(type, patch.geometry));
  if (patch.properties) {
    const props = checkProperties(type, patch.properties);
    if (props.ok) {
      patch.properties = props.value.properties;
      writeOnly = props.value.writeOnly;
    } else errors.push(...props.errors);
  }
  if (patch.tags) patch.tags = [...new Set(patch.tags)];
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { patch, writeOnly } };
}
