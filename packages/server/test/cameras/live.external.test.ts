/**
 * The MediaMTX and go2rtc clients of live views. Neither gateway can be
 * installed here (no Debian package; their release binaries are downloads),
 * so each is a fake HTTP server on loopback that answers like the real API
 * and records the requests the client sends, which the tests check: the
 * paths and bodies of MediaMTX's v3 config API and go2rtc's streams API, the
 * camera's credentials going to the gateway only, API credentials sent as
 * Basic auth, waiting for MediaMTX to say the path is ready, one path shared
 * by a camera's viewers, removal after the idle time and on close, and a
 * gateway that does not answer or never gets ready.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { ExternalGateway } from '../../src/cameras/live/external.gateway.js';
import { GatewayUnavailableError } from '../../src/cameras/live/gateway.js';
import { waitFor } from '../support/rtsp-tools.js';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: string;
}

/** A loopback HTTP server answering with `handle`, recording what it gets. */
async function fakeServer(handle: (req: Seen) => { status: number; body?: unknown }) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const r: Seen = {
        method: req.method!,
        url: req.url!,
        auth: req.headers.authorization,
        body,
      };
      seen.push(r);
      const out = handle(r);
      res.writeHead(out.status, { 'content-type': 'application/json' });
      res.end(out.body === undefined ? '' : JSON.stringify(out.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    seen,
    port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const log = createLogger('silent');
const camera = {
  cameraId: 'c1',
  url: 'rtsp://10.0.0.7:554/Streaming/Channels/101',
  username: 'viewer',
  password: 's3cret:pw',
};

describe('MediaMTX client (fake MediaMTX API)', () => {
  let fake: Awaited<ReturnType<typeof fakeServer>>;
  const readyAfter = new Map<string, number>();
  beforeAll(async () => {
    fake = await fakeServer((r) => {
      if (r.auth !== `Basic ${Buffer.from('api:api-pw').toString('base64')}`)
        return { status: 401, body: { error: 'authentication error' } };
      const add = /^\/v3\/config\/paths\/add\/([\w-]+)$/.exec(r.url);
      if (r.method === 'POST' && add) {
        readyAfter.set(add[1]!, 2);
        return { status: 200 };
      }
      const get = /^\/v3\/paths\/get\/([\w-]+)$/.exec(r.url);
      if (r.method === 'GET' && get) {
        const left = readyAfter.get(get[1]!);
        if (left === undefined) return { status: 404, body: { error: 'path not found' } };
        if (get[1]!.includes('never')) return { status: 200, body: { ready: false } };
        readyAfter.set(get[1]!, left - 1);
        return { status: 200, body: { name: get[1], ready: left <= 1 } };
      }
      if (r.method === 'DELETE' && /^\/v3\/config\/paths\/delete\/[\w-]+$/.test(r.url))
        return { status: 200 };
      return { status: 404 };
    });
  });
  afterAll(() => fake.close());

  const gateway = (overrides: Partial<ConstructorParameters<typeof ExternalGateway>[1]> = {}) =>
    new ExternalGateway('mediamtx', {
      apiUrl: `http://api:api-pw@127.0.0.1:${fake.port}`,
      publicUrl: undefined,
      idleMs: 200,
      startMs: 3000,
      log,
      ...overrides,
    });

  it('adds a path pulling the camera (credentials to MediaMTX only), waits until ready, answers WHEP', async () => {
    const gw = gateway();
    const served = await gw.acquire(camera);
    const [name] = gw.names();
    expect(name).toMatch(/^cityops-c1-[0-9a-f]{12}$/);
    const add = fake.seen.find((r) => r.url === `/v3/config/paths/add/${name}`)!;
    expect(add.method).toBe('POST');
    expect(JSON.parse(add.body)).toEqual({
      source: 'rtsp://viewer:s3cret%3Apw@10.0.0.7:554/Streaming/Channels/101',
      sourceOnDemand: false,
      rtspTransport: 'tcp',
    });
    const polls = fake.seen.filter((r) => r.url === `/v3/paths/get/${name}`);
    expect(polls.length).toBe(2);
    expect(served.protocol).toBe('webrtc');
    // The viewer session's token rides in the query, for MediaMTX's authentication hook.
    const url = served.urlFor('session-token');
    expect(url).toBe(`http://127.0.0.1:8889/${name}/whep?token=session-token`);
    expect(url).not.toContain('s3cret');

    // A second viewer shares the path.
    const again = await gw.acquire(camera, 'hls');
    expect(gw.names()).toEqual([name]);
    expect(fake.seen.filter((r) => r.url.startsWith('/v3/config/paths/add/'))).toHaveLength(1);
    expect(again).toMatchObject({ protocol: 'hls' });
    expect(again.urlFor('x')).toBe(`http://127.0.0.1:8888/${name}/index.m3u8?token=x`);

    // The last viewer leaves: the path goes after the idle time.
    gw.release('c1');
    await waitFor(
      () =>
        fake.seen.some((r) => r.method === 'DELETE' && r.url === `/v3/config/paths/delete/${name}`),
      3000,
    );
    expect(gw.names()).toEqual([]);
    await gw.close();
  });

  it('uses the public URL for browsers and removes every path on close', async () => {
    const gw = gateway({ publicUrl: 'https://video.example.vn/webrtc' });
    const served = await gw.acquire({ ...camera, cameraId: 'c2' });
    const [name] = gw.names();
    expect(served.urlFor('t')).toBe(`https://video.example.vn/webrtc/${name}/whep?token=t`);
    await gw.close();
    expect(fake.seen.some((r) => r.url === `/v3/config/paths/delete/${name}`)).toBe(true);
  });

  it('is unavailable when the stream never gets ready, and removes the path', async () => {
    const gw = gateway({ startMs: 600 });
    const err = await gw.acquire({ ...camera, cameraId: 'never' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayUnavailableError);
    expect((err as Error).message).toMatch(/did not start/);
    await waitFor(
      () => fake.seen.some((r) => r.method === 'DELETE' && r.url.includes('cityops-never-')),
      2000,
    );
    expect(gw.names()).toEqual([]);
  });

  it('is unavailable when the API refuses (wrong API password) or does not answer', async () => {
    const wrong = gateway({ apiUrl: `http://api:nope@127.0.0.1:${fake.port}` });
    await expect(wrong.acquire({ ...camera, cameraId: 'c3' })).rejects.toThrow(
      /refused the camera/,
    );
    const down = await fakeServer(() => ({ status: 200 }));
    await down.close();
    const gone = gateway({ apiUrl: `http://127.0.0.1:${down.port}` });
    await expect(gone.acquire({ ...camera, cameraId: 'c4' })).rejects.toThrow(/does not answer/);
  });
});

describe('go2rtc client (fake go2rtc API)', () => {
  let fake: Awaited<ReturnType<typeof fakeServer>>;
  beforeAll(async () => {
    fake = await fakeServer((r) => {
      const u = new URL(r.url, 'http://x');
      if (u.pathname !== '/api/streams') return { status: 404 };
      if (r.method === 'PUT' && u.searchParams.get('name') && u.searchParams.get('src'))
        return { status: 200 };
      if (r.method === 'DELETE' && u.searchParams.get('src')) return { status: 200 };
      return { status: 400 };
    });
  });
  afterAll(() => fake.close());

  it('adds a stream (credentials to go2rtc only), answers its WebRTC or HLS URL, deletes it when idle', async () => {
    const gw = new ExternalGateway('go2rtc', {
      apiUrl: `http://127.0.0.1:${fake.port}/`,
      publicUrl: undefined,
      idleMs: 100,
      startMs: 3000,
      log,
    });
    const served = await gw.acquire(camera);
    const [name] = gw.names();
    const put = fake.seen.find((r) => r.method === 'PUT')!;
    const q = new URL(put.url, 'http://x').searchParams;
    expect(q.get('name')).toBe(name);
    expect(q.get('src')).toBe('rtsp://viewer:s3cret%3Apw@10.0.0.7:554/Streaming/Channels/101');
    expect(served.protocol).toBe('webrtc');
    expect(served.urlFor('t')).toBe(`http://127.0.0.1:${fake.port}/api/webrtc?src=${name}`);
    expect((await gw.acquire(camera, 'hls')).urlFor('t')).toBe(
      `http://127.0.0.1:${fake.port}/api/stream.m3u8?src=${name}`,
    );
    gw.release('c1');
    await waitFor(
      () => fake.seen.some((r) => r.method === 'DELETE' && r.url === `/api/streams?src=${name}`),
      3000,
    );
    await gw.close();
  });
});
