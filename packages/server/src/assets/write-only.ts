/**
 * Write-only properties (camera `username` and `password`, per `writeOnly` in
 * the type catalogue): split from the properties a client sends, stored in
 * assets.secrets, never presented, logged or audited.
 *
 * At rest they are plain jsonb for now. Encryption plugs in here and only here:
 * sealWriteOnly() runs on every value before it is stored and openWriteOnly()
 * on every value read back for use (by the cameras module, to fetch snapshots);
 * the key will come from the settings through assetsModule(ctx).
 */
import { writeOnlyFieldsOf, type AssetType } from '@cityops/contracts';

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

/** The stored form of the given values; an empty string stands for "remove this one". */
export function sealWriteOnly(values: WriteOnlyValues): WriteOnlyValues {
  return { ...values };
}

/** The values as given, from their stored form. */
export function openWriteOnly(stored: unknown): WriteOnlyValues {
  if (!stored || typeof stored !== 'object') return {};
  return Object.fromEntries(
    Object.entries(stored as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    ),
  );
}

/** The values without the empty ones (which only mean "remove" on an update). */
export function withoutEmpty(values: WriteOnlyValues): WriteOnlyValues {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
}

/** Which write-only fields a write touches (names only, for the audit trail). */
export function writeOnlyNames(values: WriteOnlyValues): string[] {
  return Object.keys(values).sort();
}
