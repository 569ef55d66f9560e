/**
 * The built-in stream gateway: one on-demand ffmpeg per watched camera that
 * reads its RTSP stream and writes HLS (a playlist and short segments) into a
 * folder CityOps serves under the viewer's session path. H.264 is copied as
 * is; another codec (H.265, MPEG-4) is re-encoded to H.264, which browsers
 * play. The process stops a grace time after the camera's last viewer leaves,
 * at most `maxStreams` run at once, and all are killed on shutdown.
 *
 * No orphans: ffmpeg runs under a tiny /bin/sh watchdog in its own process
 * group; the watchdog holds a pipe from this process and kills ffmpeg when
 * the pipe closes, so even a CityOps killed with SIGKILL leaves no ffmpeg
 * behind. Folders of processes that died are removed on the next start.
 *
 * The command line holds the camera's URL with its credentials: it is never
 * logged; ffmpeg's messages are logged only after redaction.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import {
  GatewayUnavailableError,
  type ServedStream,
  type StreamGateway,
  type StreamSource,
} from './gateway.js';
import { redactorFor, withCredentials } from './redact.js';

export interface FfmpegGatewayOptions {
  ffmpegPath: string;
  /** Parent folder of the HLS folders (CITYOPS_DATA_DIR/tmp/live). */
  baseDir: string;
  maxStreams: number;
  /** How long a stream outlives its last viewer. */
  idleMs: number;
  /** Time allowed from start to a playlist with a segment. */
  startMs: number;
  log: FastifyBaseLogger;
  /** Segment length in seconds (default 0.5). */
  segmentSeconds?: number;
}

// Runs "$@" (ffmpeg) and waits for it; a SIGTERM is passed on to it; it is
// killed when stdin (a pipe from CityOps) closes, that is when CityOps dies.
const WATCHDOG = [
  'exec 3<&0 </dev/null',
  '"$@" 3<&- &',
  'p=$!',
  'trap \'kill -TERM "$p" 2>/dev/null\' TERM INT',
  '( while read -r _ <&3; do :; done; kill -TERM "$p" 2>/dev/null; sleep 3; kill -KILL "$p" 2>/dev/null ) &',
  'w=$!',
  'exec 3<&-',
  'rc=0',
  'while kill -0 "$p" 2>/dev/null; do wait "$p"; rc=$?; done',
  'kill "$w" 2>/dev/null; wait "$w" 2>/dev/null',
  'exit $rc',
].join('\n');

export const PLAYLIST = 'index.m3u8';
const SEGMENT = /^seg\d{1,9}\.ts$/;

interface Running {
  cameraId: string;
  dir: string;
  child: ChildProcess;
  exited: Promise<void>;
  ready: Promise<void>;
  /** Set while no viewer is left and the stop is pending. */
  idleTimer: NodeJS.Timeout | undefined;
  stopping: boolean;
  served: ServedStream;
}

/** Why ffmpeg could not open the stream, from its messages, in words safe to show. */
export function reasonFrom(stderr: string): string {
  if (/401 Unauthorized|authorization failed/i.test(stderr))
    return 'The camera refused the stored credentials.';
  if (/404 Not Found/i.test(stderr)) return 'The camera does not know the stream path.';
  if (/Connection refused|No route to host|Network is unreachable/i.test(stderr))
    return 'The camera does not accept connections.';
  if (/timed out|Connection timed out/i.test(stderr)) return 'The camera does not answer.';
  if (/Invalid data|could not find codec|no video/i.test(stderr))
    return 'The camera sends no video CityOps can read.';
  return 'The camera stream could not be opened.';
}

