/**
 * How the server hands out the browser apps (in-process, with a small stand-in
 * build): cache headers, precompressed files, page fallbacks that never hide
 * the API's JSON 404, and a clear page when the apps are not built.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/core/http/app.js';
import { Metrics } from '../../src/core/metrics.js';
import { webModule } from '../../src/web/index.js';
import { testConfig } from '../support/app.js';

async function appServing(distDir: string, env: Record<string, string> = {}): Promise<App> {
  const web = webModule({ config: testConfig(env) }, { distDir });
  const app = await buildApp({
    logger: false,
    bodyLimit: 1_048_576,
    authenticate: () => Promise.resolve(null),
    metrics: new Metrics({ defaultMetrics: false }),
    readiness: [],
    routes: [web.module.routes!],
    version: 'test',
  });
  await app.ready();
  return app;
}

const html = { accept: 'text/html,application/xhtml+xml' };

describe('web apps served from a build', () => {
  let dir: string;
  let app: App;
  const script = 'console.log("console app");'.repeat(100);

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cityops-web-'));
    const write = async (file: string, body: string | Buffer) => {
      await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await fs.writeFile(path.join(dir, file), body);
    };
    await write('console/index.html', '<!doctype html><title>console</title>');
    await write('citizen/index.html', '<!doctype html><title>citizen</title>');
    await write('citizen/sw.js', 'self.addEventListener("fetch", () => {});');
    await write('assets/console-abc123.js', script);
    await write('assets/console-abc123.js.gz', gzipSync(script));
    app = await appServing(dir, { CITYOPS_BASEMAP_URL: 'https://tiles.example/{z}/{x}/{y}.png' });
  });
  afterAll(async () => {
    await app?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('answers the console at / and on its page paths, never cached', async () => {
    for (const url of ['/', '/map', '/admin-units?level=commune']) {
      const res = await app.inject({ url, headers: html });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<title>console</title>');
    }
    // `/` is the console whatever the client accepts.
    expect((await app.inject({ url: '/' })).body).toContain('<title>console</title>');
  });

  it('answers the citizen app under /citizen/', async () => {
    expect((await app.inject({ url: '/citizen/', headers: html })).body).toContain('citizen');
    expect((await app.inject({ url: '/citizen/map', headers: html })).body).toContain('citizen');
    const bare = await app.inject({ url: '/citizen', headers: html });
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe('/citizen/');
    const sw = await app.inject({ url: '/citizen/sw.js' });
    expect(sw.headers['cache-control']).toBe('no-cache');
  });

  it('caches hashed files for a year and sends the precompressed copy', async () => {
    const res = await app.inject({
      url: '/assets/console-abc123.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-type']).toContain('javascript');
  });

  it('keeps the JSON 404 for the API and for files that do not exist', async () => {
    for (const url of ['/api/v1/no-such-thing', '/api/nothing', '/open311/v2/nothing.json']) {
      const res = await app.inject({ url, headers: html });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const missing = await app.inject({ url: '/assets/gone-123.js', headers: html });
    expect(missing.statusCode).toBe(404);
    const notPage = await app.inject({
      url: '/somewhere',
      headers: { accept: 'application/json' },
    });
    expect(notPage.statusCode).toBe(404);
    expect(notPage.headers['content-type']).toContain('application/problem+json');
  });

  it('does not serve files outside the build', async () => {
    for (const url of ['/../package.json', '/assets/..%2f..%2fpackage.json', '/%2e%2e/x']) {
      const res = await app.inject({ url, headers: html });
      expect(res.body, url).not.toContain('"name"');
    }
  });

  it('gives the browser apps their settings without signing in', async () => {
    const res = await app.inject({ url: '/api/v1/ui-config' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      basemapUrl: 'https://tiles.example/{z}/{x}/{y}.png',
      timezone: 'Asia/Ho_Chi_Minh',
    });
  });
});

describe('web apps not built', () => {
  let app: App;
  beforeAll(async () => {
    app = await appServing(path.join(os.tmpdir(), 'cityops-no-such-build'));
  });
  afterAll(async () => app?.close());

  it('says how to build them instead of failing', async () => {
    const res = await app.inject({ url: '/', headers: html });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('npm run build');
    const api = await app.inject({ url: '/api/v1/nothing', headers: html });
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect((await app.inject({ url: '/api/v1/ui-config' })).json()).toEqual({
      basemapUrl: null,
      timezone: 'Asia/Ho_Chi_Minh',
    });
  });
});
