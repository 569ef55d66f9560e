/** Sign-in, tokens, API keys and the roles' permissions. */
import { expect, it } from 'vitest';
import { describeEachDb } from '../support/db.js';
import { ADMIN_PASSWORD, useTestCityOps } from '../support/app.js';
import { sql } from '../../src/core/db/sql.js';

describeEachDb('authentication', (kind) => {
  const t = useTestCityOps(kind);

  it('signs in and answers the token, the user and the permissions', async () => {
    const res = await t().anonymous.post('/api/v1/auth/login', {
      email: 'ADMIN@test.local',
      password: ADMIN_PASSWORD,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      token: string;
      user: { email: string; role: string };
      permissions: string[];
    }>();
    expect(body.token).toMatch(/^cot_/);
    expect(body.user).toMatchObject({ email: 'admin@test.local', role: 'administrator' });
    expect(body.permissions).toContain('users:write');
    expect(JSON.stringify(body)).not.toContain('password');
  });

  it('answers a wrong password and an unknown user the same way', async () => {
    const { anonymous } = t();
    const wrong = await anonymous.post('/api/v1/auth/login', {
      email: 'admin@test.local',
      password: 'nope-nope-nope',
    });
    const unknown = await anonymous.post('/api/v1/auth/login', {
      email: 'ghost@test.local',
      password: 'nope-nope-nope',
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined });
    expect(strip(wrong.json())).toEqual(strip(unknown.json()));
  });

  it('rate-limits repeated sign-in attempts', async () => {
    const { anonymous } = t();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await anonymous.post('/api/v1/auth/login', {
        email: 'target@test.local',
        password: `guess-${i}-xxxx`,
      });
      statuses.push(r.statusCode);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('refuses API routes without a token and with a bad one', async () => {
    const { anonymous, as } = t();
    expect((await anonymous.get('/api/v1/admin-units')).statusCode).toBe(401);
    expect((await as('cot_not-a-real-token').get('/api/v1/admin-units')).statusCode).toBe(401);
    expect((await as('garbage').get('/api/v1/admin-units')).statusCode).toBe(401);
  });

  it('revokes the token on sign-out', async () => {
    const viewer = await t().userWith('viewer');
    expect((await viewer.get('/api/v1/auth/me')).statusCode).toBe(200);
    expect((await viewer.post('/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await viewer.get('/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('ends every session of a user who is disabled', async () => {
    const { admin } = t();
    const op = await t().userWith('operator');
    expect((await op.get('/api/v1/auth/me')).statusCode).toBe(200);
    expect((await admin.patch(`/api/v1/users/${op.id}`, { disabled: true })).statusCode).toBe(200);
    expect((await op.get('/api/v1/auth/me')).statusCode).toBe(401);
    const again = await t().anonymous.post('/api/v1/auth/login', {
      email: op.email,
      password: 'user-password-123',
    });
    expect(again.statusCode).toBe(401);
  });

  it('gives each role only its permissions', async () => {
    const viewer = await t().userWith('viewer');
    const supervisor = await t().userWith('supervisor');
    expect((await viewer.get('/api/v1/users')).statusCode).toBe(403);
    expect((await viewer.get('/api/v1/audit')).statusCode).toBe(403);
    expect((await supervisor.get('/api/v1/users')).statusCode).toBe(200);
    expect((await supervisor.post('/api/v1/users', {})).statusCode).toBe(403);
    expect((await supervisor.get('/api/v1/apikeys')).statusCode).toBe(403);
  });

  it('creates API keys that are shown once, stored hashed, and stop working when revoked', async () => {
    const { admin, as, cityops } = t();
    const created = await admin.post('/api/v1/apikeys', { name: 'GIS sync', scope: 'read' });
    expect(created.statusCode).toBe(201);
    const { id, key } = created.json<{ id: string; key: string }>();
    expect(key).toMatch(/^cok_/);
    const listed = (await admin.get('/api/v1/apikeys')).json<{
      items: Array<Record<string, unknown>>;
    }>();
    expect(JSON.stringify(listed)).not.toContain(key);
    const stored = await cityops.db.query<{ key_hash: string }>(
      sql`SELECT key_hash FROM api_keys WHERE id = ${id}`,
    );
    expect(stored[0]!.key_hash).not.toBe(key);
    expect(stored[0]!.key_hash).toHaveLength(64);
    const client = as(key);
    expect((await client.get('/api/v1/admin-units?limit=1')).statusCode).toBe(200);
    expect((await client.get('/api/v1/users')).statusCode).toBe(403);
    expect((await admin.delete(`/api/v1/apikeys/${id}`)).statusCode).toBe(200);
    expect((await client.get('/api/v1/admin-units?limit=1')).statusCode).toBe(401);
  });

  it('stores passwords as scrypt hashes', async () => {
    const rows = await t().cityops.db.query<{ password_hash: string }>(
      sql`SELECT password_hash FROM users WHERE email = 'admin@test.local'`,
    );
    expect(rows[0]!.password_hash).toMatch(/^scrypt\$/);
    expect(rows[0]!.password_hash).not.toContain(ADMIN_PASSWORD);
  });
});
