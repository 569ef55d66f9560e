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
import { describe, expect, it } from 'vitest';
import { describeEachDb } from '../support/db.js';
import { mosquittoBinary, sleep, until, useMosquitto } from './harness.js';
import { countEvents, withCrashRun } from './serve.js';

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
      const env = { CITYOPS_MQTT_URL: `${mosquitto().url}?clientId=crash-${kind}` };
      const stream = () => ({ url: mosquitto().url, ratePerSecond: 20, window: 20 });
      await withCrashRun(kind, { env, devices: DEVICES, stream }, async (run) => {
        const { streams } = run;
        const ackedTotal = () => streams.reduce((n, s) => n + s.acked.length, 0);
        while (ackedTotal() < 100) await sleep(5);
        run.kill();
        const ackedAtKill = ackedTotal();
        await sleep(1000);
        // The devices went on publishing to the broker while CityOps was down.
        expect(ackedTotal()).toBeGreaterThan(ackedAtKill + 20);

        await run.restart();
        await sleep(1000);
        await Promise.all(streams.map((s) => s.drain(60_000)));
        const base = run.server().url;
        const assets = run.devices.map((d) => d.assetId);
        await until(async () => (await countEvents(base, assets)) >= ackedTotal(), 60_000);
        await run.stop();

        const { perDevice, repeated } = await run.stored();
        expect(repeated).toEqual([]);
        for (const [i, stored] of perDevice.entries()) {
          expect(streams[i]!.acked.filter((id) => !stored.has(id))).toEqual([]);
          expect(stored.size).toBe(streams[i]!.acked.length);
        }
      });
    }, 180_000);
  });
});
