/**
 * Storage of events and of each asset's latest state. A batch of events is
 * written by one statement (storeBatch; its columns as arrays through
 * unnest, the same on PGlite and PostgreSQL); reads filter by scope in SQL.
 */
import type { StoredEvent } from '@cityops/contracts';
import type { Queryable } from '../core/db/db.js';
import { sql, join, empty, type Sql } from '../core/db/sql.js';
import { scopeClause, type Scope } from '../core/auth/principal.js';

/** An event ready to store; the writer gives it its seq. */
export interface NewEvent {
  id: string;
  deviceId: string | null;
  assetId: string | null;
  source: string;
  type: string;
  observedAt: Date;
  receivedAt: Date;
  data: Record<string, unknown>;
  deviceEventId: string | null;
}

export interface EventRow {
  seq: number;
  id: string;
  device_id: string | null;
  asset_id: string | null;
  source: string;
  type: string;
  observed_at: Date;
  received_at: Date;
  data: Record<string, unknown>;
  device_event_id: string | null;
  admin_unit_code: string | null;
  agency_code: string | null;
  asset_type: string | null;
}

export function toStoredEvent(r: EventRow): StoredEvent {
  return {
    seq: r.seq,
    id: r.id,
    type: r.type,
    source: r.source,
    assetId: r.asset_id,
    deviceId: r.device_id,
    deviceEventId: r.device_event_id,
    observedAt: r.observed_at.toISOString(),
    receivedAt: r.received_at.toISOString(),
    data: r.data,
    adminUnit: r.admin_unit_code,
    agencyCode: r.agency_code,
    assetType: r.asset_type,
  };
}

/** The last seq committed (readable without a lock). */
export async function lastSequence(db: Queryable): Promise<number> {
  const [row] = await db.query<{ last_seq: number }>(
    sql`SELECT last_seq FROM event_seq WHERE id = 1`,
  );
  return row?.last_seq ?? 0;
}

/** What the store answers for each event of a batch, by the event's id. */
export interface BatchRow {
  id: string;
  seq: number;
  /** Stored before (same device and device event id): `seq` is the first one's. */
  duplicate: boolean;
  admin_unit_code: string | null;
  agency_code: string | null;
  asset_type: string | null;
}

/**
 * Stores a batch in one statement (one round trip, atomic on its own or in the
 * caller's transaction), with data-modifying CTEs:
 *
 * - `stored`: the events whose (device, device event id) is stored already,
 *   with their seq. (The batch itself holds no key twice: the writer sees to it.)
 * - `counter`: advances the sequence counter by the number of new events,
 *   which locks its row until commit. Every writer takes it, so a higher seq
 *   never commits before a lower one, across processes; the new events get
 *   the seqs right after the last one given out, in batch order: dense.
 * - `ins`: inserts the new events, each with its asset's unit, agency and type
 *   as they are now. A plain INSERT: should another process have committed the
 *   same device event between this statement's snapshot and its taking the
 *   counter lock, the statement fails with unique_violation (23505) and leaves
 *   nothing behind (no seq is skipped); written again, it sees that event as a
 *   duplicate. The writer does that.
 * - `state`: moves each asset's latest state forward: per event type the
 *   newest event by observed time (a later seq wins a tie), the latest times,
 *   the highest seq; alert changes (source `rule`) are about an asset, not
 *   heard from it, and do not count. Against a stored state, per type the
 *   newer observed time wins, so a late event never hides a newer one.
 *
 * Times travel as ISO text, so `latest.*.at` is the text the writer was given.
 * The same SQL runs on PostgreSQL 15+ and PGlite.
 */
