/**
 * Two real `cityops serve` processes, each with its own HTTP port, on one
 * PostgreSQL database and one NATS JetStream (CITYOPS_NATS_URL): an event
 * ingested over HTTP through either reaches the live-stream clients of both,
 * in seq order; and a rule that fires on every event runs once per event
 * across both (the rules engines share a queue group), so N events on N
 * assets open exactly N alerts, none twice, and each alert change reaches
 * both streams once.
 *
 * Needs NATS with JetStream (CITYOPS_TEST_NATS_URL, default
 * nats://127.0.0.1:4222) and PostgreSQL (CITYOPS_TEST_DATABASE_URL); skipped,
 * visibly, without either. The processes use CityOps' default JetStream stream
 * and rules group (the settings offer no others), so the test gives its events
 * a type of its own: events left in the stream by other runs match no rule here.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connect } from 'nats';
import { sql } from '../../src/core/db/sql.js';
import { openTestDb, postgresEnabled } from '../support/db.js';
import { NATS_URL, natsAvailable } from '../support/nats.js';
import { buildAsset } from '../assets/factories.js';
import { freePort } from '../mqtt/harness.js';
import { serveChild, type Served } from '../mqtt/serve.js';
import { subscribe, type SseConnection, type SseEvent } from '../stream/sse.js';

const natsUp = await natsAvailable();
const pgUp = postgresEnabled();
const skipped = !natsUp
  ? `no NATS at ${NATS_URL}`
  : !pgUp
    ? 'CITYOPS_TEST_DATABASE_URL is not set'
    : null;
if (skipped) {
  process.stdout.write(
    `\n[cityops] ${skipped}: the two-process test (two cityops serve on NATS) is SKIPPED.\n`,
  );
}

const ADMIN = { email: 'two.process@test.local', password: 'two-process-password' };
/** Events and alerts on this many assets, half ingested through each process. */
const ASSETS = 12;

async function call<T>(base: string, token: string, method: string, url: string, body?: unknown) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return { status: res.status, body: JSON.parse(text) as T };
}

