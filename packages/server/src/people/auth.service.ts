/**
 * Sign-in, sign-out and turning a bearer secret into a caller with a scope.
 * A wrong password and an unknown user look the same and take the same time.
 */
import {
  rolePermissions,
  type LoginResponse,
  type ApiKeyScope,
  type Role,
} from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';
import type { Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';
import { UnauthorizedError } from '../core/errors.js';
import { DUMMY_HASH, verifyPassword } from '../core/auth/passwords.js';
import { hashSecret, newSecret, secretKind, type SecretKind } from '../core/auth/secrets.js';
import type { Principal, Scope } from '../core/auth/principal.js';
import type { AuditService } from '../audit/audit.service.js';
import { withDescendants } from '../geo/unit-tree.js';
import * as users from './users.repo.js';
import { presentUser } from './users.service.js';

/** Authenticates secrets of another kind (device keys, added by the ingest module). */
export type SecretHandler = (secret: string, hash: string) => Promise<Principal | null>;

interface CachedScope {
  scope: Scope;
  until: number;
}

const SCOPE_TTL_MS = 30_000;

export class AuthService {
  private readonly scopes = new Map<string, CachedScope>();
  private readonly handlers = new Map<SecretKind, SecretHandler>();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly tokenTtlHours: number,
  ) {}

  registerSecretHandler(kind: SecretKind, handler: SecretHandler): void {
    this.handlers.set(kind, handler);
  }

  async login(
    email: string,
    password: string,
    meta: { ip: string; userAgent?: string | undefined; requestId: string },
  ): Promise<LoginResponse> {
    const row = await users.findUserByEmail(this.db, email.trim());
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    const actor = { ip: meta.ip, requestId: meta.requestId };
    if (!row || !ok || row.disabled_at) {
      await this.audit.recordAlone(
        { type: 'system', id: null, label: 'anonymous', ...actor },
        {
          action: 'auth.login_failed',
          entityType: 'user',
          entityId: row?.id ?? null,
          after: { email: email.trim().toLowerCase() },
        },
      );
      throw new UnauthorizedError('The e-mail or password is not right.');
    }
    const token = newSecret('session');
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.tokenTtlHours * 3_600_000);
    const sessionId = newId();
    await this.db.transaction(async (tx) => {
      await tx.query(sql`
        INSERT INTO sessions (id, user_id, token_hash, ip, user_agent, created_at, expires_at)
        VALUES (${sessionId}, ${row.id}, ${hashSecret(token)}, ${meta.ip}, ${meta.userAgent?.slice(0, 300) ?? null}, ${now}, ${expiresAt})`);
      await users.touchLogin(tx, row.id, now);
      await this.audit.record(
        tx,
        { type: 'user', id: row.id, label: row.email, ...actor },
        {
          action: 'auth.login',
          entityType: 'session',
          entityId: sessionId,
          after: { userId: row.id, expiresAt: expiresAt.toISOString() },
        },
      );
    });
    return {
      token,
      expiresAt: expiresAt.toISOString(),
      user: presentUser({ ...row, last_login_at: now }),
      permissions: [...rolePermissions[row.role]],
    };
  }

  async logout(principal: Principal, meta: { ip: string; requestId: string }): Promise<void> {
    if (principal.kind !== 'user') return;
    await this.db.transaction(async (tx) => {
      await tx.query(
        sql`UPDATE sessions SET revoked_at = ${this.clock.now()} WHERE id = ${principal.sessionId}`,
      );
      await this.audit.record(
        tx,
        { type: 'user', id: principal.id, label: principal.email, ...meta },
        {
          action: 'auth.logout',
          entityType: 'session',
          entityId: principal.sessionId,
        },
      );
    });
  }

  async authenticate(secret: string): Promise<Principal | null> {
    const kind = secretKind(secret);
    if (!kind || secret.length > 200) return null;
    const hash = hashSecret(secret);
    switch (kind) {
      case 'session':
        return this.fromSession(hash);
      case 'apikey':
        return this.fromApiKey(hash);
      case 'device':
      case 'citizen': {
        const handler = this.handlers.get(kind);
        return handler ? handler(secret, hash) : null;
      }
    }
  }

  private async fromSession(hash: string): Promise<Principal | null> {
    const now = this.clock.now();
    const [row] = await this.db.query<{
      session_id: string;
      id: string;
      email: string;
      name: string;
      role: Role;
    }>(sql`
      SELECT s.id AS session_id, u.id, u.email, u.name, u.role
      FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = ${hash} AND s.revoked_at IS NULL AND s.expires_at > ${now}
        AND u.disabled_at IS NULL`);
    if (!row) return null;
    return {
      kind: 'user',
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      sessionId: row.session_id,
      scope: await this.scopeOf(row.id),
    };
  }

  private async fromApiKey(hash: string): Promise<Principal | null> {
    const [row] = await this.db.query<{
      id: string;
      name: string;
      scope: ApiKeyScope;
      last_used_at: Date | null;
    }>(
      sql`SELECT id, name, scope, last_used_at FROM api_keys WHERE key_hash = ${hash} AND revoked_at IS NULL`,
    );
    if (!row) return null;
    const now = this.clock.now();
    // Record use at most once a minute per key, to keep reads cheap.
    if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
      await this.db.query(sql`UPDATE api_keys SET last_used_at = ${now} WHERE id = ${row.id}`);
    }
    return {
      kind: 'apikey',
      id: row.id,
      name: row.name,
      keyScope: row.scope,
      scope: { all: true },
    };
  }

  /** A user's scope: their units and everything under them, plus their agencies and the units those serve. */
  async scopeOf(userId: string): Promise<Scope> {
    const cached = this.scopes.get(userId);
    if (cached && cached.until > Date.now()) return cached.scope;
    const [row] = await this.db.query<{ units: string[]; agencies: string[] }>(sql`
      SELECT
        COALESCE((SELECT array_agg(unit_code) FROM user_units WHERE user_id = ${userId}), '{}') AS units,
        COALESCE((SELECT array_agg(agency_code) FROM user_agencies WHERE user_id = ${userId}), '{}') AS agencies`);
    const units = row?.units ?? [];
    const agencies = row?.agencies ?? [];
    let scope: Scope;
    if (units.length === 0 && agencies.length === 0) {
      scope = { all: true };
    } else {
      const served = agencies.length
        ? (
            await this.db.query<{ unit_code: string }>(
              sql`SELECT unit_code FROM agency_units WHERE agency_code = ANY(${agencies}::text[])`,
            )
          ).map((r) => r.unit_code)
        : [];
      scope = {
        all: false,
        units: await withDescendants(this.db, [...units, ...served]),
        agencies,
      };
    }
    this.scopes.set(userId, { scope, until: Date.now() + SCOPE_TTL_MS });
    return scope;
  }

  /** Forget cached scopes (after a user's units or agencies change). */
  forgetScope(userId?: string): void {
    if (userId) this.scopes.delete(userId);
    else this.scopes.clear();
  }
}
