/**
 * Checks the attribute values of a report against its category's definition
 * (Open311 service definition rules): required ones present, list values
 * among the keys, numbers numeric, date-times ISO 8601, strings on one line.
 * An empty value is an absent one; informational attributes (variable:
 * false) take no value.
 */
import type { CategoryAttribute } from '@cityops/contracts';
import type { FieldError } from '../core/errors.js';

export type AttributeValues = Record<string, string | string[]>;

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function checkAttributes(
  defs: readonly CategoryAttribute[],
  given: AttributeValues,
): { values: AttributeValues; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const values: AttributeValues = {};
  const byCode = new Map(defs.map((d) => [d.code, d]));
  for (const code of Object.keys(given)) {
    const def = byCode.get(code);
    if (!def || !def.variable)
      errors.push({ path: `attributes.${code}`, message: 'not an attribute of this category' });
  }
  for (const def of defs) {
    if (!def.variable) continue;
    const path = `attributes.${def.code}`;
    const raw = given[def.code];
    const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
      .map((v) => v.trim())
      .filter((v) => v !== '');
    if (list.length === 0) {
      if (def.required) errors.push({ path, message: 'required' });
      continue;
    }
    const keys = new Set(def.values.map((v) => v.key));
    const one = list[0]!;
    const single = () => {
      if (list.length > 1) errors.push({ path, message: 'takes one value' });
    };
    switch (def.datatype) {
      case 'multivaluelist': {
        const bad = list.filter((v) => !keys.has(v));
        if (bad.length) errors.push({ path, message: `not among the values: ${bad.join(', ')}` });
        else values[def.code] = [...new Set(list)];
        break;
      }
      case 'singlevaluelist':
        single();
        if (!keys.has(one)) errors.push({ path, message: `not among the values: ${one}` });
        else values[def.code] = one;
        break;
      case 'number':
        single();
        if (!/^-?\d+(\.\d+)?$/.test(one) || !Number.isFinite(Number(one)))
          errors.push({ path, message: 'not a number' });
        else values[def.code] = one;
        break;
      case 'datetime':
        single();
        if (!ISO_DATETIME.test(one) || Number.isNaN(Date.parse(one)))
          errors.push({ path, message: 'not an ISO 8601 date and time' });
        else values[def.code] = one;
        break;
      case 'string':
        single();
        if (/[\r\n]/.test(one)) errors.push({ path, message: 'must be on one line' });
        else if (one.length > 1000) errors.push({ path, message: 'at most 1,000 characters' });
        else values[def.code] = one;
        break;
      case 'text':
        single();
        if (one.length > 4000) errors.push({ path, message: 'at most 4,000 characters' });
        else values[def.code] = one;
        break;
    }
  }
  return { values, errors };
}
