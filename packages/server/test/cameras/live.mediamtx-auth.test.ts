/**
 * MediaMTX's external HTTP authentication answered by CityOps: a path's
 * stream is readable only with the token of an open, unexpired viewer session
 * of that path's camera; publishing and the API only with the gateway's own
 * credentials. MediaMTX cannot be installed here (no Debian package; its
 * releases are downloads), so its API is a fake on loopback, as in
 * live.external.test.ts, and the test sends the hook the JSON MediaMTX sends.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Asset } from '@cityops/contracts';
import { sql } from '../../src/core/db/sql.js';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps, type Caller } from '../support/app.js';
import { createCamera } from './factories.js';

/** MediaMTX's v3 API as far as CityOps uses it: paths are added, ready at once, removed. */
async function fakeMediamtxApi() {
  const basic = `Basic ${Buffer.from('gw-api:Gw-Api-Pw-77').toString('base64')}`;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = req.url ?? '';
      let status = 404;
      let body: unknown = { error: 'not found' };
      if (req.headers.authorization !== basic) [status, body] = [401, { error: 'auth' }];
      else if (req.method === 'POST' && url.startsWith('/v3/config/paths/add/'))
        [status, body] = [200, {}];
      else if (req.method === 'GET' && url.startsWith('/v3/paths/get/'))
        [status, body] = [200, { ready: true }];
      else if (req.method === 'DELETE' && url.startsWith('/v3/config/paths/delete/'))
        [status, body] = [200, {}];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describeEachDb('cameras: MediaMTX authentication hook', (kind) => {
  let api: Awaited<ReturnType<typeof fakeMediamtxApi>>;
  const env: Record<string, string> = { CITYOPS_VIDEO_IDLE_SECONDS: '0' };
  beforeAll(async () => {
    api = await fakeMediamtxApi();
    env.CITYOPS_VIDEO_GATEWAY = `mediamtx+http://gw-api:Gw-Api-Pw-77@127.0.0.1:${api.port}`;
  });
  const t = useTestCityOps(kind, { env });
  afterAll(() => api.close());

  let camA: Asset;
  let camB: Asset;
  let operator: Caller;
  beforeAll(async () => {
    camA = await createCamera(t().admin, { properties: { streamUrl: 'rtsp://10.0.0.7:554/a' } });
    camB = await createCamera(t().admin, { properties: { streamUrl: 'rtsp://10.0.0.8:554/b' } });
    operator = await t().userWith('operator');
  });

  /** Starts a viewer session: the MediaMTX path name, the token and the session URL. */
  const watch = async (cam: Asset) => {
    const res = await operator.post(`/api/v1/cameras/${cam.id}/live`, {});
    expect(res.statusCode, res.body).toBe(200);
    const live = res.json<{ url: string; sessionUrl: string }>();
    const u = new URL(live.url);
    return {
      path: u.pathname.split('/')[1]!,
      token: u.searchParams.get('token')!,
      query: u.search.slice(1),
      sessionUrl: live.sessionUrl,
    };
  };
  const ask = (body: Record<string, unknown>) =>
    t().anonymous.post('/api/v1/live/mediamtx-auth', {
      user: '',
      password: '',
      token: '',
      ip: '10.20.30.40',
      protocol: 'webrtc',
      id: 'c0ffee',
      query: '',
      ...body,
    });

  it('lets a path be read with its camera session token, in the query, as token or as password', async () => {
    const a = await watch(camA);
    expect(a.path).toMatch(new RegExp(`^cityops-${camA.id}-[0-9a-f]{12}$`));
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    for (const how of [
      { query: a.query },
      { token: a.token },
      { user: 'any', password: a.token },
    ]) {
      const res = await ask({ action: 'read', path: a.path, ...how });
      expect(res.statusCode, JSON.stringify(how)).toBe(200);
    }
    // Nothing at all (what RTSP clients send first): 401, so they send credentials.
    expect((await ask({ action: 'read', path: a.path })).statusCode).toBe(401);
    expect(
      (await ask({ action: 'read', path: a.path, query: 'token=' + 'x'.repeat(32) })).statusCode,
    ).toBe(401);
    // The token opens its own camera only, and only for reading.
    const b = await watch(camB);
    expect((await ask({ action: 'read', path: b.path, query: a.query })).statusCode).toBe(401);
    expect((await ask({ action: 'read', path: b.path, query: b.query })).statusCode).toBe(200);
    expect(
      (await ask({ action: 'read', path: 'some-other-path', query: a.query })).statusCode,
    ).toBe(401);
    expect((await ask({ action: 'publish', path: a.path, query: a.query })).statusCode).toBe(401);
    expect((await ask({ action: 'playback', path: a.path, query: a.query })).statusCode).toBe(401);
    // The token is stored only as a hash.
    const rows = await t().cityops.db.query<{ t: string }>(
      sql`SELECT row_to_json(s)::text AS t FROM camera_live_sessions s`,
    );
    expect(rows.map((r) => r.t).join('\n')).not.toContain(a.token);
  });

  it('refuses the token once the session has ended or expired', async () => {
    const ended = await watch(camA);
    expect((await ask({ action: 'read', path: ended.path, query: ended.query })).statusCode).toBe(
      200,
    );
    expect((await operator.delete(ended.sessionUrl)).statusCode).toBe(204);
    expect((await ask({ action: 'read', path: ended.path, query: ended.query })).statusCode).toBe(
      401,
    );

    const expired = await watch(camA);
    expect(
      (await ask({ action: 'read', path: expired.path, query: expired.query })).statusCode,
    ).toBe(200);
    // As seen by another process: the database says the session expired a second ago.
    await t().cityops.db.query(
      sql`UPDATE camera_live_sessions SET expires_at = now() - interval '1 second'
          WHERE ended_at IS NULL`,
    );
    expect(
      (await ask({ action: 'read', path: expired.path, query: expired.query })).statusCode,
    ).toBe(401);
  });

  it("allows publish, api and metrics with the gateway's credentials only", async () => {
    const gw = { user: 'gw-api', password: 'Gw-Api-Pw-77' };
    for (const action of ['publish', 'api', 'metrics']) {
      expect((await ask({ action, path: 'cityops-x', ...gw })).statusCode, action).toBe(200);
      expect((await ask({ action, ...gw, password: 'wrong' })).statusCode, action).toBe(401);
      expect((await ask({ action })).statusCode, action).toBe(401);
    }
    // A viewer token is no gateway credential.
    const a = await watch(camA);
    expect((await ask({ action: 'api', user: 'x', password: a.token })).statusCode).toBe(401);
    expect((await ask({ action: 'playback', ...gw })).statusCode).toBe(401);
    // A malformed body is refused with the field named, and allows nothing.
    const bad = await t().anonymous.post('/api/v1/live/mediamtx-auth', { path: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('action');
  });
});
