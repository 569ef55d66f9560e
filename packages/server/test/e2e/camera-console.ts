/**
 * What the camera browser tests share: a CityOps on a free port over a PGlite
 * test database, with a data folder of its own, live views through ffmpeg that
 * stop at once when unwatched, no health schedule, a real RTSP camera on
 * loopback (test/support/rtsp-server.ts), an operator to sign in as, and
 * Chromium.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createCityOps, type CityOps } from '../../src/main.js';
import { systemActor } from '../../src/core/auth/principal.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { testConfig } from '../support/app.js';
import {
  startRtspServer,
  type RtspServer,
  type RtspServerOptions,
} from '../support/rtsp-server.js';
import { launchBrowser } from './browser.js';
import { ensureWebBuild } from './web-build.js';

export interface CameraConsole {
  cityops: CityOps;
  base: string;
  browser: Browser;
  cam: RtspServer;
  /** Creates a camera asset province-wide and answers its id. */
  addCamera(camera: {
    code: string;
    name: string;
    coordinates: [number, number];
    properties: Record<string, unknown>;
  }): Promise<string>;
  /** Signs the operator in on the console's sign-in screen (in Vietnamese). */
  signIn(page: Page): Promise<void>;
  close(): Promise<void>;
}

export async function startCameraConsole(opts: {
  name: string;
  operator: { email: string; password: string };
  rtsp?: RtspServerOptions;
}): Promise<CameraConsole> {
  ensureWebBuild();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `cityops-${opts.name}-`));
  let cam: RtspServer | undefined;
  let testDb: TestDb | undefined;
  let cityops: CityOps | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await cityops?.close();
    await testDb?.drop();
    await cam?.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  };
  try {
    cam = await startRtspServer(opts.rtsp ?? {});
    testDb = await openTestDb('pglite');
    const app = await createCityOps({
      config: testConfig({
        CITYOPS_PORT: '0',
        CITYOPS_DATA_DIR: dataDir,
        CITYOPS_VIDEO_IDLE_SECONDS: '0',
        CITYOPS_CAMERA_PROBE_SECONDS: '0',
      }),
      db: testDb.db,
      log: false,
    });
    cityops = app;
    await app.people.users.create(systemActor, {
      ...opts.operator,
      name: 'Operator',
      role: 'operator',
      units: [],
      agencies: [],
      locale: 'vi',
    });
    const base = (await app.listen()).replace('[::1]', '127.0.0.1');
    browser = await launchBrowser();
    return {
      cityops: app,
      base,
      browser,
      cam,
      addCamera: async (c) =>
        (
          await app.assets.service.create(
            systemActor,
            {
              type: 'camera',
              code: c.code,
              name: c.name,
              geometry: { type: 'Point', coordinates: c.coordinates },
              properties: c.properties,
            },
            { all: true },
          )
        ).id,
      signIn: async (page) => {
        await page.goto(`${base}/`);
        await page.getByLabel('Email').fill(opts.operator.email);
        await page.getByLabel('Mật khẩu').fill(opts.operator.password);
        await page.getByRole('button', { name: 'Đăng nhập' }).click();
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