/** Resolves once no process of the group is left (bounded: a zombie nobody reaps counts as gone). */
async function groupGone(pgid: number | undefined, ms = 5000): Promise<void> {
  if (!pgid) return;
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class FfmpegGateway implements StreamGateway {
  readonly kind = 'ffmpeg' as const;
  private readonly streams = new Map<string, Running>();
  private readonly starting = new Map<string, Promise<Running>>();
  private readonly listeners: Array<(cameraId: string) => void> = [];
  private readonly ownDir: string;
  private cleaned: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly opts: FfmpegGatewayOptions) {
    this.ownDir = path.join(opts.baseDir, String(process.pid));
  }

  /** Cameras whose ffmpeg runs now. */
  running(): string[] {
    return [...this.streams.keys()];
  }

  /** Process ids (of the watchdogs, which lead each ffmpeg's process group). */
  pids(): number[] {
    return [...this.streams.values()].flatMap((r) => (r.child.pid ? [r.child.pid] : []));
  }

  onStopped(listener: (cameraId: string) => void): void {
    this.listeners.push(listener);
  }

  async acquire(source: StreamSource): Promise<ServedStream> {
    if (this.closed) throw new GatewayUnavailableError('The server is shutting down.');
    const existing = this.streams.get(source.cameraId);
    if (existing && !existing.stopping) {
      if (existing.idleTimer) clearTimeout(existing.idleTimer);
      existing.idleTimer = undefined;
      await existing.ready;
      return existing.served;
    }
    let pending = this.starting.get(source.cameraId);
    if (!pending) {
      pending = this.start(source).finally(() => this.starting.delete(source.cameraId));
      this.starting.set(source.cameraId, pending);
    }
    const r = await pending;
    await r.ready;
    return r.served;
  }

  release(cameraId: string): void {
    const r = this.streams.get(cameraId);
    if (!r || r.stopping || r.idleTimer) return;
    r.idleTimer = setTimeout(() => void this.stop(r), this.opts.idleMs);
    r.idleTimer.unref();
  }

  /** The file of a camera's HLS output, or undefined when it is not there. */
  fileOf(cameraId: string, name: string): string | undefined {
    const r = this.streams.get(cameraId);
    if (!r || r.stopping) return undefined;
    if (name !== PLAYLIST && !SEGMENT.test(name)) return undefined;
    return path.join(r.dir, name);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.starting.values()]);
    await Promise.all([...this.streams.values()].map((r) => this.stop(r)));
  }

  private async start(source: StreamSource): Promise<Running> {
    await (this.cleaned ??= this.removeStale());
    if (this.streams.size >= this.opts.maxStreams) {
      // Make room by stopping a stream nobody watches, if there is one.
      const idle = [...this.streams.values()].find((r) => r.idleTimer && !r.stopping);
      if (!idle) {
        throw new GatewayUnavailableError(
          `All ${this.opts.maxStreams} live streams this server runs are in use; try again later.`,
        );
      }
      await this.stop(idle);
    }
    const dir = path.join(this.ownDir, `${source.cameraId}-${randomBytes(4).toString('hex')}`);
    await fs.mkdir(dir, { recursive: true });
    const r = this.spawnFor(source, dir, false);
    this.streams.set(source.cameraId, r);
    return r;
  }

  private args(input: string, dir: string, transcode: boolean): string[] {
    const seg = this.opts.segmentSeconds ?? 0.5;
    const video = transcode
      ? [
          ...['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency'],
          ...['-pix_fmt', 'yuv420p', '-force_key_frames', 'expr:gte(t,n_forced*1)'],
        ]
      : ['-c:v', 'copy'];
    return [
      ...['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info'],
      ...['-rtsp_transport', 'tcp', '-timeout', String(this.opts.startMs * 1000)],
      // A short probe: the SDP usually names the codec; start-up time is what viewers feel.
      ...['-fflags', 'nobuffer', '-probesize', '500000', '-analyzeduration', '500000'],
      ...['-i', input],
      ...['-map', '0:v:0', ...video, '-an', '-sn', '-dn'],
      // Segments cut by time, not at key frames: the first one is ready half a
      // second after the camera's first key frame instead of a whole GOP later
      // (hls.js plays segments that do not start with a key frame).
      ...['-f', 'hls', '-hls_time', String(seg), '-hls_list_size', '12'],
      ...['-hls_delete_threshold', '3', '-hls_allow_cache', '0'],
      ...['-hls_flags', 'delete_segments+temp_file+split_by_time'],
      ...['-hls_segment_filename', path.join(dir, 'seg%d.ts')],
      path.join(dir, PLAYLIST),
    ];
  }

  private spawnFor(source: StreamSource, dir: string, transcode: boolean): Running {
    const input = withCredentials(source.url, source.username, source.password);
    const redact = redactorFor([source.username, source.password]);
    const child = spawn(
      '/bin/sh',
      ['-c', WATCHDOG, 'cityops-live', this.opts.ffmpegPath, ...this.args(input, dir, transcode)],
      { stdio: ['pipe', 'ignore', 'pipe'], detached: true },
    );
    const log = this.opts.log.child({ cameraId: source.cameraId, gateway: 'ffmpeg' });
    log.info({ transcode }, 'live stream starting');
    let stderr = '';
    let codecSeen: string | undefined;
    // Done when the whole process group (watchdog and ffmpeg) is gone.
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve())).then(() =>
      groupGone(child.pid),
    );
    const r: Running = {
      cameraId: source.cameraId,
      dir,
      child,
      exited,
      ready: Promise.resolve(),
      idleTimer: undefined,
      stopping: false,
      served: { protocol: 'hls', urlFor: (token) => `/api/v1/live/${token}/${PLAYLIST}` },
    };
    let restarted: Running | undefined;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8000);
      const m = /Stream #0:\d+.*?: Video: (\w+)/.exec(stderr);
      if (m && !codecSeen) {
        codecSeen = m[1]!;
        // Browsers play H.264; anything else is re-encoded (once).
        if (codecSeen !== 'h264' && !transcode && !r.stopping) {
          log.info({ codec: codecSeen }, 'live stream re-encoded to H.264');
          mkdirSync(`${dir}-h264`, { recursive: true });
          restarted = this.spawnFor(source, `${dir}-h264`, true);
          this.streams.set(source.cameraId, restarted);
          r.stopping = true;
          this.kill(r);
        }
      }
      for (const line of chunk.split('\n')) {
        if (/error|failed|refused|timed out|unauthorized/i.test(line))
          log.warn(redact(line.trim()));
      }
    });
    child.stdin.on('error', () => {});
    const playlist = path.join(dir, PLAYLIST);
    r.ready = (async () => {
      const until = Date.now() + this.opts.startMs;
      let exitedEarly = false;
      void exited.then(() => (exitedEarly = true));
      while (Date.now() < until) {
        if (restarted) return restarted.ready;
        if (exitedEarly) break;
        const text = await fs.readFile(playlist, 'utf8').catch(() => '');
        if (text.includes('#EXTINF')) return;
        await new Promise((res) => setTimeout(res, 100));
      }
      if (restarted) return restarted.ready;
      const reason = exitedEarly
        ? reasonFrom(stderr)
        : `The camera stream did not start within ${Math.round(this.opts.startMs / 1000)} s.`;
      log.warn({ reason }, 'live stream failed to start');
      await this.stop(r);
      throw new GatewayUnavailableError(reason);
    })();
    r.ready.catch(() => {});
    void exited.then(async () => {
      if (this.streams.get(source.cameraId) === r) {
        this.streams.delete(source.cameraId);
        if (r.idleTimer) clearTimeout(r.idleTimer);
        if (!r.stopping) {
          log.warn(
            { last: redact(stderr.trim().split('\n').slice(-1)[0] ?? '') },
            'live stream ended',
          );
          for (const l of this.listeners) l(source.cameraId);
        }
      }
      await fs.rm(dir, { recursive: true, force: true });
    });
    return r;
  }

  private kill(r: Running): void {
    const pid = r.child.pid;
    if (!pid) return;
    try {
      // The watchdog passes it on to ffmpeg, which closes its files, and reaps it.
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    const hard = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 2000);
    hard.unref();
    void r.exited.then(() => clearTimeout(hard));
  }

  private async stop(r: Running): Promise<void> {
    if (r.idleTimer) clearTimeout(r.idleTimer);
    r.idleTimer = undefined;
    r.stopping = true;
    this.kill(r);
    await r.exited;
    if (this.streams.get(r.cameraId) === r) this.streams.delete(r.cameraId);
    await fs.rm(r.dir, { recursive: true, force: true });
    this.opts.log.info({ cameraId: r.cameraId, gateway: 'ffmpeg' }, 'live stream stopped');
  }

  /** Removes the folders left by processes that no longer run. */
  private async removeStale(): Promise<void> {
    const entries = await fs.readdir(this.opts.baseDir).catch(() => [] as string[]);
    for (const name of entries) {
      const pid = Number(name);
      if (!Number.isInteger(pid) || pid === process.pid) continue;
      let alive = true;
      try {
        process.kill(pid, 0);
      } catch {
        alive = false;
      }
      if (!alive) await fs.rm(path.join(this.opts.baseDir, name), { recursive: true, force: true });
    }
  }
}
