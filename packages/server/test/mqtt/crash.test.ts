/**
 * Nothing acknowledged is lost: `cityops serve` runs in a child process with
 * its embedded broker; devices stream QoS 1 events with their own ids; the
 * server is killed with SIGKILL mid-stream and started again on the same
 * data; the devices reconnect and resend what was not acknowledged. Every
 * acknowledged id is then stored, and none twice. PGlite always; PostgreSQL
 * when CITYOPS_TEST_DATABASE_URL is set.
 */
import { expect, it } from 'vitest';
import { describeEachDb } from '../support/db.js';
import { freePort, sleep } from './harness.js';
import { withCrashRun, type Device } from './serve.js';

const DEVICES = 4;

describeEachDb('MQTT: nothing acknowledged is lost when the server is killed', (kind) => {
  it('stores every acknowledged event exactly once across a SIGKILL and restart', async () => {
    const mqttPort = await freePort();
    const stream = (d: Device) => ({
      url: `mqtt://127.0.0.1:${mqttPort}`,
      username: d.id,
      password: d.key,
      ratePerSecond: 40,
      window: 20,
    });
    await withCrashRun(
      kind,
      { env: { CITYOPS_MQTT_PORT: String(mqttPort) }, devices: DEVICES, stream },
      async (run) => {
        const { streams } = run;
        const ackedTotal = () => streams.reduce((n, s) => n + s.acked.length, 0);
        const inFlight = () => streams.reduce((n, s) => n + s.outbox.size, 0);
        while (ackedTotal() < 150 || inFlight() === 0) await sleep(1);

        run.kill();
        const ackedBeforeKill = streams.map((s) => [...s.acked]);
        const unackedAtKill = inFlight();
        await sleep(500);

        await run.restart();
        await sleep(1500);
        await Promise.all(streams.map((s) => s.drain(60_000)));
        await run.stop();

        const { perDevice, repeated } = await run.stored();
        expect(repeated).toEqual([]);
        for (const [i, stored] of perDevice.entries()) {
          const acked = streams[i]!.acked;
          expect(acked.filter((id) => !stored.has(id))).toEqual([]);
          expect(ackedBeforeKill[i]!.every((id) => stored.has(id))).toBe(true);
          // Every event made was acknowledged in the end, and nothing else was stored.
          expect(acked).toHaveLength(streams[i]!.sent);
          expect(stored.size).toBe(acked.length);
        }
        expect(unackedAtKill).toBeGreaterThan(0);
        expect(streams.every((s) => s.reconnects > 0)).toBe(true);
      },
    );
  }, 180_000);
});
