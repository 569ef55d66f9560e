/** The pure conditions of rules: field paths, comparisons, hysteresis, positions, which rules apply. */
import { expect, it } from 'vitest';
import type { StoredEvent } from '@cityops/contracts';
import {
  compare,
  positionOf,
  ruleApplies,
  thresholdOutcome,
  valueAt,
  type LiveRule,
} from '../../src/alerts/conditions.js';

const event = (over: Partial<StoredEvent> = {}): StoredEvent => ({
  seq: 1,
  id: '0190f5a0-0000-7000-8000-000000000001',
  type: 'env.reading',
  source: 'http',
  assetId: '0190f5a0-0000-7000-8000-0000000000aa',
  deviceId: null,
  deviceEventId: null,
  observedAt: '2026-11-25T08:00:00.000Z',
  receivedAt: '2026-11-25T08:00:00.000Z',
  data: {},
  adminUnit: '05443',
  agencyCode: null,
  assetType: 'sensor',
  ...over,
});

const rule = (over: Partial<LiveRule> = {}): LiveRule => ({
  id: 'r',
  name: 'r',
  kind: 'threshold',
  severity: 'info',
  assetId: null,
  assetType: 'sensor',
  units: null,
  eventType: 'env.reading',
  field: 'pm25',
  op: '>',
  value: 75,
  clearValue: null,
  on: null,
  message: null,
  notify: [],
  ...over,
});

it('reads dotted paths, array indexes included', () => {
  const data = { pm25: 80, lanes: [{ count: 3 }], a: { b: { c: true } } };
  expect(valueAt(data, 'pm25')).toBe(80);
  expect(valueAt(data, 'lanes.0.count')).toBe(3);
  expect(valueAt(data, 'a.b.c')).toBe(true);
  expect(valueAt(data, 'a.x.c')).toBeUndefined();
  expect(valueAt(data, 'pm25.x')).toBeUndefined();
});

it('compares numbers with ordered operators and anything with == and !=', () => {
  expect(compare(5, '>', 4)).toBe(true);
  expect(compare(4, '>=', 4)).toBe(true);
  expect(compare('5', '>', 4)).toBe(false);
  expect(compare('offline', '==', 'offline')).toBe(true);
  expect(compare(true, '!=', false)).toBe(true);
});

it('fires above the value, holds between value and clearValue, clears below it', () => {
  const r = rule({ clearValue: 60 });
  expect(thresholdOutcome(r, { pm25: 80 }).outcome).toBe('fire');
  expect(thresholdOutcome(r, { pm25: 75 }).outcome).toBe('none');
  expect(thresholdOutcome(r, { pm25: 61 }).outcome).toBe('none');
  expect(thresholdOutcome(r, { pm25: 60 }).outcome).toBe('clear');
  expect(thresholdOutcome(r, { pm10: 500 }).outcome).toBe('none');
  expect(thresholdOutcome(r, { pm25: 'high' }).outcome).toBe('none');
  const below = rule({ op: '<', value: 10, clearValue: 12 });
  expect(thresholdOutcome(below, { pm25: 9 }).outcome).toBe('fire');
  expect(thresholdOutcome(below, { pm25: 11 }).outcome).toBe('none');
  expect(thresholdOutcome(below, { pm25: 13 }).outcome).toBe('clear');
  const equal = rule({ field: 'status', op: '==', value: 'fault' });
  expect(thresholdOutcome(equal, { status: 'fault' }).outcome).toBe('fire');
  expect(thresholdOutcome(equal, { status: 'online' }).outcome).toBe('clear');
});

it('applies a rule by asset, type, unit and event type (a prefix too), never to rule events', () => {
  expect(ruleApplies(rule(), event())).toBe(true);
  expect(ruleApplies(rule({ assetType: 'camera' }), event())).toBe(false);
  expect(ruleApplies(rule({ assetType: null, assetId: 'other' }), event())).toBe(false);
  expect(ruleApplies(rule({ units: new Set(['05443']) }), event())).toBe(true);
  expect(ruleApplies(rule({ units: new Set(['00001']) }), event())).toBe(false);
  expect(ruleApplies(rule({ eventType: 'env.*' }), event())).toBe(true);
  expect(ruleApplies(rule({ eventType: 'fire.*' }), event())).toBe(false);
  expect(ruleApplies(rule(), event({ source: 'rule' }))).toBe(false);
  expect(ruleApplies(rule(), event({ assetId: null }))).toBe(false);
});

it('takes a position from numeric data.lat and data.lon in range', () => {
  expect(positionOf(event({ data: { lat: 21.59, lon: 105.84 } }))).toEqual({
    lat: 21.59,
    lon: 105.84,
  });
  expect(positionOf(event({ data: { lat: '21.59', lon: 105.84 } }))).toBeUndefined();
  expect(positionOf(event({ data: { lat: 91, lon: 105.84 } }))).toBeUndefined();
});