export async function storeBatch(db: Queryable, events: readonly NewEvent[]): Promise<BatchRow[]> {
  const col = <T>(f: (e: NewEvent) => T) => events.map(f);
  return db.query<BatchRow>(sql`
    WITH input AS (
      SELECT r.*, r.observed::timestamptz AS observed_at, r.received::timestamptz AS received_at
      FROM unnest(
        ${col((e) => e.id)}::uuid[], ${col((e) => e.deviceId)}::uuid[],
        ${col((e) => e.assetId)}::uuid[], ${col((e) => e.source)}::text[],
        ${col((e) => e.type)}::text[], ${col((e) => e.observedAt.toISOString())}::text[],
        ${col((e) => e.receivedAt.toISOString())}::text[],
        ${col((e) => JSON.stringify(e.data))}::jsonb[], ${col((e) => e.deviceEventId)}::text[]
      ) WITH ORDINALITY AS r(id, device_id, asset_id, source, type, observed, received, data,
        device_event_id, ord)
    ),
    stored AS (
      -- One probe of the unique index per keyed event, whatever the planner thinks of the table.
      SELECT * FROM (
        SELECT i.id, (SELECT e.seq FROM events e
          WHERE e.device_id = i.device_id AND e.device_event_id = i.device_event_id) AS seq
        FROM input i WHERE i.device_id IS NOT NULL AND i.device_event_id IS NOT NULL
      ) k WHERE k.seq IS NOT NULL
    ),
    fresh AS (
      SELECT i.*, row_number() OVER (ORDER BY i.ord) AS k FROM input i
      WHERE NOT EXISTS (SELECT 1 FROM stored s WHERE s.id = i.id)
    ),
    counter AS (
      UPDATE event_seq SET last_seq = last_seq + (SELECT count(*) FROM fresh) WHERE id = 1
      RETURNING last_seq - (SELECT count(*) FROM fresh) AS base
    ),
    numbered AS (
      SELECT f.*, c.base + f.k AS seq FROM fresh f CROSS JOIN counter c
    ),
    ins AS (
      INSERT INTO events (seq, id, device_id, asset_id, source, type, observed_at, received_at,
        data, device_event_id, admin_unit_code, agency_code, asset_type)
      SELECT n.seq, n.id, n.device_id, n.asset_id, n.source, n.type, n.observed_at,
        n.received_at, n.data, n.device_event_id, a.admin_unit_code, a.agency_code, a.type
      FROM numbered n LEFT JOIN assets a ON a.id = n.asset_id
      ORDER BY n.seq
      RETURNING id, seq, admin_unit_code, agency_code, asset_type
    ),
    state AS (
      INSERT INTO asset_state AS s (asset_id, last_event_seq, last_event_at, last_seen_at, latest)
      SELECT x.asset_id, max(x.seq), max(x.observed_at), max(x.received_at),
        jsonb_object_agg(x.type, jsonb_build_object('at', x.observed, 'seq', x.seq, 'data', x.data))
          FILTER (WHERE x.newest)
      FROM (
        SELECT n.asset_id, n.seq, n.type, n.observed, n.observed_at, n.received_at, n.data,
          row_number() OVER (PARTITION BY n.asset_id, n.type
            ORDER BY n.observed_at DESC, n.seq DESC) = 1 AS newest
        FROM numbered n
        WHERE n.asset_id IS NOT NULL AND n.source <> 'rule'
      ) x
      WHERE EXISTS (SELECT 1 FROM assets a WHERE a.id = x.asset_id)
      GROUP BY x.asset_id
      ON CONFLICT (asset_id) DO UPDATE SET
        last_event_seq = GREATEST(s.last_event_seq, EXCLUDED.last_event_seq),
        last_event_at = GREATEST(s.last_event_at, EXCLUDED.last_event_at),
        last_seen_at = GREATEST(s.last_seen_at, EXCLUDED.last_seen_at),
        latest = s.latest || COALESCE((
          SELECT jsonb_object_agg(n.key, n.value) FROM jsonb_each(EXCLUDED.latest) n
          WHERE NOT (s.latest ? n.key)
             OR (s.latest -> n.key ->> 'at')::timestamptz <= (n.value ->> 'at')::timestamptz
        ), '{}'::jsonb)
    )
    SELECT id, seq, false AS duplicate, admin_unit_code, agency_code, asset_type FROM ins
    UNION ALL
    SELECT id, seq, true, NULL, NULL, NULL FROM stored`);
}

