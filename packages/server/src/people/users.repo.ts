/** Storage of users with their unit and agency scope. */
import type { Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';
import type { Role } from '@cityops/contracts';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  role: Role;
  locale: 'vi' | 'en';
  disabled_at: Date | null;
  last_login_at: Date | null;
  created_at: Date;
  units: string[];
  agencies: string[];
}

const selectUser = sql`
  SELECT u.*,
    COALESCE((SELECT array_agg(unit_code ORDER BY unit_code) FROM user_units WHERE user_id = u.id), '{}') AS units,
    COALESCE((SELECT array_agg(agency_code ORDER BY agency_code) FROM user_agencies WHERE user_id = u.id), '{}') AS agencies
  FROM users u`;

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
  const [row] = await db.query<UserRow>(sql`${selectUser} WHERE u.email = ${email.toLowerCase()}`);
  return row;
}

export async function findUserById(db: Queryable, id: string): Promise<UserRow | undefined> {
  const [row] = await db.query<UserRow>(sql`${selectUser} WHERE u.id = ${id}`);
  return row;
}

export async function listUsers(
  db: Queryable,
  opts: {
    after?: string | undefined;
    limit: number;
    role?: Role | undefined;
    q?: string | undefined;
  },
): Promise<UserRow[]> {
  const q = opts.q ? `%${opts.q.toLowerCase()}%` : null;
  return db.query<UserRow>(sql`${selectUser}
    WHERE (${opts.after ?? null}::uuid IS NULL OR u.id > ${opts.after ?? null}::uuid)
      AND (${opts.role ?? null}::text IS NULL OR u.role = ${opts.role ?? null})
      AND (${q}::text IS NULL OR lower(u.email) LIKE ${q} OR lower(u.name) LIKE ${q})
    ORDER BY u.id LIMIT ${opts.limit}`);
}

export async function countUsers(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>(sql`SELECT count(*) AS n FROM users`);
  return row?.n ?? 0;
}

export async function insertUser(
  db: Queryable,
  u: {
    id: string;
    email: string;
    name: string;
    passwordHash: string;
    role: Role;
    locale: 'vi' | 'en';
  },
): Promise<void> {
  await db.query(sql`
    INSERT INTO users (id, email, name, password_hash, role, locale)
    VALUES (${u.id}, ${u.email}, ${u.name}, ${u.passwordHash}, ${u.role}, ${u.locale})`);
}

export async function updateUser(
  db: Queryable,
  id: string,
  set: {
    name?: string;
    passwordHash?: string;
    role?: Role;
    locale?: 'vi' | 'en';
    disabled?: boolean;
  },
  now: Date,
): Promise<void> {
  await db.query(sql`
    UPDATE users SET
      name = COALESCE(${set.name ?? null}, name),
      password_hash = COALESCE(${set.passwordHash ?? null}, password_hash),
      role = COALESCE(${set.role ?? null}, role),
      locale = COALESCE(${set.locale ?? null}, locale),
      disabled_at = CASE WHEN ${set.disabled ?? null}::boolean IS NULL THEN disabled_at
                         WHEN ${set.disabled ?? null}::boolean THEN COALESCE(disabled_at, ${now})
                         ELSE NULL END,
      updated_at = ${now}
    WHERE id = ${id}`);
}

export async function setUserScope(
  db: Queryable,
  id: string,
  scope: { units?: string[] | undefined; agencies?: string[] | undefined },
): Promise<void> {
  if (scope.units) {
    await db.query(sql`DELETE FROM user_units WHERE user_id = ${id}`);
    if (scope.units.length > 0) {
      await db.query(
        sql`INSERT INTO user_units (user_id, unit_code) SELECT ${id}, unnest(${scope.units}::text[])`,
      );
    }
  }
  if (scope.agencies) {
    await db.query(sql`DELETE FROM user_agencies WHERE user_id = ${id}`);
    if (scope.agencies.length > 0) {
      await db.query(
        sql`INSERT INTO user_agencies (user_id, agency_code) SELECT ${id}, unnest(${scope.agencies}::text[])`,
      );
    }
  }
}

export async function touchLogin(db: Queryable, id: string, at: Date): Promise<void> {
  await db.query(sql`UPDATE users SET last_login_at = ${at} WHERE id = ${id}`);
}
