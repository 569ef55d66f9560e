/**
 * Nothing acknowledged is lost: `cityops serve` runs in a child process with
 * its embedded broker; devices stream QoS 1 events with their own ids; the
 * server is killed with SIGKILL mid-stream and started again on the same
 * data; the devices reconnect and resend what was not acknowledged. Every
 * acknowledged id is then stored, and none twice. PGlite always; PostgreSQL
 * when CITYOPS_TEST_DATABASE_URL is set.
 */
import fs from 'node:fs/promises';
import { expect, it } from 'vitest';
import { sql } from '../../src/core/db/sql.js';
import { openDatabase } from '../../src/core/db/open.js';
import type { Db } from '../../src/core/db/db.js';
import { eventsTopic } from '../../src/mqtt/topics.js';
import { describeEachDb, openTestDb } from '../support/db.js';
import { templateDataDir } from '../support/cli.js';
import { freePort, sleep } from './harness.js';
import { DeviceStream } from './publisher.js';
import { createDevices, serveChild, type Served } from './serve.js';

const DEVICES = 4;

describeEachDb('MQTT: nothing acknowledged is lost when the server is killed', (kind) => {
  it('stores every acknowledged event exactly once across a SIGKILL and restart', async () => {
    const testDb = kind === 'postgres' ? await openTestDb('postgres') : undefined;
    const dataDir = await templateDataDir();
    const env: Record<string, string> = {
      CITYOPS_DATA_DIR: dataDir,
      CITYOPS_PORT: String(await freePort()),
      CITYOPS_MQTT_PORT: String(await freePort()),
      ...(testDb?.url ? { CITYOPS_DATABASE_URL: testDb.url } : {}),
    };
    let server: Served | undefined = await serveChild(env);
    const streams: DeviceStream[] = [];
    try {
      const devices = await createDevices(server.url, DEVICES);
      for (const [i, d] of devices.entries()) {
        streams.push(
          new DeviceStream({
            url: `mqtt://127.0.0.1:${env.CITYOPS_MQTT_PORT}`,
            topic: eventsTopic(d.id),
            username: d.id,
            password: d.key,
            ratePerSecond: 40,
            window: 20,
            prefix: `d${i}`,
          }),
        );
      }
      const ackedTotal = () => streams.reduce((n, s) => n + s.acked.length, 0);
      const inFlight = () => streams.reduce((n, s) => n + s.outbox.size, 0);
      while (ackedTotal() < 150 || inFlight() === 0) await sleep(1);

      server.kill();
      const ackedBeforeKill = streams.map((s) => [...s.acked]);
      const unackedAtKill = inFlight();
      await sleep(500);

      server = await serveChild(env);
      await sleep(1500);
      await Promise.all(streams.map((s) => s.drain(60_000)));
      await server.stop();
      server = undefined;

      const db: Db = testDb?.db ?? (await openDatabase({ dataDir, databaseUrl: undefined }));
      try {
        const repeated = await db.query(sql`
          SELECT device_id, device_event_id, count(*) AS n FROM events
          WHERE source = 'mqtt' GROUP BY device_id, device_event_id HAVING count(*) > 1`);
        expect(repeated).toEqual([]);
        const rows = await db.query<{ device_id: string; device_event_id: string }>(
          sql`SELECT device_id, device_event_id FROM events WHERE source = 'mqtt'`,
        );
        for (const [i, d] of devices.entries()) {
          const stored = new Set(
            rows.filter((r) => r.device_id === d.id).map((r) => r.device_event_id),
          );
          const acked = streams[i]!.acked;
          expect(acked.filter((id) => !stored.has(id))).toEqual([]);
          expect(ackedBeforeKill[i]!.every((id) => stored.has(id))).toBe(true);
          // Every event made was acknowledged in the end, and nothing else was stored.
          expect(acked).toHaveLength(streams[i]!.sent);
          expect(stored.size).toBe(acked.length);
        }
        expect(unackedAtKill).toBeGreaterThan(0);
        expect(streams.every((s) => s.reconnects > 0)).toBe(true);
      } finally {
        if (!testDb) await db.close();
      }
    } finally {
      server?.kill();
      await Promise.all(streams.map((s) => s.close()));
      await testDb?.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
