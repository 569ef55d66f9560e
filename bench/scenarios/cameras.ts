/**
 * Camera health at the demo's scale: 409 simulated cameras (RTSP with Digest,
 * snapshot with Digest, ONVIF), 5% of them silent (TCP accepted, nothing
 * answered, so each check waits out its deadline). A full health round must
 * finish in at most 60 s using at most one core. Measured: the time of a
 * round when every status changes (first probe: events, statuses, audit) and
 * of a steady round, with CityOps's CPU seconds in each; the cameras run in a
 * process of their own and their CPU is shown apart.
 */
import { median, type Figure, type Scenario } from '../harness.js';
import { freshDb } from '../support.js';
import { BenchChild } from '../lib/child.js';
import { loadConfig } from '../../packages/server/src/core/config.js';
import { createCityOps } from '../../packages/server/src/main.js';
import { systemActor } from '../../packages/server/src/core/auth/principal.js';
import type { AssetCreateInput } from '../../packages/contracts/src/index.js';

const CAMERAS = 409;
const SILENT_SHARE = 0.05;

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export const camerasScenario: Scenario = {
  name: 'cameras',
  description: `camera health round: ${CAMERAS} simulated cameras, 5% silent (target ≤ 60 s, ≤ 1 core)`,
  async run(ctx) {
    const timeoutMs = 5000;
    const concurrency = 32;
    const fleet = BenchChild.start('camera-fleet.ts', 'camera fleet');
    const b = await freshDb('pglite');
    try {
      const ready = await fleet.next<{
        type: string;
        ports: { rtsp: number; http: number; silent: number };
        user: string;
        password: string;
      }>('ready');
      const config = loadConfig({
        CITYOPS_PORT: '0',
        CITYOPS_MQTT_PORT: '0',
        CITYOPS_LOG_LEVEL: 'silent',
        CITYOPS_CAMERA_PROBE_SECONDS: '0',
        CITYOPS_CAMERA_PROBE_CONCURRENCY: String(concurrency),
        CITYOPS_CAMERA_PROBE_TIMEOUT_MS: String(timeoutMs),
        CITYOPS_SECRET_KEY: Buffer.alloc(32, 9).toString('base64'),
      });
      const cityops = await createCityOps({ config, db: b.db, log: false });
      try {
        const silentCount = Math.round(CAMERAS * SILENT_SHARE);
        const { rtsp, http, silent } = ready.ports;
        const items: AssetCreateInput[] = Array.from({ length: CAMERAS }, (_, i) => {
          const port = i < silentCount ? silent : undefined;
          return {
            type: 'camera',
            code: `BENCH-CAM-${i}`,
            name: `Bench camera ${i}`,
            geometry: {
              type: 'Point',
              coordinates: [105.8 + (i % 40) * 0.002, 21.55 + Math.floor(i / 40) * 0.002],
            },
            properties: {
              streamUrl: `rtsp://127.0.0.1:${port ?? rtsp}/cam${i}`,
              snapshotUrl: `http://127.0.0.1:${port ?? http}/cam${i}.jpg`,
              onvifUrl: `http://127.0.0.1:${port ?? http}/onvif/device_service`,
              username: ready.user,
              password: ready.password,
            },
          };
        });
        await cityops.assets.service.importItems(systemActor, items);
        const figures: Figure[] = [];
        const rounds = ctx.quick ? 1 : 3;
        const steady: Array<{ ms: number; cpu: number }> = [];
        for (let r = 0; r <= rounds; r++) {
          const cpu0 = cpu();
          const fleet0 = (await fleet.ask<{ type: string; seconds: number }>({ cmd: 'cpu' }, 'cpu'))
            .seconds;
          const result = await cityops.cameras.health.round();
          const used = cpu() - cpu0;
          const fleetUsed =
            (await fleet.ask<{ type: string; seconds: number }>({ cmd: 'cpu' }, 'cpu')).seconds -
            fleet0;
          ctx.log(
            `round ${r}: ${result.ms} ms, CityOps ${used.toFixed(2)} CPU s (${((used / result.ms) * 1000).toFixed(2)} cores), cameras ${fleetUsed.toFixed(2)} CPU s; online ${result.online}, offline ${result.offline}, degraded ${result.degraded}, changed ${result.changed}`,
          );
          if (result.online + result.offline + result.degraded !== CAMERAS)
            throw new Error(`round ${r} probed ${result.probed} of ${CAMERAS}`);
          if (r === 0) {
            figures.push(
              {
                scenario: 'cameras',
                name: 'first round (every status changes)',
                value: result.ms / 1000,
                unit: 's',
                target: { max: 60 },
                on: 'PGlite',
              },
              {
                scenario: 'cameras',
                name: 'first round CPU',
                value: used,
                unit: 'CPU s',
                target: { max: result.ms / 1000 },
                on: 'PGlite',
                note: `${silentCount} silent cameras, ${concurrency} in flight, ${timeoutMs} ms deadline`,
              },
            );
          } else {
            steady.push({ ms: result.ms, cpu: used });
          }
        }
        if (steady.length) {
          const ms = median(steady.map((s) => s.ms));
          const c = median(steady.map((s) => s.cpu));
          figures.push(
            {
              scenario: 'cameras',
              name: 'steady round',
              value: ms / 1000,
              unit: 's',
              target: { max: 60 },
              on: 'PGlite',
              note: `median of ${steady.length}`,
            },
            {
              scenario: 'cameras',
              name: 'steady round CPU',
              value: c,
              unit: 'CPU s',
              target: { max: ms / 1000 },
              on: 'PGlite',
              note: 'at most one core: CPU s ≤ round s',
            },
          );
        }
        return figures;
      } finally {
        await cityops.close();
      }
    } finally {
      await fleet.stop();
      await b.drop();
    }
  },
};
