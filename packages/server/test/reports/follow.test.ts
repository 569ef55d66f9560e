/**
 * What a citizen follows and keeps: following a report (a merged one through
 * its original), claiming anonymous reports into a signed-in account, the
 * Idempotency-Key of a submission (a retried offline submission never makes
 * a second report), and the owner's own photos before verification.
 */
import { beforeAll, expect, it } from 'vitest';
import type { CitizenReport, UploadedFile } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { type Caller } from '../support/app.js';
import { sql } from '../../src/core/db/sql.js';
import { png, multipartBody } from '../files/images.js';
import { act, citizenReport, createAgencies, places, useCitizenCityOps } from './harness.js';

const REPORT = {
  categoryCode: 'road_damage',
  description: 'Ổ gà sâu trước cổng chợ',
  lat: places.phanDinhPhung.at[1],
  lon: places.phanDinhPhung.at[0],
  attributes: { hazard_level: 'high' },
};

describeEachDb('reports: following, claiming, idempotent submissions', (kind) => {
  const { t, signIn } = useCitizenCityOps(kind);
  let operator: Caller;

  const mineIds = async (c: Caller) =>
    (await c.get('/api/v1/citizen/reports'))
      .json<{ items: CitizenReport[] }>()
      .items.map((r) => r.id);
  const send = (c: Caller, key: string | undefined, body: Record<string, unknown> = REPORT) =>
    c.request('POST', '/api/v1/citizen/reports', body, key ? { 'idempotency-key': key } : {});
  const count = async () =>
    (await t().cityops.db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM reports`))[0]!.n;

  beforeAll(async () => {
    await createAgencies(t().admin);
    operator = await t().userWith('operator');
  });

  it('follows a report seen on the map, and a merged one through its original', async () => {
    const original = (await citizenReport(t().anonymous)).report.id;
    const duplicate = (await citizenReport(t().anonymous, { description: 'Ổ gà (trùng)' })).report
      .id;
    await act(operator, duplicate, 'merge', { into: original });
    const follower = await signIn('0922222222');
    expect(await mineIds(follower)).toEqual([]);

    const res = await follower.post(`/api/v1/citizen/reports/${duplicate}/follow`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<CitizenReport>()).toMatchObject({ id: original, following: true });
    expect(await mineIds(follower)).toEqual([original]);
    // Following again changes nothing; the audit has one entry.
    expect((await follower.post(`/api/v1/citizen/reports/${original}/follow`)).statusCode).toBe(
      200,
    );
    const entries = await t().cityops.db.query(
      sql`SELECT 1 FROM audit_log WHERE action = 'report.follow' AND entity_id = ${original}`,
    );
    expect(entries).toHaveLength(1);

    expect((await follower.post('/api/v1/citizen/reports/999999/follow')).statusCode).toBe(404);
    expect(
      (await t().anonymous.post(`/api/v1/citizen/reports/${original}/follow`)).statusCode,
    ).toBe(401);
    expect((await operator.post(`/api/v1/citizen/reports/${original}/follow`)).statusCode).toBe(
      403,
    );

    expect((await follower.delete(`/api/v1/citizen/reports/${original}/follow`)).statusCode).toBe(
      204,
    );
    expect(await mineIds(follower)).toEqual([]);
    const again = await follower.delete(`/api/v1/citizen/reports/${original}/follow`);
    expect(again.statusCode).toBe(404);
  });

  it('stops following by the duplicate it was followed through', async () => {
    const original = (await citizenReport(t().anonymous, { description: 'Cột điện nghiêng' }))
      .report.id;
    const duplicate = (await citizenReport(t().anonymous, { description: 'Cột điện (trùng)' }))
      .report.id;
    await act(operator, duplicate, 'merge', { into: original });
    const follower = await signIn('0955555555');
    const followed = await follower.post(`/api/v1/citizen/reports/${duplicate}/follow`);
    expect(followed.json<CitizenReport>()).toMatchObject({ id: original, following: true });
    expect(await mineIds(follower)).toEqual([original]);

    // The app knows the duplicate's number: unfollowing by it stops following the original.
    const res = await follower.delete(`/api/v1/citizen/reports/${duplicate}/follow`);
    expect(res.statusCode, res.body).toBe(204);
    expect(await mineIds(follower)).toEqual([]);
    const [entry] = await t().cityops.db.query<{ entity_id: string; after: unknown }>(
      sql`SELECT entity_id, after FROM audit_log WHERE action = 'report.unfollow'
        ORDER BY seq DESC LIMIT 1`,
    );
    expect(entry).toMatchObject({
      entity_id: original,
      after: { followed: false, asked: Number(duplicate) },
    });
    // Nothing left to stop, by either number; an unknown report is 404 too.
    expect((await follower.delete(`/api/v1/citizen/reports/${duplicate}/follow`)).statusCode).toBe(
      404,
    );
    expect((await follower.delete(`/api/v1/citizen/reports/${original}/follow`)).statusCode).toBe(
      404,
    );
    expect((await follower.delete('/api/v1/citizen/reports/999999/follow')).statusCode).toBe(404);
    // Following by the original and stopping by the duplicate works the same way.
    await follower.post(`/api/v1/citizen/reports/${original}/follow`);
    expect((await follower.delete(`/api/v1/citizen/reports/${duplicate}/follow`)).statusCode).toBe(
      204,
    );
    expect(await mineIds(follower)).toEqual([]);
  });

  it('claims anonymous reports into a signed-in account; their tokens stop working', async () => {
    const a = await citizenReport(t().anonymous, { description: 'Đèn tắt cả tuần' });
    const b = await citizenReport(t().anonymous, { description: 'Cống tắc' });
    const owner = await signIn('0933333333');

    // A bad token: nothing changes, and the error names it.
    const bad = await owner.post('/api/v1/citizen/claim', {
      followTokens: [a.followToken, 'coc_not-a-token'],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path)).toEqual([
      'followTokens.1',
    ]);
    expect(await mineIds(owner)).toEqual([]);
    expect((await t().as(a.followToken!).get('/api/v1/citizen/reports')).statusCode).toBe(200);

    // Only a signed-in (phone) account claims.
    const anon = await t()
      .as(a.followToken!)
      .post('/api/v1/citizen/claim', {
        followTokens: [b.followToken],
      });
    expect(anon.statusCode).toBe(403);

    const res = await owner.post('/api/v1/citizen/claim', {
      followTokens: [a.followToken, b.followToken],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ reports: 2, tokens: 2 });
    expect((await mineIds(owner)).sort()).toEqual([a.report.id, b.report.id].sort());
    const mine = await owner.get(`/api/v1/citizen/reports/${a.report.id}`);
    expect(mine.json<CitizenReport>()).toMatchObject({ following: false });
    expect((await t().as(a.followToken!).get('/api/v1/citizen/reports')).statusCode).toBe(401);
    // Claimed once: a second claim is refused.
    const twice = await owner.post('/api/v1/citizen/claim', { followTokens: [a.followToken] });
    expect(twice.statusCode).toBe(400);
    // The audit names the reports moved, never a token or a phone number.
    const [entry] = await t().cityops.db.query<{ after: unknown }>(
      sql`SELECT after FROM audit_log WHERE action = 'citizen.claim' ORDER BY seq DESC LIMIT 1`,
    );
    const text = JSON.stringify(entry!.after);
    expect(text).toContain(a.report.id);
    expect(text).not.toContain(a.followToken!);
    expect(text).not.toContain('933333333');
  });

  it('answers a retried submission with the first report, never a second one', async () => {
    const citizen = await signIn('0944444444');
    const key = crypto.randomUUID();
    const before = await count();
    const first = await send(citizen, key);
    expect(first.statusCode, first.body).toBe(201);
    const again = await send(citizen, key);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json<{ report: { id: string } }>().report.id).toBe(
      first.json<{ report: { id: string } }>().report.id,
    );
    expect(await count()).toBe(before + 1);

    // Sent twice at once (two tabs, a retry racing the first): still one report.
    const key2 = crypto.randomUUID();
    const both = await Promise.all([send(citizen, key2), send(citizen, key2)]);
    expect(both.map((r) => r.statusCode)).toEqual([201, 201]);
    expect(new Set(both.map((r) => r.json<{ report: { id: string } }>().report.id)).size).toBe(1);
    expect(await count()).toBe(before + 2);

    // The same key for a different report is refused; a malformed key is named.
    const other = await send(citizen, key, { ...REPORT, description: 'Khác hẳn' });
    expect(other.statusCode).toBe(409);
    expect(other.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe(
      'Idempotency-Key',
    );
    const short = await send(citizen, 'abc');
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('Idempotency-Key');
    // Another citizen's same key is their own.
    const other2 = await send(await signIn('0955555555'), key);
    expect(other2.statusCode).toBe(201);
    expect(other2.headers['idempotent-replayed']).toBeUndefined();
    expect(await count()).toBe(before + 3);
  });

  it('gives an anonymous retry a working follow token for the first report', async () => {
    const key = crypto.randomUUID();
    const first = await send(t().anonymous, key);
    expect(first.statusCode).toBe(201);
    const again = await send(t().anonymous, key);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const a = first.json<{ report: { id: string }; followToken: string }>();
    const b = again.json<{ report: { id: string }; followToken: string }>();
    expect(b.report.id).toBe(a.report.id);
    expect(b.followToken).toMatch(/^coc_/);
    expect(b.followToken).not.toBe(a.followToken);
    expect(await mineIds(t().as(b.followToken))).toEqual([a.report.id]);
  });

  it('gives no token of an account to an anonymous retry of a report claimed into it', async () => {
    const key = crypto.randomUUID();
    const first = await send(t().anonymous, key);
    const made = first.json<{ report: { id: string }; followToken: string }>();
    const account = await signIn('0988888888');
    expect(
      (await account.post('/api/v1/citizen/claim', { followTokens: [made.followToken] }))
        .statusCode,
    ).toBe(200);
    const again = await send(t().anonymous, key);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const b = again.json<{ report: { id: string }; followToken: string | null }>();
    expect(b).toMatchObject({ report: { id: made.report.id }, followToken: null });
    const sessions = await t().cityops.db.query<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM citizen_sessions s JOIN citizens c ON c.id = s.citizen_id
      WHERE c.phone = '+84988888888'`);
    expect(sessions[0]!.n).toBe(1);
  });

  it("shows the owner their own photos before verification, and nobody else's", async () => {
    const citizen = await signIn('0966666666');
    const { payload, headers } = multipartBody({
      field: 'file',
      name: 'o-ga.png',
      type: 'image/png',
      bytes: await png(),
    });
    const up = await citizen.request('POST', '/api/v1/files', payload, headers);
    expect(up.statusCode, up.body).toBe(201);
    const photo = up.json<UploadedFile>();
    const { report } = await citizenReport(citizen, { photoIds: [photo.id] });
    const own = await citizen.get(
      `/api/v1/citizen/reports/${report.id}/photos/${photo.id}?size=thumb`,
    );
    expect(own.statusCode, own.body).toBe(200);
    expect(own.headers['content-type']).toBe('image/jpeg');
    // Not verified yet: the public and other citizens do not see it.
    expect(
      (await t().anonymous.get(`/api/v1/citizen/public/reports/${report.id}/photos/${photo.id}`))
        .statusCode,
    ).toBe(404);
    const stranger = await signIn('0977777777');
    expect(
      (await stranger.get(`/api/v1/citizen/reports/${report.id}/photos/${photo.id}`)).statusCode,
    ).toBe(404);
    // A follower sees it once it is public.
    await stranger.post(`/api/v1/citizen/reports/${report.id}/follow`);
    expect(
      (await stranger.get(`/api/v1/citizen/reports/${report.id}/photos/${photo.id}`)).statusCode,
    ).toBe(404);
    await act(operator, report.id, 'verify');
    expect(
      (await stranger.get(`/api/v1/citizen/reports/${report.id}/photos/${photo.id}`)).statusCode,
    ).toBe(200);
  });
});