export interface AssetStateRow {
  asset_id: string;
  last_event_seq: number;
  last_event_at: Date;
  last_seen_at: Date;
  latest: Record<string, { at: string; seq: number; data: Record<string, unknown> }>;
}

export async function findAssetState(
  db: Queryable,
  assetId: string,
): Promise<AssetStateRow | undefined> {
  const [row] = await db.query<AssetStateRow>(
    sql`SELECT * FROM asset_state WHERE asset_id = ${assetId}`,
  );
  return row;
}

/** The place of an asset, to check a caller's scope (read-only use of the assets table). */
export async function findAssetPlace(
  db: Queryable,
  assetId: string,
): Promise<
  { admin_unit_code: string | null; agency_code: string | null; type: string } | undefined
> {
  const [row] = await db.query<{
    admin_unit_code: string | null;
    agency_code: string | null;
    type: string;
  }>(sql`SELECT admin_unit_code, agency_code, type FROM assets WHERE id = ${assetId}`);
  return row;
}

/** A condition on `e.type` from patterns: exact types, or prefixes like `fire.*`. */
export function typeClause(patterns: readonly string[] | undefined): Sql {
  if (!patterns || patterns.length === 0) return sql`TRUE`;
  const exact = patterns.filter((p) => !p.endsWith('.*'));
  const prefixes = patterns.filter((p) => p.endsWith('.*')).map((p) => p.slice(0, -1));
  const parts: Sql[] = [];
  if (exact.length) parts.push(sql`e.type = ANY(${exact}::text[])`);
  for (const p of prefixes) parts.push(sql`starts_with(e.type, ${p})`);
  return sql`(${join(parts, ' OR ')})`;
}

export interface EventFilter {
  scope: Scope;
  assetId?: string | undefined;
  types?: readonly string[] | undefined;
  /** Admin-unit codes (with their descendants already added). */
  units?: readonly string[] | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
}

export function filterClause(f: EventFilter): Sql {
  return sql`${scopeClause(f.scope, 'e.admin_unit_code', 'e.agency_code')}
    AND ${typeClause(f.types)}
    ${f.assetId ? sql`AND e.asset_id = ${f.assetId}` : empty}
    ${f.units ? sql`AND e.admin_unit_code = ANY(${[...f.units]}::text[])` : empty}
    ${f.since ? sql`AND e.observed_at >= ${f.since}` : empty}
    ${f.until ? sql`AND e.observed_at < ${f.until}` : empty}`;
}

/** Newest first by observed time, then seq; `before` is the cursor (the last row's key). */
export async function listEvents(
  db: Queryable,
  f: EventFilter & { before?: [string, number] | undefined; limit: number },
): Promise<EventRow[]> {
  const cursor = f.before
    ? sql`AND (e.observed_at, e.seq) < (${f.before[0]}::timestamptz, ${f.before[1]}::bigint)`
    : empty;
  return db.query<EventRow>(sql`
    SELECT e.* FROM events e
    WHERE ${filterClause(f)} ${cursor}
    ORDER BY e.observed_at DESC, e.seq DESC
    LIMIT ${f.limit}`);
}

/** Events after a seq in seq order (the stream's replay and its gap filling). */
export async function eventsAfter(
  db: Queryable,
  f: EventFilter & { afterSeq: number; upToSeq?: number | undefined; limit: number },
): Promise<EventRow[]> {
  return db.query<EventRow>(sql`
    SELECT e.* FROM events e
    WHERE e.seq > ${f.afterSeq}
      ${f.upToSeq !== undefined ? sql`AND e.seq <= ${f.upToSeq}` : empty}
      AND ${filterClause(f)}
    ORDER BY e.seq
    LIMIT ${f.limit}`);
}
