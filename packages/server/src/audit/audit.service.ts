/**
 * The audit log: every write, who did it, from where, before and after.
 * Append-only in the database and hash-chained: each entry's hash covers the
 * previous entry's hash and its own canonical JSON, so that changing or
 * removing any entry breaks the chain (`cityops audit verify`).
 *
 * The chain has one head, so appending takes a lock that is held until the
 * writer's transaction commits: one write at a time. For writes that come in
 * bursts (citizen reports, Open311), `transaction()` groups the writes that
 * are waiting into one database transaction (each in a savepoint of its own):
 * one lock and one commit for the group, and still every audit entry commits
 * with its write or the write fails.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Queryable, Db } from '../core/db/db.js';
import { join, sql } from '../core/db/sql.js';
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

/** A group transaction's view of the chain (after its lock) and its entries not yet written. */
interface GroupState {
  head: { seq: number; hash: string } | undefined;
  pending: AuditRowValues[];
}

interface GroupItem {
  fn: (tx: Queryable) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

type AuditRowValues = HashedFields & { prevHash: string; hash: string };

/** Writes grouped into one transaction at most (a bound on the time the chain lock is held). */
const MAX_GROUP = 100;

const rowValues = (f: AuditRowValues) => sql`(${f.seq}, ${f.id}, ${f.at}::timestamptz,
  ${f.actorType}, ${f.actorId}, ${f.actorLabel}, ${f.action}, ${f.entityType}, ${f.entityId},
  ${JSON.stringify(f.before)}::jsonb, ${JSON.stringify(f.after)}::jsonb, ${f.ip}, ${f.requestId},
  ${f.prevHash}, ${f.hash})`;

async function insertEntries(tx: Queryable, rows: AuditRowValues[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(sql`
    INSERT INTO audit_log (seq, id, at, actor_type, actor_id, actor_label, action, entity_type,
      entity_id, before, after, ip, request_id, prev_hash, hash)
    VALUES ${join(rows.map(rowValues), ',\n')}`);
}

export class AuditService {
  /** The transactions of a group (the Queryable handed to each write) and their chain state. */
  private readonly groups = new WeakMap<Queryable, GroupState>();
  private readonly waiting: GroupItem[] = [];
  private running = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * Runs fn in a transaction shared with the other writes waiting at that
   * moment (in order, each in a savepoint of its own), and resolves once that
   * transaction has committed. A write that throws is rolled back to its
   * savepoint and rejects with its error, without touching the others; if
   * the commit fails, every write of the group rejects. The group's audit
   * entries are written together just before the commit. fn must use only
   * the `tx` it is given (and must not call transaction() itself).
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        const group = this.waiting.splice(0, MAX_GROUP);
        await this.runGroup(group);
      }
    } finally {
      this.running = false;
    }
  }

  private async runGroup(group: GroupItem[]): Promise<void> {
    const outcomes: Outcome[] = [];
    try {
      await this.db.transaction(async (tx) => {
        const state: GroupState = { head: undefined, pending: [] };
        const alone = group.length === 1;
        // Savepoint commands go with the next one in a single round trip.
        let open = false;
        for (const item of group) {
          // A Queryable of its own per write, which record() recognises as part of this group.
          const itx: Queryable = { query: (q) => tx.query(q), exec: (s) => tx.exec(s) };
          this.groups.set(itx, state);
          const head = state.head;
          const pending = state.pending.length;
          if (!alone) {
            await tx.exec(
              open
                ? 'RELEASE SAVEPOINT audit_group_item; SAVEPOINT audit_group_item'
                : 'SAVEPOINT audit_group_item',
            );
            open = true;
          }
          try {
            outcomes.push({ ok: true, value: await item.fn(itx) });
          } catch (error) {
            if (alone) throw error;
            await tx.exec('ROLLBACK TO SAVEPOINT audit_group_item');
            state.head = head;
            state.pending.length = pending;
            outcomes.push({ ok: false, error });
          }
        }
        if (open) await tx.exec('RELEASE SAVEPOINT audit_group_item');
        await insertEntries(tx, state.pending);
      });
    } catch (error) {
      // Nothing of the group was committed: every write fails (with its own error if it had one).
      group.forEach((item, i) => {
        const o = outcomes[i];
        item.reject(o && !o.ok ? o.error : error);
      });
      return;
    }
    group.forEach((item, i) => {
      const o = outcomes[i]!;
      if (o.ok) item.resolve(o.value);
      else item.reject(o.error);
    });
  }

  /**
   * Appends one entry inside the caller's transaction, so it commits with the
   * change (in a group transaction, it is written with the group's other
   * entries before the commit).
   */
  async record(tx: Queryable, actor: Actor, input: AuditInput): Promise<void> {
    const group = this.groups.get(tx);
    let last: { seq: number; hash: string } | undefined;
    if (group?.head) {
      last = group.head;
    } else {
      await tx.query(sql`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`);
      [last] = await tx.query<{ seq: number; hash: string }>(
        sql`SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`,
      );
    }
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
    const row = { ...fields, prevHash, hash };
    if (group) {
      group.head = { seq: fields.seq, hash };
      group.pending.push(row);
    } else {
      await insertEntries(tx, [row]);
    }
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
