/**
 * Nothing is lost through an external broker either: `cityops serve`
 * subscribes to a private Mosquitto; devices stream QoS 1 events with their
 * own ids to Mosquitto; CityOps is killed with SIGKILL mid-stream while the
 * devices go on, and started again under the same client ids. The messages
 * it had taken but not acknowledged come again (and are stored once), those
 * published while it was down were queued in its sessions: every event the
 * broker acknowledged is stored exactly once. PGlite always; PostgreSQL when
 * CITYOPS_TEST_DATABASE_URL is set. Skipped, visibly, without `mosquitto`.
 */
import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { sql } from '../../src/core/db/sql.js';
import { openDatabase } from '../../src/core/db/open.js';
import type { Db } from '../../src/core/db/db.js';
import { eventsTopic } from '../../src/mqtt/topics.js';
import { describeEachDb, openTestDb } from '../support/db.js';
import { templateDataDir } from '../support/cli.js';
import { freePort, mosquittoBinary, sleep, until, useMosquitto } from './harness.js';
import { DeviceStream } from './publisher.js';
import { countEvents, createDevices, serveChild, type Served } from './serve.js';

const bin = mosquittoBinary();
const DEVICES = 4;

if (!bin) {
  process.stdout.write(
    '\n[cityops] no mosquitto binary: the external broker crash test is SKIPPED.\n',
  );
}

describe.skipIf(!bin)('MQTT through Mosquitto', () => {
  describeEachDb('nothing acknowledged is lost when CityOps is killed', (kind) => {
    const mosquitto = useMosquitto(bin ?? 'mosquitto');

    it('stores every event the broker acknowledged exactly once across a SIGKILL and restart', async () => {
      const testDb = kind === 'postgres' ? await openTestDb('postgres') : undefined;
      const dataDir = await templateDataDir();
      const env: Record<string, string> = {
        CITYOPS_DATA_DIR: dataDir,
        CITYOPS_PORT: String(await freePort()),
        CITYOPS_MQTT_URL: `${mosquitto().url}?clientId=crash-${kind}`,
        ...(testDb?.url ? { CITYOPS_DATABASE_URL: testDb.url } : {}),
      };
      let server: Served | undefined = await serveChild(env);
      const streams: DeviceStream[] = [];
      try {
        const devices = await createDevices(server.url, DEVICES);
        for (const [i, d] of devices.entries()) {
          streams.push(
            new DeviceStream({
              url: mosquitto().url,
              topic: eventsTopic(d.id),
              ratePerSecond: 20,
              window: 20,
              prefix: `d${i}`,
            }),
          );
        }
        const ackedTotal = () => streams.reduce((n, s) => n + s.acked.length, 0);
        while (ackedTotal() < 100) await sleep(5);
        server.kill();
        const ackedAtKill = ackedTotal();
        await sleep(1000);
        // The devices went on publishing to the broker while CityOps was down.
        expect(ackedTotal()).toBeGreaterThan(ackedAtKill + 20);

        server = await serveChild(env);
        await sleep(1000);
        await Promise.all(streams.map((s) => s.drain(60_000)));
        const base = server.url;
        const assets = devices.map((d) => d.assetId);
        await until(async () => (await countEvents(base, assets)) >= ackedTotal(), 60_000);
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
            expect(streams[i]!.acked.filter((id) => !stored.has(id))).toEqual([]);
            expect(stored.size).toBe(streams[i]!.acked.length);
          }
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
});
