/**
 * Two CityOps instances (as two processes) on one database with the NATS bus:
 * their rules engines share the queue group, so each event is evaluated once
 * across both, one alert opens for a rule and asset whichever instance takes
 * the events, and its change reaches the stream clients of both instances.
 * Needs NATS with JetStream (CITYOPS_TEST_NATS_URL, default
 * nats://127.0.0.1:4222); skipped, visibly, when there is none.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect } from 'nats';
import { describeEachDb, openTestDb, type TestDb } from '../support/db.js';
import { ADMIN_PASSWORD, callerFor, type Caller } from '../support/app.js';
import { systemActor } from '../../src/core/auth/principal.js';
import { createLogger } from '../../src/core/logger.js';
import { sql } from '../../src/core/db/sql.js';
import type { Db } from '../../src/core/db/db.js';
import { NatsBus } from '../../src/bus/nats.js';
import type { CityOps } from '../../src/main.js';
import { login, startCityOps } from '../events/harness.js';
import { buildAsset, buildDevice, ingest, pickWards } from '../events/factories.js';
import { subscribe } from '../stream/sse.js';
import { createRule, eventually, listAlerts } from './harness.js';

const NATS_URL = process.env.CITYOPS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const natsUp = await connect({ servers: NATS_URL, timeout: 1000, maxReconnectAttempts: 0 })
  .then(async (nc) => {
    await nc.close();
    return true;
  })
  .catch(() => false);
if (!natsUp)
  process.stdout.write(`\n[cityops] no NATS at ${NATS_URL}: the NATS alert tests are SKIPPED.\n`);

const log = createLogger('silent');

describeEachDb('alerts across two instances on NATS', (kind) => {
  const suffix = randomBytes(4).toString('hex');
  const stream = `CITYOPS_ALERTS_${suffix}`;
  let testDb: TestDb;
  let secondDb: Db | undefined;
  const nodes: Array<{ cityops: CityOps; url: string; bus: NatsBus; admin: Caller }> = [];

  beforeAll(async () => {
    if (!natsUp) return;
    testDb = await openTestDb(kind);
    if (kind === 'postgres') {
      const { openPostgres } = await import('../../src/core/db/postgres.js');
      secondDb = await openPostgres({ url: testDb.url!, max: 5 });
    }
    const { cityops: setup } = await startCityOps(testDb.db);
    await setup.people.users.create(systemActor, {
      email: 'admin@alerts-nats.test',
      password: ADMIN_PASSWORD,
      name: 'Admin',
      role: 'administrator',
      units: [],
      agencies: [],
      locale: 'en',
    });
    await setup.close();
    for (const [name, db] of [
      ['A', testDb.db],
      ['B', secondDb ?? testDb.db],
    ] as const) {
      const bus = await NatsBus.connect({
        url: NATS_URL,
        log,
        stream,
        subject: `cityops.alerts.${suffix}`,
        name,
      });
      const { cityops, url } = await startCityOps(db, { listen: true, options: { bus } });
      const token = await login(cityops, 'admin@alerts-nats.test', ADMIN_PASSWORD);
      nodes.push({ cityops, url, bus, admin: callerFor(cityops, token) });
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
    'evaluates each event once across both and streams the alert to both',
    async () => {
      const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
      const [ward] = await pickWards(a.cityops.db, 1);
      const asset = await buildAsset(a.cityops.db, { ward: ward! });
      const device = await buildDevice(a.admin, asset.id);
      const rule = await createRule(a.admin, {
        name: 'Vibration',
        severity: 'warning',
        kind: 'match',
        eventType: 'vibration.high',
        assetId: asset.id,
      });
      const auth = (c: Caller) => ({ authorization: `Bearer ${c.token}` });
      const onA = await subscribe(a.url, '/api/v1/stream?types=alert.*', auth(a.admin));
      const onB = await subscribe(b.url, '/api/v1/stream?types=alert.*', auth(b.admin));
      const start = await a.cityops.events.service.lastSeq();
      const before = a.cityops.alerts.engine.evaluated + b.cityops.alerts.engine.evaluated;

      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          ingest((i % 2 ? b : a).cityops, device.key, { type: 'vibration.high', data: { n: i } }),
        ),
      );
      await onA.until((c) => c.events.some((e) => e.event === 'alert'));
      await onB.until((c) => c.events.some((e) => e.event === 'alert'));
      onA.close();
      onB.close();

      const stored = async () => {
        const [r] = await a.cityops.db.query<{ n: number }>(
          sql`SELECT count(*)::int AS n FROM events WHERE seq > ${start}`,
        );
        return r!.n;
      };
      await eventually(async () => {
        const evaluated =
          a.cityops.alerts.engine.evaluated + b.cityops.alerts.engine.evaluated - before;
        expect(evaluated).toBe(await stored());
      }, 15_000);
      const alerts = await listAlerts(a.admin, `rule=${rule.id}`);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.status).toBe('open');
      expect(alerts[0]!.count).toBeGreaterThanOrEqual(1);
      expect(alerts[0]!.count).toBeLessThanOrEqual(30);
    },
  );
});
