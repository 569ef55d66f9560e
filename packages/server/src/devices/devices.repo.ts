/** Storage of device identities, read with their asset's place (unit, agency, type) for scope. */
import type { Queryable } from '../core/db/db.js';
import { sql, empty } from '../core/db/sql.js';
import { scopeClause, type Scope } from '../core/auth/principal.js';

export interface DeviceRow {
  id: string;
  asset_id: string;
  name: string;
  key_prefix: string;
  disabled_at: Date | null;
  created_at: Date;
  rotated_at: Date | null;
  last_seen_at: Date | null;
  asset_type: string;
  admin_unit_code: string | null;
  agency_code: string | null;
}

const selectDevice = sql`
  SELECT d.id, d.asset_id, d.name, d.key_prefix, d.disabled_at, d.created_at, d.rotated_at,
    d.last_seen_at, a.type AS asset_type, a.admin_unit_code, a.agency_code
  FROM devices d JOIN assets a ON a.id = d.asset_id`;

export async function findDevice(db: Queryable, id: string): Promise<DeviceRow | undefined> {
  const [row] = await db.query<DeviceRow>(sql`${selectDevice} WHERE d.id = ${id}`);
  return row;
}

/** The enabled device holding a key (by its hash). */
export async function findByKeyHash(db: Queryable, hash: string): Promise<DeviceRow | undefined> {
  const [row] = await db.query<DeviceRow>(
    sql`${selectDevice} WHERE d.key_hash = ${hash} AND d.disabled_at IS NULL`,
  );
  return row;
}

export async function listDevices(
  db: Queryable,
  opts: { scope: Scope; assetId?: string | undefined; after?: string | undefined; limit: number },
): Promise<DeviceRow[]> {
  return db.query<DeviceRow>(sql`${selectDevice}
    WHERE ${scopeClause(opts.scope, 'a.admin_unit_code', 'a.agency_code')}
      ${opts.assetId ? sql`AND d.asset_id = ${opts.assetId}` : empty}
      ${opts.after ? sql`AND d.id > ${opts.after}::uuid` : empty}
    ORDER BY d.id LIMIT ${opts.limit}`);
}

export async function findAssetPlace(
  db: Queryable,
  assetId: string,
): Promise<{ admin_unit_code: string | null; agency_code: string | null } | undefined> {
  const [row] = await db.query<{ admin_unit_code: string | null; agency_code: string | null }>(
    sql`SELECT admin_unit_code, agency_code FROM assets WHERE id = ${assetId}`,
  );
  return row;
}

export async function insertDevice(
  db: Queryable,
  d: { id: string; assetId: string; name: string; keyHash: string; keyPrefix: string; at: Date },
): Promise<void> {
  await db.query(sql`
    INSERT INTO devices (id, asset_id, name, key_hash, key_prefix, created_at)
    VALUES (${d.id}, ${d.assetId}, ${d.name}, ${d.keyHash}, ${d.keyPrefix}, ${d.at})`);
}

export async function updateDevice(
  db: Queryable,
  id: string,
  set: { name?: string | undefined; disabled?: boolean | undefined },
  now: Date,
): Promise<void> {
  await db.query(sql`
    UPDATE devices SET
      name = COALESCE(${set.name ?? null}, name),
      disabled_at = CASE WHEN ${set.disabled ?? null}::boolean IS NULL THEN disabled_at
                         WHEN ${set.disabled ?? null}::boolean THEN COALESCE(disabled_at, ${now})
                         ELSE NULL END
    WHERE id = ${id}`);
}

export async function replaceKey(
  db: Queryable,
  id: string,
  key: { hash: string; prefix: string },
  now: Date,
): Promise<void> {
  await db.query(sql`
    UPDATE devices SET key_hash = ${key.hash}, key_prefix = ${key.prefix}, rotated_at = ${now}
    WHERE id = ${id}`);
}

export async function touchDevice(db: Queryable, id: string, at: Date): Promise<void> {
  await db.query(sql`
    UPDATE devices SET last_seen_at = ${at}
    WHERE id = ${id} AND (last_seen_at IS NULL OR last_seen_at < ${at})`);
}
