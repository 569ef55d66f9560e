/**
 * Two CityOps instances (as two processes) on one database, each with its own
 * NATS connection: an event ingested through either reaches the stream clients
 * of both, in seq order, and a queue group across both handles each event once.
 * Needs NATS with JetStream (CITYOPS_TEST_NATS_URL, default nats://127.0.0.1:4222);
 * skipped, visibly, when there is none.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect } from 'nats';
import type { StoredEvent } from '@cityops/contracts';
import { describeEachDb, openTestDb, type TestDb } from '../support/db.js';
import { ADMIN_PASSWORD, callerFor } from '../support/app.js';
import { systemActor } from '../../src/core/auth/principal.js';
import { createLogger } from '../../src/core/logger.js';
import type { Db } from '../../src/core/db/db.js';
import { NatsBus, chunkMessages } from '../../src/bus/nats.js';
import type { CityOps } from '../../src/main.js';
import { login, startCityOps } from '../events/harness.js';
import {
  buildDevice,
  buildAsset,
  ingest,
  pickWards,
  type IngestAnswer,
} from '../events/factories.js';
import { subscribe } from '../stream/sse.js';

const NATS_URL = process.env.CITYOPS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const natsUp = await connect({ servers: NATS_URL, timeout: 1000, maxReconnectAttempts: 0 })
  .then(async (nc) => {
    await nc.close();
    return true;
  })
  .catch(() => false);
if (!natsUp)
  process.stdout.write(`\n[cityops] no NATS at ${NATS_URL}: the NATS bus tests are SKIPPED.\n`);

const log = createLogger('silent');

it('splits a large batch into messages under the size limit, in order', () => {
  const e = (seq: number): StoredEvent => ({
    seq,
    id: '0190f5a0-0000-7000-8000-000000000000',
    type: 'x',
    source: 'system',
    assetId: null,
    deviceId: null,
    deviceEventId: null,
    observedAt: '2026-01-01T00:00:00.000Z',
    receivedAt: '2026-01-01T00:00:00.000Z',
    data: { pad: 'x'.repeat(100) },
    adminUnit: null,
    agencyCode: null,
    assetType: null,
  });
  const parts = chunkMessages([1, 2, 3, 4, 5].map(e), 700);
  expect(parts.length).toBeGreaterThan(1);
  const seqs = parts.flatMap((p) =>
    (JSON.parse(new TextDecoder().decode(p.body)) as StoredEvent[]).map((x) => x.seq),
  );
  expect(seqs).toEqual([1, 2, 3, 4, 5]);
  expect(parts.every((p) => p.body.length <= 700)).toBe(true);
});

describeEachDb('NATS bus across two instances', (kind) => {
  const suffix = randomBytes(4).toString('hex');
  const stream = `CITYOPS_TEST_${suffix}`;
  const subject = `cityops.test.${suffix}`;
  let testDb: TestDb;
  let secondDb: Db | undefined;
  const nodes: Array<{ cityops: CityOps; url: string; bus: NatsBus; token: string }> = [];

  beforeAll(async () => {
    if (!natsUp) return;
    testDb = await openTestDb(kind);
    // Two processes share PostgreSQL through their own pools; PGlite is one in-process database.
    if (kind === 'postgres') {
      const { openPostgres } = await import('../../src/core/db/postgres.js');
      secondDb = await openPostgres({ url: testDb.url!, max: 5 });
    }
    await testDb.db
      .query({ text: 'SELECT 1', values: [], sql: '' } as never)
      .catch(() => undefined);
    const { cityops: first } = await startCityOps(testDb.db);
    await first.people.users.create(systemActor, {
      email: 'admin@nats.test',
      password: ADMIN_PASSWORD,
      name: 'Admin',
      role: 'administrator',
      units: [],
      agencies: [],
      locale: 'en',
    });
    await first.close();
    for (const [name, db] of [
      ['A', testDb.db],
      ['B', secondDb ?? testDb.db],
    ] as const) {
      const bus = await NatsBus.connect({ url: NATS_URL, log, stream, subject, name });
      const { cityops, url } = await startCityOps(db, { listen: true, options: { bus } });
      nodes.push({
        cityops,
        url,
        bus,
        token: await login(cityops, 'admin@nats.test', ADMIN_PASSWORD),
      });
    }
  });

  afterAll(async () => {
    for (const n of nodes) {
      await n.cityops.close();
      await n.bus.close();
    }
    if (natsUp) {
      const nc = await connect({ servers: NATS_URL });
      const jsm = await nc.jetstreamManager();
      await jsm.streams.delete(stream).catch(() => undefined);
      await nc.close();
    }
    await secondDb?.close();
    await testDb?.drop();
  });

  it.skipIf(!natsUp)(
    'delivers every event to the stream clients of both, and each queued event once',
    async () => {
      const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
      const handled: Array<{ node: string; seq: number }> = [];
      const group = `rules-${suffix}`;
      const stopA = await a.bus.subscribeQueue(group, (events) => {
        handled.push(...events.map((e) => ({ node: 'A', seq: e.seq })));
      });
      const stopB = await b.bus.subscribeQueue(group, (events) => {
        handled.push(...events.map((e) => ({ node: 'B', seq: e.seq })));
      });
      const auth = (t: string) => ({ authorization: `Bearer ${t}` });
      const onA = await subscribe(a.url, '/api/v1/stream?types=nats.*', auth(a.token));
      const onB = await subscribe(b.url, '/api/v1/stream?types=nats.*', auth(b.token));

      const [ward] = await pickWards(a.cityops.db, 1);
      const asset = await buildAsset(a.cityops.db, { ward: ward! });
      const device = await buildDevice(callerFor(a.cityops, a.token), asset.id);
      const seqs: number[] = [];
      await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const via = i % 3 === 0 ? b : a;
          const body = Array.from({ length: 10 }, (_, j) => ({
            type: 'nats.tick',
            data: { n: i * 10 + j },
          }));
          const res = await ingest(via.cityops, device.key, body);
          expect(res.statusCode).toBe(202);
          seqs.push(...res.json<IngestAnswer>().results.map((r) => r.seq));
        }),
      );
      const all = [...seqs].sort((x, y) => x - y);
      const maxSeq = all[all.length - 1]!;
      await onA.until((c) => c.events.some((e) => e.id === maxSeq));
      await onB.until((c) => c.events.some((e) => e.id === maxSeq));
      onA.close();
      onB.close();
      expect(onA.events.map((e) => e.id)).toEqual(all);
      expect(onB.events.map((e) => e.id)).toEqual(all);

      const deadline = Date.now() + 15_000;
      while (handled.length < all.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 500));
      stopA();
      stopB();
      // Each event once across both; how NATS shares the batches between A and B is its choice.
      expect(handled.map((h) => h.seq).sort((x, y) => x - y)).toEqual(all);
    },
  );
});
