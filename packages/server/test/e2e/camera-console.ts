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
import type { CityOps } from '../../src/main.js';
import { systemActor } from '../../src/core/auth/principal.js';
import {
  startRtspServer,
  type RtspServer,
  type RtspServerOptions,
} from '../support/rtsp-server.js';
import { startConsoleApp, type ConsoleApp } from './console-app.js';

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
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `cityops-${opts.name}-`));
  let cam: RtspServer | undefined;
  let app: ConsoleApp | undefined;
  const close = async () => {
    await app?.close();
    await cam?.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  };
  try {
    cam = await startRtspServer(opts.rtsp ?? {});
    const started = await startConsoleApp({
      env: {
        CITYOPS_DATA_DIR: dataDir,
        CITYOPS_VIDEO_IDLE_SECONDS: '0',
        CITYOPS_CAMERA_PROBE_SECONDS: '0',
      },
      users: [{ ...opts.operator, name: 'Operator', role: 'operator' }],
    });
    app = started;
    const { cityops, base, browser } = started;
    return {
      cityops,
      base,
      browser,
      cam,
      addCamera: async (c) =>
        (
          await cityops.assets.service.create(
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
      signIn: (page) => started.signIn(page, opts.operator),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
