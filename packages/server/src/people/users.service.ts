/** Users: create, change, disable; every change audited, passwords hashed with scrypt. */
import type { Role, User, UserCreate, UserPatch } from '@cityops/contracts';
import type { Db, Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';
import type { Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../core/errors.js';
import type { Actor } from '../core/auth/principal.js';
import { hashPassword } from '../core/auth/passwords.js';
import type { AuditService } from '../audit/audit.service.js';
import { unknownUnitCodes } from '../geo/unit-tree.js';
import * as repo from './users.repo.js';

export function presentUser(u: repo.UserRow): User {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    units: u.units,
    agencies: u.agencies,
    locale: u.locale,
    disabled: u.disabled_at !== null,
    createdAt: u.created_at.toISOString(),
    lastLoginAt: u.last_login_at?.toISOString() ?? null,
  };
}

/** What the audit trail keeps of a user (never the password hash). */
function auditView(u: User) {
  const { lastLoginAt: _l, ...rest } = u;
  return rest;
}

async function checkScopeCodes(
  db: Queryable,
  units: string[] | undefined,
  agencies: string[] | undefined,
): Promise<void> {
  const errors: FieldError[] = [];
  if (units?.length) {
    for (const code of await unknownUnitCodes(db, units)) {
      errors.push({
        path: `units.${units.indexOf(code)}`,
        message: `no admin unit has the code ${code}`,
      });
    }
  }
  if (agencies?.length) {
    const rows = await db.query<{ code: string }>(
      sql`SELECT code FROM agencies WHERE code = ANY(${agencies}::text[])`,
    );
    const known = new Set(rows.map((r) => r.code));
    agencies.forEach((code, i) => {
      if (!known.has(code))
        errors.push({ path: `agencies.${i}`, message: `no agency has the code ${code}` });
    });
  }
  if (errors.length) throw new ValidationError(errors);
}

export class UsersService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: UserCreate): Promise<User> {
    const units = [...new Set(input.units)];
    const agencies = [...new Set(input.agencies)];
    const passwordHash = await hashPassword(input.password);
    return this.db.transaction(async (tx) => {
      await checkScopeCodes(tx, units, agencies);
      if (await repo.findUserByEmail(tx, input.email)) {
        throw new ConflictError(`A user with the e-mail ${input.email} exists.`, [
          { path: 'email', message: 'already in use' },
        ]);
      }
      const id = newId();
      await repo.insertUser(tx, {
        id,
        email: input.email,
        name: input.name,
        passwordHash,
        role: input.role,
        locale: input.locale,
      });
      await repo.setUserScope(tx, id, { units, agencies });
      const user = presentUser((await repo.findUserById(tx, id))!);
      await this.audit.record(tx, actor, {
        action: 'user.create',
        entityType: 'user',
        entityId: id,
        after: auditView(user),
      });
      return user;
    });
  }

  async update(actor: Actor, id: string, patch: UserPatch): Promise<User> {
    const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
    return this.db.transaction(async (tx) => {
      const before = await repo.findUserById(tx, id);
      if (!before) throw new NotFoundError('User', id);
      await checkScopeCodes(tx, patch.units, patch.agencies);
      const now = this.clock.now();
      await repo.updateUser(
        tx,
        id,
        {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(passwordHash ? { passwordHash } : {}),
          ...(patch.role ? { role: patch.role } : {}),
          ...(patch.locale ? { locale: patch.locale } : {}),
          ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
        },
        now,
      );
      await repo.setUserScope(tx, id, {
        units: patch.units && [...new Set(patch.units)],
        agencies: patch.agencies && [...new Set(patch.agencies)],
      });
      // Disabling a user, or changing the password, ends their sessions.
      if (patch.disabled === true || passwordHash) {
        await tx.query(
          sql`UPDATE sessions SET revoked_at = ${now} WHERE user_id = ${id} AND revoked_at IS NULL`,
        );
      }
      const after = presentUser((await repo.findUserById(tx, id))!);
      await this.audit.record(tx, actor, {
        action: patch.disabled === true ? 'user.disable' : 'user.update',
        entityType: 'user',
        entityId: id,
        before: auditView(presentUser(before)),
        after: { ...auditView(after), ...(passwordHash ? { passwordChanged: true } : {}) },
      });
      return after;
    });
  }

  /** Ends every session of a user; answers how many were open. */
  async revokeSessions(actor: Actor, id: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      if (!(await repo.findUserById(tx, id))) throw new NotFoundError('User', id);
      const rows = await tx.query(
        sql`UPDATE sessions SET revoked_at = ${this.clock.now()} WHERE user_id = ${id} AND revoked_at IS NULL RETURNING id`,
      );
      await this.audit.record(tx, actor, {
        action: 'user.revoke_sessions',
        entityType: 'user',
        entityId: id,
        after: { revoked: rows.length },
      });
      return rows.length;
    });
  }

  async get(id: string): Promise<User> {
    const row = await repo.findUserById(this.db, id);
    if (!row) throw new NotFoundError('User', id);
    return presentUser(row);
  }

  async findByEmail(email: string): Promise<User | undefined> {
    const row = await repo.findUserByEmail(this.db, email);
    return row && presentUser(row);
  }

  async list(opts: {
    after?: string | undefined;
    limit: number;
    role?: Role | undefined;
    q?: string | undefined;
  }) {
    return (await repo.listUsers(this.db, opts)).map(presentUser);
  }

  count(): Promise<number> {
    return repo.countUsers(this.db);
  }
}
