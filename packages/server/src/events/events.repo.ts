/**
 * Storage of events and of each asset's latest state. Writes take many rows
 * per statement (jsonb_to_recordset: one parameter, the same on PGlite and
 * PostgreSQL); reads filter by scope in SQL.
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

/** Locks the sequence counter until commit and answers the last seq given out. */
export async function lockSequence(tx: Queryable): Promise<number> {
  const [row] = await tx.query<{ last_seq: number }>(
    sql`SELECT last_seq FROM event_seq WHERE id = 1 FOR UPDATE`,
  );
  return row?.last_seq ?? 0;
}

export async function advanceSequence(tx: Queryable, lastSeq: number): Promise<void> {
  await tx.query(sql`UPDATE event_seq SET last_seq = ${lastSeq} WHERE id = 1`);
}

/** The last seq committed (readable without a lock). */
export async function lastSequence(db: Queryable): Promise<number> {
  const [row] = await db.query<{ last_seq: number }>(
    sql`SELECT last_seq FROM event_seq WHERE id = 1`,
  );
  return row?.last_seq ?? 0;
}

/** Which (device, device event id) pairs are stored already, with their seq. */
export async function findStored(
  tx: Queryable,
  keys: Array<{ device_id: string; device_event_id: string }>,
): Promise<Array<{ device_id: string; device_event_id: string; seq: number }>> {
  if (keys.length === 0) return [];
  return tx.query(sql`
    SELECT e.device_id, e.device_event_id, e.seq
    FROM jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) AS k(device_id uuid, device_event_id text)
    JOIN events e ON e.device_id = k.device_id AND e.device_event_id = k.device_event_id`);
}

/**
 * Inserts events with the seqs given; each takes its asset's unit, agency and
 * type as they are now. Answers what each row got from its asset.
 */
export async function insertEvents(
  tx: Queryable,
  rows: Array<NewEvent & { seq: number }>,
): Promise<Array<Pick<EventRow, 'seq' | 'admin_unit_code' | 'agency_code' | 'asset_type'>>> {
  const json = JSON.stringify(
    rows.map((e) => ({
      seq: e.seq,
      id: e.id,
      device_id: e.deviceId,
      asset_id: e.assetId,
      source: e.source,
      type: e.type,
      observed_at: e.observedAt.toISOString(),
      received_at: e.receivedAt.toISOString(),
      data: e.data,
      device_event_id: e.deviceEventId,
    })),
  );
  return tx.query(sql`
    INSERT INTO events (seq, id, device_id, asset_id, source, type, observed_at, received_at, data,
      device_event_id, admin_unit_code, agency_code, asset_type)
    SELECT r.seq, r.id, r.device_id, r.asset_id, r.source, r.type, r.observed_at, r.received_at,
      r.data, r.device_event_id, a.admin_unit_code, a.agency_code, a.type
    FROM jsonb_to_recordset(${json}::jsonb) AS r(seq bigint, id uuid, device_id uuid, asset_id uuid,
      source text, type text, observed_at timestamptz, received_at timestamptz, data jsonb,
      device_event_id text)
    LEFT JOIN assets a ON a.id = r.asset_id
    ORDER BY r.seq
    ON CONFLICT DO NOTHING
    RETURNING seq, admin_unit_code, agency_code, asset_type`);
}

export interface StateChange {
  asset_id: string;
  last_event_seq: number;
  last_event_at: string;
  last_seen_at: string;
  latest: Record<string, { at: string; seq: number; data: Record<string, unknown> }>;
}

/**
 * Moves assets' latest state forward: per event type, the newer event (by
 * observed time) wins, so a late event never hides a newer one.
 */
export async function upsertAssetState(tx: Queryable, changes: StateChange[]): Promise<void> {
  if (changes.length === 0) return;
  await tx.query(sql`
    INSERT INTO asset_state AS s (asset_id, last_event_seq, last_event_at, last_seen_at, latest)
    SELECT c.asset_id, c.last_event_seq, c.last_event_at, c.last_seen_at, c.latest
    FROM jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) AS c(asset_id uuid,
      last_event_seq bigint, last_event_at timestamptz, last_seen_at timestamptz, latest jsonb)
    WHERE EXISTS (SELECT 1 FROM assets a WHERE a.id = c.asset_id)
    ON CONFLICT (asset_id) DO UPDATE SET
      last_event_seq = GREATEST(s.last_event_seq, EXCLUDED.last_event_seq),
      last_event_at = GREATEST(s.last_event_at, EXCLUDED.last_event_at),
      last_seen_at = GREATEST(s.last_seen_at, EXCLUDED.last_seen_at),
      latest = s.latest || COALESCE((
        SELECT jsonb_object_agg(n.key, n.value) FROM jsonb_each(EXCLUDED.latest) n
        WHERE NOT (s.latest ? n.key)
           OR (s.latest -> n.key ->> 'at')::timestamptz <= (n.value ->> 'at')::timestamptz
      ), '{}'::jsonb)`);
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
