/**
 * Seeding the demo city into a real database through the services: complete,
 * every asset in the unit the generator expects, idempotent, fast, and its
 * users sign in with the role and scope they were given.
 */
import { expect, it } from 'vitest';
import type { Asset } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps, type Caller } from '../support/app.js';
import { sql } from '../../src/core/db/sql.js';
import { seedDemo, type DemoResult } from '../../src/demo/seed.js';
import { buildDemoCity } from '../../src/demo/city.js';
import { loadDemoInput } from '../../src/demo/input.js';
import { demoWard } from '../../src/demo/users.js';
import { UnitMap } from '../../src/demo/units.js';
import { committeeCode } from '../../src/demo/agencies.js';

async function allAssets(caller: Caller, query = ''): Promise<Asset[]> {
  const items: Asset[] = [];
  let cursor: string | null = null;
  do {
    const url = `/api/v1/assets?limit=1000${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await caller.get(url);
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json<{ items: Asset[]; nextCursor: string | null }>();
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

describeEachDb('demo seed', (kind) => {
  const t = useTestCityOps(kind);
  let first: DemoResult | null = null;

  it('loads the demo city quickly', async () => {
    const started = Date.now();
    first = await seedDemo(t().cityops);
    const ms = Date.now() - started;
    console.info(
      `demo seed on ${kind}: ${ms} ms`,
      first && { agencies: first.agencies, assets: first.assets },
    );
    expect(first).not.toBeNull();
    expect(first!.users).toHaveLength(5);
    expect(first!.assets).toBeGreaterThan(600);
    // Generous: the budget is 20 s; timings on shared machines vary.
    expect(ms).toBeLessThan(60_000);
  });

  it('stores 409 cameras and 3 ANPR cameras, each in the unit the generator expects', async () => {
    const { admin, cityops } = t();
    const assets = await allAssets(admin);
    const city = buildDemoCity(await loadDemoInput(cityops.geo.service));
    expect(assets).toHaveLength(city.assets.length);
    expect(assets.filter((a) => a.type === 'camera')).toHaveLength(409);
    expect(assets.filter((a) => a.type === 'anpr_camera')).toHaveLength(3);
    const expected = new Map(city.assets.map((a) => [a.asset.code, a.unit]));
    for (const a of assets) expect(a.adminUnit, a.code).toBe(expected.get(a.code));
    // Write-only values are never part of the demo, and stream URLs are on documentation networks.
    const cam = assets.find((a) => a.code === 'CAM-TN-0001')!;
    expect(String(cam.properties.streamUrl)).toMatch(/^rtsp:\/\/198\.51\.100\./);
  });

  it('writes everything as the demo seed, through the audited services', async () => {
    const rows = await t().cityops.db.query<{ action: string }>(
      sql`SELECT DISTINCT action FROM audit_log WHERE actor_label = 'demo seed' ORDER BY action`,
    );
    const actions = rows.map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['agency.create', 'user.create']));
    expect(actions.some((a) => a.startsWith('asset'))).toBe(true);
  });

  it('creates nothing the second time', async () => {
    const { admin, cityops } = t();
    const before = await allAssets(admin);
    const agencies = await cityops.db.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM agencies`,
    );
    const users = await cityops.people.users.count();
    expect(await seedDemo(cityops)).toBeNull();
    expect(await allAssets(admin)).toHaveLength(before.length);
    const after = await cityops.db.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM agencies`,
    );
    expect(after[0]!.n).toBe(agencies[0]!.n);
    expect(await cityops.people.users.count()).toBe(users);
  });

  it('gives each demo user a working password, the right role and scope', async () => {
    const { anonymous, cityops } = t();
    const ward = demoWard(new UnitMap(await loadDemoInput(cityops.geo.service)));
    for (const u of first!.users) {
      expect(u.password.length).toBeGreaterThanOrEqual(16);
      const res = await anonymous.post('/api/v1/auth/login', {
        email: u.email,
        password: u.password,
      });
      expect(res.statusCode, u.email).toBe(200);
      const body = res.json<{
        token: string;
        user: { role: string; units: string[]; agencies: string[] };
      }>();
      expect(body.user.role).toBe(u.role);
      const assets = await allAssets(t().as(body.token));
      if (u.email.startsWith('ward.operator')) {
        expect(body.user.units).toEqual([ward.code]);
        expect(assets.length).toBeGreaterThan(10);
        expect(assets.every((a) => a.adminUnit === ward.code)).toBe(true);
      } else if (u.role === 'agency_officer') {
        expect(body.user.agencies).toEqual([committeeCode(ward.code)]);
        expect(assets.length).toBeGreaterThan(0);
        // The committee's own assets and those of the ward it serves.
        const agency = committeeCode(ward.code);
        expect(assets.some((a) => a.agencyCode === agency)).toBe(true);
        expect(assets.every((a) => a.agencyCode === agency || a.adminUnit === ward.code)).toBe(
          true,
        );
      } else {
        expect(body.user.units).toEqual([]);
        expect(assets.filter((a) => a.type === 'camera')).toHaveLength(409);
      }
    }
  });
});
