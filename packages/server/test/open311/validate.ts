/**
 * Validates Open311 JSON answers against the public GeoReport v2 JSON Schemas
 * (schemas/, from open311/schema-validation), and parses XML answers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { expect } from 'vitest';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'schemas');
const load = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as object;

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
ajv.addSchema(load('request.json'), 'request.json');
ajv.addSchema(load('service.json'), 'service.json');

const compiled: Record<string, ValidateFunction> = {
  requests: ajv.compile(load('requests.json')),
  services: ajv.compile(load('services.json')),
  'service-definition': ajv.compile(load('service-definition.json')),
};

/** Asserts that a JSON answer follows the named public schema. */
export function expectSchema(name: keyof typeof compiled, data: unknown): void {
  const validate = compiled[name]!;
  const ok = validate(data);
  expect(ok, JSON.stringify(validate.errors, null, 1)).toBe(true);
}

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  isArray: (name) =>
    ['service', 'request', 'error', 'attribute', 'value', 'endpoint', 'format', 'note'].includes(
      name,
    ),
});

/** Parses an XML answer, checking the declaration comes first. */
export function parseXml(body: string): Record<string, unknown> {
  expect(body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
  return parser.parse(body) as Record<string, unknown>;
}

export type Open311Error = Array<{ code: number; description: string }>;

/** Asserts an Open311 error answer: the status, and an array of {code, description}. */
export function expectOpen311Error(
  res: { statusCode: number; body: string; headers: Record<string, unknown> },
  status: number,
  match?: RegExp,
): Open311Error {
  expect(res.statusCode, res.body).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  const body = JSON.parse(res.body) as Open311Error;
  expect(Array.isArray(body)).toBe(true);
  expect(body.length).toBeGreaterThan(0);
  for (const e of body) {
    expect(typeof e.code).toBe('number');
    expect(typeof e.description).toBe('string');
  }
  if (match) expect(body.map((e) => e.description).join(' | ')).toMatch(match);
  return body;
}