async function signIn(base: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (!res.ok) throw new Error(`sign-in: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** The frames of a stream of the given kind (`event` or `alert`). */
function framesOf(c: SseConnection, kind: string): SseEvent[] {
  return c.events.filter((e) => e.event === kind);
}

describe('two cityops serve processes on one database and NATS', () => {
  it.skipIf(skipped !== null)(
    'streams every event to both and runs each rule once per event across both',
    async () => {
      const type = `twoproc.r${randomBytes(4).toString('hex')}`;
      const testDb = await openTestDb('postgres');
      const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cityops-two-'));
      const servers: Served[] = [];
      const streams: SseConnection[] = [];
      const closers: Array<() => Promise<void>> = [];
      const env = async (): Promise<Record<string, string>> => ({
        CITYOPS_DATABASE_URL: testDb.url!,
        CITYOPS_NATS_URL: NATS_URL,
        CITYOPS_PORT: String(await freePort()),
        CITYOPS_MQTT_PORT: '0',
        CITYOPS_DATA_DIR: dataDir,
        CITYOPS_ADMIN_EMAIL: ADMIN.email,
        CITYOPS_ADMIN_PASSWORD: ADMIN.password,
      });
      try {
        // A first: it makes the administrator; the rule exists before B starts, so
        // B's engine loads it with its first batch (no wait for its refresh).
        const a = await serveChild(await env());
        servers.push(a);
        const tokenA = await signIn(a.url);
        const { body: rule } = await call<{ id: string }>(
          a.url,
          tokenA,
          'POST',
          '/api/v1/alert-rules',
          { name: 'Mỗi sự kiện', severity: 'warning', kind: 'match', eventType: type },
        );
        const b = await serveChild(await env());
        servers.push(b);
        const tokenB = await signIn(b.url);

        const devices: Array<{ assetId: string; key: string }> = [];
        for (let i = 0; i < ASSETS; i++) {
          const via = i % 2 ? b : a;
          const token = i % 2 ? tokenB : tokenA;
          const { body: asset } = await call<{ id: string }>(
            via.url,
            token,
            'POST',
            '/api/v1/assets',
            buildAsset(),
          );
          const { body: device } = await call<{ key: string }>(
            via.url,
            token,
            'POST',
            '/api/v1/devices',
            { assetId: asset.id },
          );
          devices.push({ assetId: asset.id, key: device.key });
        }

        // What goes over NATS (a plain subscriber to CityOps' subject), and what the
        // processes say: the stream must not have to fall back to reading the store.
        const nc = await connect({ servers: NATS_URL });
        closers.push(() => nc.close());
        const onNats = new Set<number>();
        const sub = nc.subscribe('cityops.events.>');
        void (async () => {
          for await (const m of sub) {
            for (const e of m.json<Array<{ seq: number; type: string }>>()) {
              if (e.type === type) onNats.add(e.seq);
            }
          }
        })();
        await nc.flush();
        let output = '';
        for (const s of servers) {
          for (const out of [s.child.stdout!, s.child.stderr!]) {
            out.on('data', (d: Buffer) => (output += d.toString()));
          }
        }

        const query = `/api/v1/stream?types=${type},alert.*`;
        const onA = await subscribe(a.url, query, { authorization: `Bearer ${tokenA}` });
        const onB = await subscribe(b.url, query, { authorization: `Bearer ${tokenB}` });
        streams.push(onA, onB);

        // One event per asset, alternately through A and B, all at once.
        const seqs = await Promise.all(
          devices.map(async (d, i) => {
            const res = await fetch(`${(i % 2 ? b : a).url}/api/v1/ingest`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${d.key}` },
              body: JSON.stringify({ id: `e${i}`, type, data: { n: i } }),
            });
            expect(res.status).toBe(202);
            return ((await res.json()) as { results: Array<{ seq: number }> }).results[0]!.seq;
          }),
        );
        const expected = [...seqs].sort((x, y) => x - y);

        const complete = (c: SseConnection) =>
          framesOf(c, 'event').length >= ASSETS && framesOf(c, 'alert').length >= ASSETS;
        await onA.until(complete, 45_000);
        await onB.until(complete, 45_000);
        // Time for a duplicate evaluation, if there were one, to show.
        await new Promise((r) => setTimeout(r, 1500));

        for (const [name, c] of [
          ['A', onA],
          ['B', onB],
        ] as const) {
          const events = framesOf(c, 'event');
          expect(
            events.map((e) => e.data.seq),
            `events on ${name}`,
          ).toEqual(expected);
          expect(events.every((e) => e.data.type === type)).toBe(true);
          const alerts = framesOf(c, 'alert');
          expect(
            alerts.map((e) => e.data.type),
            `alert changes on ${name}`,
          ).toEqual(Array<string>(ASSETS).fill('alert.opened'));
          expect(new Set(alerts.map((e) => e.data.assetId)).size).toBe(ASSETS);
          // The whole stream, events and alert changes, in seq order.
          const ids = c.events.map((e) => e.id);
          expect(ids).toEqual([...ids].sort((x, y) => x - y));
        }
        // The events crossed over NATS, fast enough that no stream had to read the store.
        expect([...onNats].sort((x, y) => x - y)).toEqual(expected);
        expect(output).not.toMatch(/missed by the bus/);
        // Both streams carry the same alert changes (one stored event each).
        expect(framesOf(onA, 'alert').map((e) => e.id)).toEqual(
          framesOf(onB, 'alert').map((e) => e.id),
        );

        // One alert per asset, each fired once: a second evaluation would count 2.
        const { body: list } = await call<{
          items: Array<{ assetId: string; ruleId: string; count: number }>;
        }>(b.url, tokenB, 'GET', `/api/v1/alerts?rule=${rule.id}&limit=1000`);
        expect(list.items).toHaveLength(ASSETS);
        expect(new Set(list.items.map((x) => x.assetId))).toEqual(
          new Set(devices.map((d) => d.assetId)),
        );
        expect(list.items.map((x) => x.count)).toEqual(Array<number>(ASSETS).fill(1));
        const [stored] = await testDb.db.query<{ n: number }>(
          sql`SELECT count(*)::int AS n FROM events WHERE type = 'alert.opened' AND data->>'ruleId' = ${rule.id}`,
        );
        expect(stored!.n).toBe(ASSETS);
      } finally {
        for (const s of streams) s.close();
        for (const close of closers) await close().catch(() => undefined);
        await Promise.all(servers.map((s) => s.stop()));
        await testDb.drop();
        await fs.rm(dataDir, { recursive: true, force: true });
      }
    },
    150_000,
  );
});
