/**
 * Write-only properties (camera `username` and `password`, per `writeOnly` in
 * the type catalogue): split from the properties a client sends, stored in
 * assets.secrets, never presented, logged or audited.
 *
 * At rest each value is sealed with AES-256-GCM (core/auth/secret-box.ts):
 * sealWriteOnly() runs on every value before it is stored and openWriteOnly()
 * on every value read back for use (by the cameras module, to fetch snapshots
 * and probe streams); the key comes from the settings through assetsModule(ctx).
 */
import { writeOnlyFieldsOf, type AssetType } from '@cityops/contracts';
import { SecretBox } from '../core/auth/secret-box.js';

export type WriteOnlyValues = Record<string, string>;

/** Splits the write-only values out of a type's properties. */
export function splitWriteOnly(
  type: AssetType,
  properties: Record<string, unknown>,
): { properties: Record<string, unknown>; writeOnly: WriteOnlyValues } {
  const fields = writeOnlyFieldsOf(type);
  if (fields.length === 0) return { properties, writeOnly: {} };
  const kept: Record<string, unknown> = {};
  const writeOnly: WriteOnlyValues = {};
  for (const [k, v] of Object.entries(properties)) {
    if (fields.includes(k)) writeOnly[k] = String(v);
    else kept[k] = v;
  }
  return { properties: kept, writeOnly };
}

/** The stored form of the given values; an empty string stands for "remove this one" and stays empty. */
export function sealWriteOnly(values: WriteOnlyValues, box: SecretBox): WriteOnlyValues {
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, v === '' ? '' : box.seal(v, k)]),
  );
}

/**
 * The values as given, from their stored form. A value that does not open
 * (sealed under another key, or altered) is left out, as if it were not set;
 * a plain value stored before encryption is answered as it is.
 */
export function openWriteOnly(stored: unknown, box: SecretBox): WriteOnlyValues {
  if (!stored || typeof stored !== 'object') return {};
  const out: WriteOnlyValues = {};
  for (const [k, v] of Object.entries(stored as Record<string, unknown>)) {
    if (typeof v !== 'string') continue;
    if (!SecretBox.isSealed(v)) {
      out[k] = v;
      continue;
    }
    try {
      out[k] = box.open(v, k);
    } catch {
      // Unreadable under this key: treated as not set.
    }
  }
  return out;
}

/** The values without the empty ones (which only mean "remove" on an update). */
export function withoutEmpty(values: WriteOnlyValues): WriteOnlyValues {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
}

/** Which write-only fields a write touches (names only, for the audit trail). */
export function writeOnlyNames(values: WriteOnlyValues): string[] {
  return Object.keys(values).sort();
}
