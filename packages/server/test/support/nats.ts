/**
 * NATS for the tests: whether a NATS with JetStream answers at
 * CITYOPS_TEST_NATS_URL (default nats://127.0.0.1:4222), and two CityOps
 * instances (as two processes) on one database, each with its own connection
 * to a NATS bus of the suite's own stream and subject.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { connect } from 'nats';
import { createLogger } from '../../src/core/logger.js';
import type { Db } from '../../src/core/db/db.js';
import { NatsBus } from '../../src/bus/nats.js';
import type { CityOps } from '../../src/main.js';
import { login, startCityOps } from '../events/harness.js';
import { ADMIN_PASSWORD, callerFor, createAdmin, type Caller } from './app.js';
import { openTestDb, type DbKind, type TestDb } from './db.js';

export const NATS_URL = process.env.CITYOPS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/**
 * Whether NATS answers at NATS_URL. When it does not and `skipped` names what
 * goes untested, says so on stdout, so that the skip is seen.
 */
export async function natsAvailable(skipped?: string): Promise<boolean> {
  const up = await connect({ servers: NATS_URL, timeout: 1000, maxReconnectAttempts: 0 })
    .then(async (nc) => {
      await nc.close();
      return true;
    })
    .catch(() => false);
  if (!up && skipped)
    process.stdout.write(`\n[cityops] no NATS at ${NATS_URL}: ${skipped} SKIPPED.\n`);
  return up;
}

export interface NatsNode {
  cityops: CityOps;
  /** The base URL it listens on. */
  url: string;
  bus: NatsBus;
  /** The administrator, signed in on this instance. */
  admin: Caller;
}

/**
 * Inside a suite: before it, instances A and B of CityOps listening on loopback,
 * on one database (through two pools on PostgreSQL; PGlite is one in-process
 * database), on a bus of stream CITYOPS_<NAME>_<suffix> and subject
 * cityops.<name>.<suffix>, with an administrator signed in on each; after it,
 * both closed and the stream deleted. Does nothing when NATS is not `up`.
 */
export function useTwoNodesOnNats(
  kind: DbKind,
  opts: { up: boolean; name: string },
): { suffix: string; nodes: () => [NatsNode, NatsNode] } {
  const suffix = randomBytes(4).toString('hex');
  const stream = `CITYOPS_${opts.name.toUpperCase()}_${suffix}`;
  const subject = `cityops.${opts.name}.${suffix}`;
  const email = `admin@${opts.name}-nats.test`;
  let testDb: TestDb | undefined;
  let secondDb: Db | undefined;
  const nodes: NatsNode[] = [];

  beforeAll(async () => {
    if (!opts.up) return;
    testDb = await openTestDb(kind);
    if (kind === 'postgres') {
      const { openPostgres } = await import('../../src/core/db/postgres.js');
      secondDb = await openPostgres({ url: testDb.url!, max: 5 });
    }
    const { cityops: setup } = await startCityOps(testDb.db);
    await createAdmin(setup, email);
    await setup.close();
    const log = createLogger('silent');
    for (const [name, db] of [
      ['A', testDb.db],
      ['B', secondDb ?? testDb.db],
    ] as const) {
      const bus = await NatsBus.connect({ url: NATS_URL, log, stream, subject, name });
      const { cityops, url } = await startCityOps(db, { listen: true, options: { bus } });
      const token = await login(cityops, email, ADMIN_PASSWORD);
      nodes.push({ cityops, url, bus, admin: callerFor(cityops, token) });
    }
  });

  afterAll(async () => {
    for (const n of nodes) {
      await n.cityops.close();
      await n.bus.close();
    }
    if (opts.up) {
      const nc = await connect({ servers: NATS_URL });
      const jsm = await nc.jetstreamManager();
      await jsm.streams.delete(stream).catch(() => undefined);
      await nc.close();
    }
    await secondDb?.close();
    await testDb?.drop();
  });

  return { suffix, nodes: () => nodes as [NatsNode, NatsNode] };
}
