/**
 * Open311's XML: schemaless, no namespace, UTF-8 with the declaration, the
 * same structure as the JSON (Spark convention): an array is an element
 * holding one child per item, named by the singular of its key. All text is
 * escaped; characters XML 1.0 cannot carry are dropped.
 */
const SINGULAR: Record<string, string> = {
  services: 'service',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
  service_requests: 'request',
  errors: 'error',
  notes: 'note',
  photos: 'photo',
  keys: 'key',
};

const INVALID = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

export function escapeXml(s: string): string {
  return s
    .replace(INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function element(name: string, value: unknown, out: string[]): void {
  if (value === null || value === undefined || value === '') {
    out.push(`<${name}/>`);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push(`<${name}/>`);
      return;
    }
    const child = SINGULAR[name] ?? 'item';
    out.push(`<${name}>`);
    for (const v of value) element(child, v, out);
    out.push(`</${name}>`);
    return;
  }
  if (typeof value === 'object') {
    out.push(`<${name}>`);
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) element(k, v, out);
    }
    out.push(`</${name}>`);
    return;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  out.push(`<${name}>${escapeXml(text)}</${name}>`);
}

/** A document: the root element holding the value (an array's items, or an object's fields). */
export function toXml(root: string, value: unknown): string {
  const out: string[] = ['<?xml version="1.0" encoding="utf-8"?>'];
  element(root, value, out);
  return out.join('\n');
}
