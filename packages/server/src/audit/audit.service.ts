/**
 * The audit log: every write, who did it, from where, before and after.
 * Append-only in the database and hash-chained: each entry's hash covers the
 * previous entry's hash and its own canonical JSON, so that changing or
 * removing any entry breaks the chain (`cityops audit verify`).
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Queryable, Db } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';
import type { Actor } from '../core/auth/principal.js';
import type { Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';

const CHAIN_LOCK = 72_000_002;
export const GENESIS_HASH = '0'.repeat(64);

/** Fields never written to the audit trail, at any depth. */
const SECRET_FIELDS = new Set([
  'password',
  'passwordHash',
  'password_hash',
  'key',
  'keyHash',
  'key_hash',
  'token',
  'username',
  'secret',
]);

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => !SECRET_FIELDS.has(k))
        .map(([k, v]) => [k, redactSecrets(v)]),
    );
  }
  return value;
}

export interface AuditInput {
  action: string;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditEntry {
  seq: number;
  id: string;
  at: string;
  actorType: Actor['type'];
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  requestId: string | null;
  prevHash: string;
  hash: string;
}

type HashedFields = Omit<AuditEntry, 'hash' | 'prevHash'>;

export function entryHash(prevHash: string, e: HashedFields): string {
  const body = canonicalize({ ...e, before: e.before ?? null, after: e.after ?? null }) ?? '';
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

interface AuditRow {
  seq: number;
  id: string;
  at: Date;
  actor_type: Actor['type'];
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

function toEntry(r: AuditRow): AuditEntry {
  return {
    seq: r.seq,
    id: r.id,
    at: r.at.toISOString(),
    actorType: r.actor_type,
    actorId: r.actor_id,
    actorLabel: r.actor_label,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    before: r.before,
    after: r.after,
    ip: r.ip,
    requestId: r.request_id,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /** The first entry whose hash or link does not match. */
  brokenAt?: { seq: number; reason: string };
}

export class AuditService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Appends one entry inside the caller's transaction, so it commits with the change. */
  async record(tx: Queryable, actor: Actor, input: AuditInput): Promise<void> {
    await tx.query(sql`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`);
    const [last] = await tx.query<{ seq: number; hash: string }>(
      sql`SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`,
    );
    const prevHash = last?.hash ?? GENESIS_HASH;
    // JSON round trip: what jsonb will hold is what the hash covers (Dates as strings, no undefined).
    const norm = (v: unknown): unknown =>
      v === undefined ? null : JSON.parse(JSON.stringify(redactSecrets(v)));
    const fields: HashedFields = {
      seq: (last?.seq ?? 0) + 1,
      id: newId(),
      at: this.clock.now().toISOString(),
      actorType: actor.type,
      actorId: actor.id,
      actorLabel: actor.label,
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId,
      before: norm(input.before),
      after: norm(input.after),
      ip: actor.ip ?? null,
      requestId: actor.requestId ?? null,
    };
    const hash = entryHash(prevHash, fields);
    await tx.query(sql`
      INSERT INTO audit_log (seq, id, at, actor_type, actor_id, actor_label, action, entity_type,
        entity_id, before, after, ip, request_id, prev_hash, hash)
      VALUES (${fields.seq}, ${fields.id}, ${fields.at}, ${fields.actorType}, ${fields.actorId},
        ${fields.actorLabel}, ${fields.action}, ${fields.entityType}, ${fields.entityId},
        ${JSON.stringify(fields.before)}::jsonb, ${JSON.stringify(fields.after)}::jsonb,
        ${fields.ip}, ${fields.requestId}, ${prevHash}, ${hash})`);
  }

  /** Records in a transaction of its own (for events that change nothing else, such as a sign-in). */
  recordAlone(actor: Actor, input: AuditInput): Promise<void> {
    return this.db.transaction((tx) => this.record(tx, actor, input));
  }

  async list(filter: {
    entity?: string | undefined;
    actor?: string | undefined;
    action?: string | undefined;
    before?: number | undefined;
    limit: number;
  }): Promise<AuditEntry[]> {
    const rows = await this.db.query<AuditRow>(sql`
      SELECT * FROM audit_log
      WHERE (${filter.entity ?? null}::text IS NULL OR entity_id = ${filter.entity ?? null})
        AND (${filter.actor ?? null}::text IS NULL OR actor_id = ${filter.actor ?? null})
        AND (${filter.action ?? null}::text IS NULL OR action = ${filter.action ?? null})
        AND (${filter.before ?? null}::bigint IS NULL OR seq < ${filter.before ?? null})
      ORDER BY seq DESC
      LIMIT ${filter.limit}`);
    return rows.map(toEntry);
  }

  /** Walks the whole chain in order, recomputing every hash. */
  async verify(batch = 5000): Promise<VerifyResult> {
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let checked = 0;
    for (;;) {
      const rows = await this.db.query<AuditRow>(
        sql`SELECT * FROM audit_log WHERE seq >= ${expectedSeq} ORDER BY seq LIMIT ${batch}`,
      );
      if (rows.length === 0) return { ok: true, checked };
      for (const row of rows) {
        const e = toEntry(row);
        if (e.seq !== expectedSeq) {
          return {
            ok: false,
            checked,
            brokenAt: { seq: expectedSeq, reason: `entry ${expectedSeq} is missing` },
          };
        }
        if (e.prevHash !== prevHash) {
          return {
            ok: false,
            checked,
            brokenAt: { seq: e.seq, reason: 'link to the previous entry does not match' },
          };
        }
        const { hash, prevHash: _p, ...fields } = e;
        if (entryHash(prevHash, fields) !== hash) {
          return {
            ok: false,
            checked,
            brokenAt: { seq: e.seq, reason: 'content does not match its hash' },
          };
        }
        prevHash = hash;
        expectedSeq++;
        checked++;
      }
    }
  }
}
