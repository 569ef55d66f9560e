/**
 * Citizen sign-in by phone and one-time code: the code reaches the SMS
 * gateway (or, with none configured, the log — only then), is stored hashed,
 * expires in 5 minutes, allows 5 attempts; asking is rate-limited per phone
 * and per address; the citizen token opens the citizen routes and nothing of
 * the staff's; an anonymous report's follow token works the same way.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import { describeEachDb } from '../support/db.js';

import { sql } from '../../src/core/db/sql.js';
import { CitizensService, normalizePhone } from '../../src/reports/citizens.service.js';
import { citizenReport, createAgencies, useCitizenCityOps } from './harness.js';

const MIN = 60_000;

describe('phone numbers', () => {
  it('reads the ways people write Vietnamese mobile numbers', () => {
    for (const given of [
      '0912345678',
      '0912 345 678',
      '091.234.5678',
      '+84912345678',
      '84912345678',
      '+84 91 234 56 78',
    ])
      expect(normalizePhone(given), given).toBe('+84912345678');
    for (const bad of ['12345', '0212345678', '+1 202 555 0100', 'abc'])
      expect(() => normalizePhone(bad), bad).toThrow(/Vietnamese mobile/);
  });
});

describeEachDb('reports: citizen sign-in', (kind) => {
  const { clock, sms, t } = useCitizenCityOps(kind);
  beforeAll(() => createAgencies(t().admin));

  const ask = (phone: string, ip = '10.0.0.1') =>
    t().cityops.app.inject({
      method: 'POST',
      url: '/api/v1/citizen/otp',
      payload: { phone },
      remoteAddress: ip,
    });
  const verify = (phone: string, code: string) =>
    t().anonymous.post('/api/v1/citizen/otp/verify', { phone, code });

  it('sends a code by SMS, keeps only its hash, and signs in with it', async () => {
    const res = await ask('0912 000 001');
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({
      expiresAt: new Date(clock.ms + 5 * MIN).toISOString(),
      retryAfter: 60,
    });
    const code = sms.codeFor('+84912000001')!;
    expect(code).toMatch(/^\d{6}$/);
    const rows = await t().testDb.db.query<Record<string, unknown>>(
      sql`SELECT * FROM citizen_otps WHERE phone = '+84912000001'`,
    );
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(code);
    const ok = await verify('+84912000001', code);
    expect(ok.statusCode, ok.body).toBe(200);
    const session = ok.json<{ token: string; citizen: { id: string; phone: string } }>();
    expect(session.token).toMatch(/^coc_/);
    expect(session.citizen.phone).toBe('+84912000001');
    const me = await t().as(session.token).get('/api/v1/auth/me');
    expect(me.json()).toMatchObject({ kind: 'citizen', permissions: [], user: null });
    // The code is spent.
    expect((await verify('0912000001', code)).statusCode).toBe(401);
    // A citizen token opens nothing of the staff's.
    expect((await t().as(session.token).get('/api/v1/reports')).statusCode).toBe(403);
    expect((await t().as(session.token).get('/api/v1/citizen/reports')).statusCode).toBe(200);
    // Signing out revokes it.
    expect((await t().as(session.token).post('/api/v1/citizen/logout')).statusCode).toBe(204);
    expect((await t().as(session.token).get('/api/v1/citizen/reports')).statusCode).toBe(401);
  });

  it('allows five attempts, then asks for a new code', async () => {
    await ask('0912000002');
    const code = sms.codeFor('+84912000002')!;
    const wrong = code === '000000' ? '111111' : '000000';
    const first = await verify('0912000002', wrong);
    expect(first.statusCode).toBe(401);
    expect(first.json<{ detail: string }>().detail).toBe('Wrong code; 4 attempts left.');
    for (let i = 0; i < 4; i++) await verify('0912000002', wrong);
    const locked = await verify('0912000002', code);
    expect(locked.statusCode).toBe(401);
    expect(locked.json<{ detail: string }>().detail).toMatch(/Too many wrong codes/);
  });

  it('lets a code expire after five minutes', async () => {
    await ask('0912000003');
    const code = sms.codeFor('+84912000003')!;
    clock.advance(5 * MIN + 1000);
    const late = await verify('0912000003', code);
    expect(late.statusCode).toBe(401);
    expect(late.json<{ detail: string }>().detail).toMatch(/No valid code/);
  });

  it('limits asking: one a minute and three in 15 minutes per phone, ten per address', async () => {
    expect((await ask('0912000004')).statusCode).toBe(202);
    const soon = await ask('0912000004');
    expect(soon.statusCode).toBe(429);
    expect(soon.json<{ detail: string }>().detail).toMatch(/ask again in \d+ s/);
    clock.advance(61_000);
    expect((await ask('0912000004')).statusCode).toBe(202);
    clock.advance(61_000);
    expect((await ask('0912000004')).statusCode).toBe(202);
    clock.advance(61_000);
    expect((await ask('0912000004')).json<{ detail: string }>().detail).toMatch(
      /Too many codes for this phone/,
    );
    clock.advance(16 * MIN);
    expect((await ask('0912000004')).statusCode).toBe(202);

    clock.advance(16 * MIN);
    for (let i = 0; i < 10; i++)
      expect((await ask(`09130000${String(i).padStart(2, '0')}`, '10.9.9.9')).statusCode).toBe(202);
    const eleventh = await ask('0913000099', '10.9.9.9');
    expect(eleventh.statusCode).toBe(429);
    expect(eleventh.json<{ detail: string }>().detail).toMatch(/from this address/);
    expect((await ask('0913000099', '10.9.9.10')).statusCode).toBe(202);
  });

  it('refuses a bad phone naming the field, and says so when the SMS gateway fails', async () => {
    const bad = await ask('12345', '10.0.0.2');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('phone');
    sms.failing = true;
    const down = await ask('0912000005', '10.0.0.2');
    sms.failing = false;
    expect(down.statusCode).toBe(503);
    clock.advance(61_000);
    expect((await ask('0912000005', '10.0.0.2')).statusCode).toBe(202);
  });

  it('gives an anonymous reporter a follow token for that report', async () => {
    const { report, followToken } = await citizenReport(t().anonymous);
    const mine = (await t().as(followToken!).get('/api/v1/citizen/reports')).json<{
      items: Array<{ id: string }>;
    }>().items;
    expect(mine.map((r) => r.id)).toEqual([report.id]);
    const signedIn = await t().as(followToken!).get('/api/v1/auth/me');
    expect(signedIn.json()).toMatchObject({ kind: 'citizen' });
  });

  it('writes the code to the log only when no SMS gateway is configured', async () => {
    const lines: Array<{ obj: unknown; msg: string }> = [];
    const log = {
      warn: (obj: unknown, msg: string) => lines.push({ obj, msg }),
      error: () => undefined,
      info: () => undefined,
      debug: () => undefined,
    } as unknown as FastifyBaseLogger;
    const { db, audit } = t().cityops.ctx;
    const dev = new CitizensService(db, audit, clock, log, null, 30);
    clock.advance(20 * MIN);
    await dev.requestCode('0914000001', '10.1.1.1');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.msg).toMatch(/development mode/);
    expect(lines[0]!.obj).toMatchObject({
      phone: '+8491*****01',
      code: expect.stringMatching(/^\d{6}$/) as unknown,
    });
    const withGateway = new CitizensService(
      db,
      audit,
      clock,
      log,
      { name: 'test', send: () => Promise.resolve() },
      30,
    );
    await withGateway.requestCode('0914000002', '10.1.1.1');
    expect(lines).toHaveLength(1);
  });
});
