/** API keys for integrations: stored hashed, shown once, scoped, revocable; every change audited. */
import type { ApiKey, ApiKeyScope } from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';
import type { Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';
import { NotFoundError } from '../core/errors.js';
import type { Actor } from '../core/auth/principal.js';
import { hashSecret, newSecret, secretPrefix } from '../core/auth/secrets.js';
import type { AuditService } from '../audit/audit.service.js';

interface ApiKeyRow {
  id: string;
  name: string;
  scope: ApiKeyScope;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

function present(r: ApiKeyRow): ApiKey {
  return {
    id: r.id,
    name: r.name,
    scope: r.scope,
    prefix: r.prefix,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revoked: r.revoked_at !== null,
  };
}

export class ApiKeysService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Creates a key; the secret is in the answer this once and never again. */
  async create(
    actor: Actor,
    input: { name: string; scope: ApiKeyScope },
  ): Promise<ApiKey & { key: string }> {
    const key = newSecret('apikey');
    const id = newId();
    const createdBy = actor.type === 'user' ? actor.id : null;
    const row = await this.db.transaction(async (tx) => {
      const [r] = await tx.query<ApiKeyRow>(sql`
        INSERT INTO api_keys (id, name, scope, key_hash, prefix, created_by, created_at)
        VALUES (${id}, ${input.name}, ${input.scope}, ${hashSecret(key)}, ${secretPrefix(key)}, ${createdBy}, ${this.clock.now()})
        RETURNING id, name, scope, prefix, created_at, last_used_at, revoked_at`);
      await this.audit.record(tx, actor, {
        action: 'apikey.create',
        entityType: 'apikey',
        entityId: id,
        after: present(r!),
      });
      return r!;
    });
    return { ...present(row), key };
  }

  async revoke(actor: Actor, id: string): Promise<ApiKey> {
    return this.db.transaction(async (tx) => {
      const [before] = await tx.query<ApiKeyRow>(sql`SELECT * FROM api_keys WHERE id = ${id}`);
      if (!before) throw new NotFoundError('API key', id);
      const [after] = await tx.query<ApiKeyRow>(sql`
        UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ${this.clock.now()}) WHERE id = ${id}
        RETURNING id, name, scope, prefix, created_at, last_used_at, revoked_at`);
      await this.audit.record(tx, actor, {
        action: 'apikey.revoke',
        entityType: 'apikey',
        entityId: id,
        before: present(before),
        after: present(after!),
      });
      return present(after!);
    });
  }

  async list(opts: { after?: string | undefined; limit: number }): Promise<ApiKey[]> {
    const rows = await this.db.query<ApiKeyRow>(sql`
      SELECT id, name, scope, prefix, created_at, last_used_at, revoked_at FROM api_keys
      WHERE (${opts.after ?? null}::uuid IS NULL OR id > ${opts.after ?? null}::uuid)
      ORDER BY id LIMIT ${opts.limit}`);
    return rows.map(present);
  }
}
