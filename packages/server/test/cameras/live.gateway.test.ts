/**
 * The built-in live view gateway against a real RTSP source on loopback
 * (test/support/rtsp-server.ts) and Debian's ffmpeg: HLS with a segment from
 * a plain and a Digest-protected camera, one ffmpeg shared by a camera's
 * viewers and stopped after the idle time, the limit on processes (an idle
 * stream gives way), failures that answer why (wrong credentials, a camera
 * that never answers), MPEG-4 re-encoded to H.264, credentials never logged,
 * and everything killed on close; no ffmpeg outlives a server that stops or
 * is killed with SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { FfmpegGateway } from '../../src/cameras/live/ffmpeg.gateway.js';
import { GatewayUnavailableError } from '../../src/cameras/live/gateway.js';
import { startRtspServer, type RtspServer } from '../support/rtsp-server.js';
import { alive, codecOf, ffmpegsWith, waitFor } from '../support/rtsp-tools.js';

const PASSWORD = 'p4ss:w/rd@cam';

function capturedLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger('debug', stream), text: () => lines.join('') };
}

describe('ffmpeg live gateway', () => {
  let plain: RtspServer;
  let digest: RtspServer;
  let baseDir: string;
  const captured = capturedLog();
  let gw: FfmpegGateway;

  beforeAll(async () => {
    [plain, digest] = await Promise.all([
      startRtspServer(),
      startRtspServer({ auth: { scheme: 'digest', username: 'viewer', password: PASSWORD } }),
    ]);
    baseDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cityops-live-'));
    gw = new FfmpegGateway({
      ffmpegPath: 'ffmpeg',
      baseDir,
      maxStreams: 2,
      idleMs: 500,
      startMs: 15_000,
      log: captured.log,
    });
  });
  afterAll(async () => {
    await gw?.close();
    await Promise.all([plain?.close(), digest?.close()]);
    await fs.rm(baseDir, { recursive: true, force: true });
  });

  it('makes HLS of a camera: a playlist with a segment, files served by name only', async () => {
    const served = await gw.acquire({ cameraId: 'cam-a', url: plain.url });
    expect(served.protocol).toBe('hls');
    expect(served.urlFor('TOKEN')).toBe('/api/v1/live/TOKEN/index.m3u8');
    const playlist = await fs.readFile(gw.fileOf('cam-a', 'index.m3u8')!, 'utf8');
    expect(playlist).toContain('#EXTM3U');
    const segment = /^(seg\d+\.ts)$/m.exec(playlist)![1]!;
    const bytes = await fs.readFile(gw.fileOf('cam-a', segment)!);
    expect(bytes[0]).toBe(0x47); // MPEG-TS sync byte
    expect(gw.fileOf('cam-a', '../../etc/passwd')).toBeUndefined();
    expect(gw.fileOf('cam-b', 'index.m3u8')).toBeUndefined();
  });

  it('shares one ffmpeg between the viewers of a camera, and stops it after the idle time', async () => {
    const pidsBefore = gw.pids();
    await gw.acquire({ cameraId: 'cam-a', url: plain.url });
    expect(gw.pids()).toEqual(pidsBefore);
    expect(plain.playing()).toBe(1);
    const dir = path.dirname(gw.fileOf('cam-a', 'index.m3u8')!);
    expect(await ffmpegsWith(dir)).toHaveLength(1);
    const [pid] = pidsBefore;
    gw.release('cam-a');
    await waitFor(() => gw.running().length === 0, 10_000);
    expect(alive(pid!)).toBe(false);
    expect(await ffmpegsWith(dir)).toEqual([]);
    await waitFor(async () => !(await fs.stat(dir).catch(() => null)), 5000);
    await waitFor(() => plain.playing() === 0, 5000);
  });

  it('signs in to a camera with Digest, and never logs the credentials', async () => {
    await gw.acquire({
      cameraId: 'cam-d',
      url: digest.url,
      username: 'viewer',
      password: PASSWORD,
    });
    expect(digest.requests.some((r) => r.method === 'PLAY' && r.authorized)).toBe(true);
    const text = captured.text();
    expect(text).toContain('live stream starting');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(encodeURIComponent(PASSWORD));
  });

  it('answers why a camera cannot be watched: wrong credentials', async () => {
    const err = await gw
      .acquire({ cameraId: 'cam-bad', url: digest.url, username: 'viewer', password: 'wrong-one' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayUnavailableError);
    expect((err as GatewayUnavailableError).reason).toMatch(/refused the stored credentials/);
    expect(gw.running()).not.toContain('cam-bad');
    expect(captured.text()).not.toContain('wrong-one');
  });

  it('limits the processes: a new camera is refused while all run with viewers, an idle one gives way', async () => {
    // cam-d (Digest) runs with a viewer; add a second one to reach the limit of 2.
    await gw.acquire({ cameraId: 'cam-e', url: plain.url });
    const err = await gw.acquire({ cameraId: 'cam-f', url: plain.url }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayUnavailableError);
    expect((err as Error).message).toMatch(/All 2 live streams/);
    gw.release('cam-e');
    await gw.acquire({ cameraId: 'cam-f', url: plain.url });
    expect(gw.running().sort()).toEqual(['cam-d', 'cam-f']);
  });

  it('kills every ffmpeg on close', async () => {
    const pids = gw.pids();
    expect(pids.length).toBe(2);
    expect(await ffmpegsWith(baseDir)).toHaveLength(2);
    await gw.close();
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(await ffmpegsWith(baseDir)).toEqual([]);
    expect(gw.running()).toEqual([]);
    await expect(gw.acquire({ cameraId: 'cam-a', url: plain.url })).rejects.toThrow(
      /shutting down/,
    );
  });
});

describe('ffmpeg live gateway, cameras that fail', () => {
  it('gives up on a camera that accepts the connection but never answers', async () => {
    const silent = await startRtspServer({ mode: 'silent' });
    const baseDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cityops-live-'));
    const gw = new FfmpegGateway({
      ffmpegPath: 'ffmpeg',
      baseDir,
      maxStreams: 2,
      idleMs: 100,
      startMs: 2000,
      log: createLogger('silent'),
    });
    try {
      const started = Date.now();
      const err = await gw.acquire({ cameraId: 'cam-s', url: silent.url }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GatewayUnavailableError);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(gw.running()).toEqual([]);
    } finally {
      await gw.close();
      await silent.close();
      await fs.rm(baseDir, { recursive: true, force: true });
    }
  });

  it('re-encodes a camera that sends MPEG-4 to H.264', async () => {
    const cam = await startRtspServer({ codec: 'mpeg4' });
    const baseDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cityops-live-'));
    const gw = new FfmpegGateway({
      ffmpegPath: 'ffmpeg',
      baseDir,
      maxStreams: 2,
      idleMs: 100,
      startMs: 15_000,
      log: createLogger('silent'),
    });
    try {
      expect(cam.codec).toBe('mpeg4');
      await gw.acquire({ cameraId: 'cam-m', url: cam.url });
      const playlist = await fs.readFile(gw.fileOf('cam-m', 'index.m3u8')!, 'utf8');
      const segment = /^(seg\d+\.ts)$/m.exec(playlist)![1]!;

      expect(await codecOf(gw.fileOf('cam-m', segment)!)).toBe('h264');
    } finally {
      await gw.close();
      await cam.close();
      await fs.rm(baseDir, { recursive: true, force: true });
    }
  });
});

describe('ffmpeg live gateway, no orphans', () => {
  const root = path.resolve(import.meta.dirname, '../../../..');
  const child = path.join(root, 'packages/server/test/support/rtsp-gateway-child.ts');

  async function runChild(url: string, baseDir: string): Promise<ChildProcess> {
    const p = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', child, url, baseDir],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve, reject) => {
      p.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      p.once('exit', (code) => reject(new Error(`gateway process exited (${code})`)));
    });
    return p;
  }

  it('leaves no ffmpeg behind when the server stops, or is killed with SIGKILL', async () => {
    const cam = await startRtspServer();
    const baseDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cityops-live-'));
    try {
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        const p = await runChild(cam.url, baseDir);
        expect(await ffmpegsWith(baseDir)).toHaveLength(1);
        const exited = new Promise((r) => p.once('exit', r));
        p.kill(signal);
        await exited;
        await waitFor(
          async () => (await ffmpegsWith(baseDir)).length === 0,
          10_000,
          `no ffmpeg after ${signal}`,
        );
        await waitFor(() => cam.playing() === 0, 5000, 'camera released');
      }
    } finally {
      await cam.close();
      await fs.rm(baseDir, { recursive: true, force: true });
    }
  });
});
