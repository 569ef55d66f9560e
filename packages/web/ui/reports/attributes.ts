/**
 * The details a report category asks for (its Open311 attributes), as both
 * report forms keep them: one value per attribute code, a text or a list of
 * keys, and what is sent to the API.
 */
import type { CategoryAttribute } from '@cityops/contracts';

/** A text for every datatype but multivaluelist, whose value is the chosen keys. */
export type AttributeValue = string | string[];
export type AttributeValues = Record<string, AttributeValue>;

/** Nothing entered: no value, only spaces, or no key chosen. */
export function isBlank(v: AttributeValue | undefined): boolean {
  return v === undefined || (Array.isArray(v) ? v.length === 0 : v.trim() === '');
}

/**
 * The details as the API takes them: only the filled ones the user may
 * answer (`variable`), date-times (a datetime-local input's
 * "2026-11-25T08:30") in Vietnam time.
 */
export function attributeValues(
  defs: readonly CategoryAttribute[],
  values: AttributeValues,
): AttributeValues {
  const out: AttributeValues = {};
  for (const d of defs) {
    const v = values[d.code];
    if (!d.variable || v === undefined || isBlank(v)) continue;
    out[d.code] = d.datatype === 'datetime' && typeof v === 'string' ? `${v}:00+07:00` : v;
  }
  return out;
}
