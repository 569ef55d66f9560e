/** Users and agencies through the API: creation, validation, scope codes, audit. */
import { expect, it } from 'vitest';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';

describeEachDb('users and agencies', (kind) => {
  const t = useTestCityOps(kind);

  it('creates a user scoped to units and agencies, and audits it without the password', async () => {
    const { admin } = t();
    const agency = await admin.post('/api/v1/agencies', {
      code: 'UBND-TEST',
      nameVi: 'UBND phường thử',
      nameEn: 'Test ward People’s Committee',
      kind: 'people_committee',
      units: ['19'],
    });
    expect(agency.statusCode).toBe(201);
    const res = await admin.post('/api/v1/users', {
      email: 'Officer@Example.vn',
      password: 'a-long-password',
      name: 'Nguyễn Văn A',
      role: 'agency_officer',
      units: ['19'],
      agencies: ['UBND-TEST'],
    });
    expect(res.statusCode).toBe(201);
    const user = res.json<{ id: string; email: string; units: string[]; agencies: string[] }>();
    expect(user).toMatchObject({
      email: 'officer@example.vn',
      units: ['19'],
      agencies: ['UBND-TEST'],
    });
    const audit = (await admin.get(`/api/v1/audit?entity=${user.id}`)).json<{
      items: Array<{ action: string; after: unknown; actorLabel: string }>;
    }>();
    expect(audit.items[0]).toMatchObject({ action: 'user.create', actorLabel: 'admin@test.local' });
    expect(JSON.stringify(audit)).not.toContain('a-long-password');
    expect(JSON.stringify(audit)).not.toContain('scrypt');
  });

  it('refuses unknown unit and agency codes, naming them, and creates nothing', async () => {
    const { admin } = t();
    const res = await admin.post('/api/v1/users', {
      email: 'nobody@example.vn',
      password: 'a-long-password',
      name: 'X',
      role: 'operator',
      units: ['19', 'NO-SUCH-UNIT'],
      agencies: ['NO-SUCH-AGENCY'],
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path);
    expect(paths).toEqual(['units.1', 'agencies.0']);
    const list = (await admin.get('/api/v1/users?q=nobody')).json<{ items: unknown[] }>();
    expect(list.items).toHaveLength(0);
  });

  it('refuses a second user with the same e-mail with 409', async () => {
    const { admin } = t();
    const body = {
      email: 'twice@example.vn',
      password: 'a-long-password',
      name: 'T',
      role: 'viewer',
    };
    expect((await admin.post('/api/v1/users', body)).statusCode).toBe(201);
    const again = await admin.post('/api/v1/users', { ...body, email: 'TWICE@example.vn' });
    expect(again.statusCode).toBe(409);
    expect(again.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('email');
  });

  it('pages through users with a cursor, without gaps or repeats', async () => {
    const { admin } = t();
    for (let i = 0; i < 7; i++) {
      await admin.post('/api/v1/users', {
        email: `page${i}@example.vn`,
        password: 'a-long-password',
        name: `P${i}`,
        role: 'viewer',
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ email: string }>; nextCursor: string | null } = (
        await admin.get(`/api/v1/users?limit=3&q=page${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      seen.push(...page.items.map((u) => u.email));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `page${i}@example.vn`));
    expect((await admin.get('/api/v1/users?cursor=bogus')).statusCode).toBe(400);
  });

  it('lets the user see their own scope', async () => {
    const op = await t().userWith('operator', { units: ['19'] });
    const me = (await op.get('/api/v1/auth/me')).json<{
      scope: { all: boolean; units: string[] };
    }>();
    expect(me.scope.all).toBe(false);
    // The province and everything under it, in every period.
    expect(me.scope.units.length).toBeGreaterThan(90);
    expect(me.scope.units).toContain('19');
  });
});
