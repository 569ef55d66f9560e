/** The HTTP conventions every route shares: health, problems, limits, OpenAPI, access declarations. */
import { describe, expect, it } from 'vitest';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import { compileAllSerializers } from '../../src/core/http/serializer.js';

describeEachDb('HTTP conventions', (kind) => {
  const t = useTestCityOps(kind);

  it('answers /healthz and /readyz', async () => {
    const { anonymous } = t();
    expect((await anonymous.get('/healthz')).statusCode).toBe(200);
    const ready = await anonymous.get('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok' } });
  });

  it('serves Prometheus metrics with HTTP timings', async () => {
    const { anonymous } = t();
    await anonymous.get('/healthz');
    const res = await anonymous.get('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('cityops_http_request_duration_seconds_bucket');
    expect(res.body).toContain('cityops_process_resident_memory_bytes');
  });

  it('compiles the response schema of every route (each is otherwise compiled at its first answer)', async () => {
    const { anonymous } = t();
    // A schema that does not compile throws here; the few routes called so far are compiled already.
    const n = compileAllSerializers();
    expect(n).toBeGreaterThan(100);
    expect(compileAllSerializers()).toBe(0);
    expect((await anonymous.get('/healthz')).statusCode).toBe(200);
  });

  it('gives every response a request id, echoing a sane one', async () => {
    const { cityops } = t();
    const res = await cityops.app.inject({
      url: '/healthz',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(res.headers['x-request-id']).toBe('abc-123');
    const other = await cityops.app.inject({
      url: '/healthz',
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(other.headers['x-request-id']).not.toBe('bad id with spaces');
  });

  it('answers unknown routes with problem+json 404', async () => {
    const res = await t().admin.get('/api/v1/no-such-thing');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 404, title: 'Not found' });
  });

  it('refuses malformed JSON with a 400 problem and changes nothing', async () => {
    const { admin } = t();
    const before = (await admin.get('/api/v1/users?limit=1000')).json<{ items: unknown[] }>().items
      .length;
    const res = await admin.request('POST', '/api/v1/users', '{"email": "x@y.z", ', {
      'content-type': 'application/json',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ status: 400, title: 'Malformed request' });
    expect(
      (await admin.get('/api/v1/users?limit=1000')).json<{ items: unknown[] }>().items.length,
    ).toBe(before);
  });

  it('names each bad field in a validation problem', async () => {
    const res = await t().admin.post('/api/v1/users', {
      email: 'not-an-email',
      password: 'short',
      role: 'king',
      name: '',
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ errors: Array<{ path: string; message: string }> }>();
    const paths = body.errors.map((e) => e.path).sort();
    expect(paths).toEqual(['email', 'name', 'password', 'role']);
  });

  it('refuses unknown query parameters on lists', async () => {
    const res = await t().admin.get('/api/v1/users?colour=blue');
    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('colour');
  });

  it('caps list limits at 1,000', async () => {
    const res = await t().admin.get('/api/v1/users?limit=5000');
    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('limit');
  });

  it('refuses bodies over the size limit with 413', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) });
    const res = await t().admin.request('POST', '/api/v1/agencies', big, {
      'content-type': 'application/json',
    });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('publishes an OpenAPI 3.1 document and the docs page', async () => {
    const { anonymous } = t();
    const doc = (await anonymous.get('/api/v1/openapi.json')).json<{
      openapi: string;
      paths: Record<string, unknown>;
    }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/v1/admin-units');
    expect(Object.keys(doc.paths)).toContain('/api/v1/auth/login');
    const docs = await anonymous.get('/api/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });
});

describe('route access declarations', () => {
  it('refuses to build an app with an API route that does not declare its access', async () => {
    const { buildApp } = await import('../../src/core/http/app.js');
    const { Metrics } = await import('../../src/core/metrics.js');
    await expect(
      buildApp({
        logger: false,
        bodyLimit: 1000,
        authenticate: () => Promise.resolve(null),
        metrics: new Metrics({ defaultMetrics: false }),
        readiness: [],
        version: 'test',
        routes: [(app) => void app.get('/api/v1/open', () => 'x')],
      }),
    ).rejects.toThrow(/does not declare its access/);
  });
});
