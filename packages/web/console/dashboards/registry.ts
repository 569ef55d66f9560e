/** The registries of dashboard queries and dashboards: ids to definitions, filled by the modules that bring them. */
import type { DashboardLayout, QueryDefinition } from './model';

const queries = new Map<string, QueryDefinition>();
const dashboards: DashboardLayout[] = [];

export function registerQuery(q: QueryDefinition): void {
  if (queries.has(q.id)) throw new Error(`dashboard query ${q.id} is registered twice`);
  queries.set(q.id, q);
}

export function queryById(id: string): QueryDefinition | undefined {
  return queries.get(id);
}

export function registerDashboard(d: DashboardLayout): void {
  if (dashboards.some((x) => x.id === d.id))
    throw new Error(`dashboard ${d.id} is registered twice`);
  dashboards.push(d);
}

export function allDashboards(): readonly DashboardLayout[] {
  return dashboards;
}

/**
 * One call for the same thing at the same time: several widgets often read the
 * same answer (the alerts summary) with the same filters.
 */
const inFlight = new Map<string, { at: number; promise: Promise<unknown> }>();
export function shared<T>(key: string, load: () => Promise<T>, ttlMs = 5_000): Promise<T> {
  const now = Date.now();
  for (const [k, v] of inFlight) if (now - v.at > ttlMs) inFlight.delete(k);
  const hit = inFlight.get(key);
  if (hit) return hit.promise as Promise<T>;
  const promise = load();
  inFlight.set(key, { at: now, promise });
  promise.catch(() => inFlight.delete(key));
  return promise;
}
