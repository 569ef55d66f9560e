/**
 * Camera live view through the built-in ffmpeg gateway: the time from
 * `POST /api/v1/cameras/{id}/live` to a playlist with a segment and that
 * segment fetched, as a browser's player would, over real HTTP on loopback.
 * The camera is the test RTSP server (an H.264 test pattern, 320x240 at
 * 10 fps, a key frame a second, Basic auth) in this process. Each cold start
 * spawns ffmpeg (the previous viewer left and the idle time is 0); the warm
 * figure is a second viewer joining a stream already running.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { median, percentile, type Figure, type Scenario } from '../harness.js';
import { freshDb, signInAdministrator } from '../support.js';
import { loadConfig } from '../../packages/server/src/core/config.js';
import { createCityOps } from '../../packages/server/src/main.js';
import { startRtspServer } from '../../packages/server/test/support/rtsp-server.js';

interface LiveAnswer {
  url: string;
  sessionUrl: string;
}

export const liveScenario: Scenario = {
  name: 'live',
  description:
    'camera live view via ffmpeg: POST /cameras/{id}/live to a playlist with a segment (cold and warm)',
  async run(ctx) {
    const rounds = ctx.quick ? 3 : 8;
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cityops-bench-live-'));
    const b = await freshDb('pglite');
    const cam = await startRtspServer({
      auth: { scheme: 'basic', username: 'bench', password: 'bench-pw-1' },
    });
    const config = loadConfig({
      CITYOPS_PORT: '0',
      CITYOPS_MQTT_PORT: '0',
      CITYOPS_LOG_LEVEL: 'silent',
      CITYOPS_DATA_DIR: dataDir,
      CITYOPS_VIDEO_IDLE_SECONDS: '0',
    });
    const cityops = await createCityOps({ config, db: b.db, log: false });
    try {
      const base = await cityops.listen();
      const token = await signInAdministrator(cityops, base);
      const api = (method: string, url: string, body?: unknown) =>
        fetch(`${base}${url}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      const created = await api('POST', '/api/v1/assets', {
        type: 'camera',
        code: `BENCH-CAM-${Date.now()}`,
        name: 'Bench camera',
        geometry: { type: 'Point', coordinates: [105.8442, 21.5942] },
        properties: { streamUrl: cam.url, username: 'bench', password: 'bench-pw-1' },
      });
      if (created.status !== 201) throw new Error(`camera not created: ${await created.text()}`);
      const { id } = (await created.json()) as { id: string };

      /** POST, then the playlist until it lists a segment, then that segment. */
      const watch = async (): Promise<{ ms: number; live: LiveAnswer }> => {
        const t0 = performance.now();
        const res = await api('POST', `/api/v1/cameras/${id}/live`);
        if (res.status !== 200) throw new Error(`live answered ${res.status}: ${await res.text()}`);
        const live = (await res.json()) as LiveAnswer;
        for (;;) {
          const pl = await fetch(`${base}${live.url}`);
          const text = pl.ok ? await pl.text() : '';
          const seg = /^(seg\d+\.ts)$/m.exec(text)?.[1];
          if (seg) {
            const s = await fetch(`${base}${live.url.replace('index.m3u8', seg)}`);
            const bytes = new Uint8Array(await s.arrayBuffer());
            if (s.ok && bytes[0] === 0x47) return { ms: performance.now() - t0, live };
          }
          if (performance.now() - t0 > 30_000) throw new Error('no playable segment in 30 s');
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      const stopped = async () => {
        const until = Date.now() + 10_000;
        while (cam.playing() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      };

      const cold: number[] = [];
      const warm: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const first = await watch();
        cold.push(first.ms);
        const second = await watch();
        warm.push(second.ms);
        await api('DELETE', second.live.sessionUrl);
        await api('DELETE', first.live.sessionUrl);
        await stopped();
      }
      ctx.log(`cold starts (ms): ${cold.map((v) => v.toFixed(0)).join(', ')}`);
      ctx.log(`second viewer (ms): ${warm.map((v) => v.toFixed(0)).join(', ')}`);
      ctx.log(
        `load average during the run: ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
      );
      const on = 'ffmpeg 5.1 (Debian), loopback RTSP H.264 320x240 10 fps, 1 s GOP';
      return [
        {
          scenario: 'live',
          name: 'live view start, cold: request to a playable segment (median)',
          value: median(cold) / 1000,
          unit: 's',
          target: { max: 3 },
          on,
        },
        {
          scenario: 'live',
          name: 'live view start, cold (p90)',
          value: percentile(cold, 90) / 1000,
          unit: 's',
          on,
        },
        {
          scenario: 'live',
          name: 'live view start, second viewer of a running stream (median)',
          value: median(warm) / 1000,
          unit: 's',
          target: { max: 1 },
          on,
        },
      ] satisfies Figure[];
    } finally {
      await cityops.close();
      await cam.close();
      await b.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  },
};
