/**
 * Helpers for the alert tests: a clock the test moves, rules and alerts
 * through the API, and waiting for the rules engine (which runs after the
 * ingest answer, off the bus).
 */
import { expect } from 'vitest';
import type { Alert, AlertDetail, AlertRule } from '@cityops/contracts';
import type { Caller } from '../support/app.js';

export { FakeClock } from '../support/clock.js';

/** Retries an assertion until it passes or the time is up. */
export async function eventually<T>(fn: () => Promise<T> | T, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

export async function createRule(
  caller: Caller,
  body: Record<string, unknown>,
): Promise<AlertRule> {
  const res = await caller.post('/api/v1/alert-rules', body);
  if (res.statusCode !== 201)
    throw new Error(`rule create failed (${res.statusCode}): ${res.body}`);
  return res.json<AlertRule>();
}

export async function listAlerts(caller: Caller, query = ''): Promise<Alert[]> {
  const res = await caller.get(`/api/v1/alerts${query ? `?${query}` : ''}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: Alert[] }>().items;
}

export async function alertOf(caller: Caller, id: string): Promise<AlertDetail> {
  const res = await caller.get(`/api/v1/alerts/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<AlertDetail>();
}

/** The alerts of a rule, once there are `n` (newest first). */
export function alertsOfRule(caller: Caller, ruleId: string, n: number): Promise<Alert[]> {
  return eventually(async () => {
    const items = await listAlerts(caller, `rule=${ruleId}`);
    expect(items).toHaveLength(n);
    return items;
  });
}

/** A square polygon around a point, `d` degrees on each side. */
export function squareAround(lon: number, lat: number, d = 0.01) {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [lon - d, lat - d],
        [lon + d, lat - d],
        [lon + d, lat + d],
        [lon - d, lat + d],
        [lon - d, lat - d],
      ],
    ],
  };
}
