/**
 * A real RTSP source on loopback for tests: a small RTSP server (OPTIONS,
 * DESCRIBE, SETUP, PLAY, GET_PARAMETER, TEARDOWN; RTP interleaved over TCP)
 * fed by an ffmpeg process that encodes a test pattern (testsrc, H.264 with
 * libx264, or MPEG-4 part 2 when libx264 is missing) and sends RTP to a local
 * UDP port. Any RTSP client that can use TCP transport plays it (ffmpeg,
 * ffprobe, VLC); a UDP SETUP is answered 461 so clients fall back to TCP.
 *
 * Reusable by any suite that needs a camera: live views (cameras/live*.test.ts)
 * and camera health probes. Options:
 * - `auth`: require Basic or Digest credentials on DESCRIBE, SETUP and PLAY;
 * - `mode: 'silent'`: accept TCP connections but never answer (for timeouts);
 * - `path`: the stream's path (other paths answer 404).
 *
 * Usage:
 *   const cam = await startRtspServer({ auth: { scheme: 'digest', username: 'u', password: 'p' } });
 *   cam.url            // rtsp://127.0.0.1:PORT/stream (no credentials)
 *   cam.urlWithCredentials
 *   await cam.close(); // stops ffmpeg and the server
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RtspAuth {
  scheme: 'basic' | 'digest';
  username: string;
  password: string;
}

export interface RtspServerOptions {
  /** 'serve' (default) plays the test pattern; 'silent' accepts TCP and never answers. */
  mode?: 'serve' | 'silent';
  auth?: RtspAuth;
  /** The stream's path, default '/stream'. */
  path?: string;
  /** Test pattern size and rate (small by default: tests share two cores). */
  size?: string;
  fps?: number;
  /** Seconds between key frames (the HLS segment length follows it). */
  keyframeSeconds?: number;
  /** ffmpeg to run (default: `ffmpeg` on the PATH). */
  ffmpegPath?: string;
  /** The codec to send; default H.264 (MPEG-4 part 2 when libx264 is missing). */
  codec?: 'h264' | 'mpeg4';
}

export interface RtspRequestSeen {
  method: string;
  uri: string;
  authorized: boolean;
}

export interface RtspServer {
  /** rtsp://127.0.0.1:PORT/path, without credentials. */
  readonly url: string;
  /** The same with the credentials in it (as a camera registry might store them). */
  readonly urlWithCredentials: string;
  readonly port: number;
  /** Requests received so far, in order. */
  readonly requests: RtspRequestSeen[];
  /** Clients currently receiving RTP. */
  playing(): number;
  /** Open TCP connections. */
  connections(): number;
  /** The video codec sent ('h264' or 'mpeg4'). */
  readonly codec: 'h264' | 'mpeg4';
  close(): Promise<void>;
}

let cachedEncoder: 'h264' | 'mpeg4' | undefined;
function encoderFor(ffmpeg: string): 'h264' | 'mpeg4' {
  if (cachedEncoder) return cachedEncoder;
  const out = spawnSync(ffmpeg, ['-hide_banner', '-encoders'], { encoding: 'utf8' });
  cachedEncoder = /\blibx264\b/.test(out.stdout ?? '') ? 'h264' : 'mpeg4';
  return cachedEncoder;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

interface Parsed {
  method: string;
  uri: string;
  headers: Map<string, string>;
}

function parseRequest(head: string): Parsed | undefined {
  const lines = head.split('\r\n');
  const m = /^([A-Z_]+) (\S+) RTSP\/1\.0$/.exec(lines[0] ?? '');
  if (!m) return undefined;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { method: m[1]!, uri: m[2]!, headers };
}

function digestParams(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)) {
    out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  }
  return out;
}

async function waitForFile(file: string, child: ChildProcess, ms: number): Promise<string> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null)
      throw new Error(`test RTSP source: ffmpeg exited (${child.exitCode})`);
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    if (text.includes('m=video')) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('test RTSP source: ffmpeg wrote no SDP');
}

/** Starts the server on a free loopback port. */
export async function startRtspServer(opts: RtspServerOptions = {}): Promise<RtspServer> {
  const mode = opts.mode ?? 'serve';
  const streamPath = opts.path ?? '/stream';
  const ffmpegPath = opts.ffmpegPath ?? 'ffmpeg';
  const codec = opts.codec ?? (mode === 'serve' ? encoderFor(ffmpegPath) : 'h264');
  const realm = 'CityOps test camera';
  const nonce = randomBytes(12).toString('hex');
  const requests: RtspRequestSeen[] = [];
  const sockets = new Set<net.Socket>();
  const players = new Set<net.Socket>();

  let source: ChildProcess | undefined;
  let rtp: dgram.Socket | undefined;
  let rtcp: dgram.Socket | undefined;
  let tmp: string | undefined;
  let sdp = '';

  if (mode === 'serve') {
    rtp = dgram.createSocket('udp4');
    rtcp = dgram.createSocket('udp4');
    await Promise.all([rtp, rtcp].map((s) => new Promise<void>((r) => s.bind(0, '127.0.0.1', r))));
    rtcp.on('message', () => {});
    rtp.on('message', (packet) => {
      const frame = Buffer.allocUnsafe(4 + packet.length);
      frame[0] = 0x24; // '$'
      frame[1] = 0; // interleaved channel 0 (RTP)
      frame.writeUInt16BE(packet.length, 2);
      packet.copy(frame, 4);
      for (const s of players) {
        // A client that stopped reading loses packets rather than growing memory.
        if (s.writableLength < 1_000_000) s.write(frame);
      }
    });
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'cityops-rtsp-'));
    const sdpFile = path.join(tmp, 'stream.sdp');
    const fps = opts.fps ?? 10;
    const gop = Math.max(1, Math.round(fps * (opts.keyframeSeconds ?? 1)));
    const video =
      codec === 'h264'
        ? ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p']
        : ['-c:v', 'mpeg4', '-q:v', '8'];
    source = spawn(
      ffmpegPath,
      [
        ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-re'],
        ...['-f', 'lavfi', '-i', `testsrc=size=${opts.size ?? '320x240'}:rate=${fps}`],
        ...video,
        ...['-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0'],
        // Parameter sets both in the SDP and before every key frame, as cameras do.
        ...['-flags', '+global_header', '-bsf:v', 'dump_extra'],
        ...['-f', 'rtp', '-sdp_file', sdpFile],
        `rtp://127.0.0.1:${rtp.address().port}?rtcpport=${rtcp.address().port}&pkt_size=1200`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    source.stderr!.resume();
    try {
      sdp = await waitForFile(sdpFile, source, 10_000);
    } catch (err) {
      source.kill('SIGKILL');
      rtp.close();
      rtcp.close();
      throw err;
    }
  }

  const describeBody = () =>
    sdp
      .replace(/^c=IN IP4 .*$/m, 'c=IN IP4 0.0.0.0')
      .replace(/^m=video \d+ /m, 'm=video 0 ')
      .replace(/^s=.*$/m, 's=CityOps test pattern\r\na=control:*')
      .replace(/^(a=rtpmap:.*)$/m, '$1\r\na=control:trackID=0')
      .split(/\r?\n/)
      .filter((l) => l !== '')
      .join('\r\n') + '\r\n';

  function authorized(req: Parsed): boolean {
    const a = opts.auth;
    if (!a) return true;
    const header = req.headers.get('authorization') ?? '';
    if (a.scheme === 'basic') {
      const want = Buffer.from(`${a.username}:${a.password}`).toString('base64');
      return header === `Basic ${want}`;
    }
    if (!header.startsWith('Digest ')) return false;
    const p = digestParams(header.slice(7));
    if (p.username !== a.username || p.realm !== realm || p.nonce !== nonce) return false;
    const ha1 = md5(`${a.username}:${realm}:${a.password}`);
    const ha2 = md5(`${req.method}:${p.uri}`);
    return p.response === md5(`${ha1}:${nonce}:${ha2}`);
  }

  function answer(
    socket: net.Socket,
    cseq: string,
    status: string,
    headers: Record<string, string> = {},
    body = '',
  ) {
    const lines = [`RTSP/1.0 ${status}`, `CSeq: ${cseq}`, 'Server: CityOps test RTSP'];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    if (body) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    socket.write(lines.join('\r\n') + '\r\n\r\n' + body);
  }

  function handle(socket: net.Socket, req: Parsed, session: string) {
    const cseq = req.headers.get('cseq') ?? '0';
    let pathname = '';
    try {
      pathname = new URL(req.uri).pathname;
    } catch {
      pathname = req.uri;
    }
    const needsAuth = ['DESCRIBE', 'SETUP', 'PLAY'].includes(req.method);
    const ok = !needsAuth || authorized(req);
    requests.push({
      method: req.method,
      uri: req.uri.replace(/\/\/[^@/]*@/, '//'),
      authorized: ok,
    });
    if (!ok) {
      const challenge =
        opts.auth!.scheme === 'basic'
          ? `Basic realm="${realm}"`
          : `Digest realm="${realm}", nonce="${nonce}"`;
      answer(socket, cseq, '401 Unauthorized', { 'WWW-Authenticate': challenge });
      return;
    }
    const onStream = pathname === streamPath || pathname.startsWith(`${streamPath}/`);
    switch (req.method) {
      case 'OPTIONS':
        answer(socket, cseq, '200 OK', {
          Public: 'OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER, TEARDOWN',
        });
        return;
      case 'DESCRIBE':
        if (!onStream) return answer(socket, cseq, '404 Not Found');
        answer(
          socket,
          cseq,
          '200 OK',
          {
            'Content-Type': 'application/sdp',
            'Content-Base': `${req.uri.replace(/\/$/, '')}/`,
          },
          describeBody(),
        );
        return;
      case 'SETUP': {
        if (!onStream) return answer(socket, cseq, '404 Not Found');
        const transport = req.headers.get('transport') ?? '';
        if (!/RTP\/AVP\/TCP/i.test(transport)) {
          answer(socket, cseq, '461 Unsupported Transport');
          return;
        }
        answer(socket, cseq, '200 OK', {
          Session: `${session};timeout=60`,
          Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1',
        });
        return;
      }
      case 'PLAY':
        answer(socket, cseq, '200 OK', { Session: session, Range: 'npt=0.000-' });
        players.add(socket);
        return;
      case 'GET_PARAMETER':
        answer(socket, cseq, '200 OK', { Session: session });
        return;
      case 'TEARDOWN':
        players.delete(socket);
        answer(socket, cseq, '200 OK', { Session: session });
        socket.end();
        return;
      default:
        answer(socket, cseq, '405 Method Not Allowed');
    }
  }

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      players.delete(socket);
    });
    socket.on('error', () => {});
    if (mode === 'silent') {
      socket.resume();
      return;
    }
    const session = randomBytes(8).toString('hex');
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        // RTCP from the client, interleaved: skipped.
        if (buf[0] === 0x24) {
          if (buf.length < 4) return;
          const len = 4 + buf.readUInt16BE(2);
          if (buf.length < len) return;
          buf = buf.subarray(len);
          continue;
        }
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const req = parseRequest(buf.subarray(0, end).toString('latin1'));
        const bodyLen = Number(req?.headers.get('content-length') ?? 0);
        if (buf.length < end + 4 + bodyLen) return;
        buf = buf.subarray(end + 4 + bodyLen);
        if (!req) {
          socket.end('RTSP/1.0 400 Bad Request\r\n\r\n');
          return;
        }
        handle(socket, req, session);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const creds = opts.auth
    ? `${encodeURIComponent(opts.auth.username)}:${encodeURIComponent(opts.auth.password)}@`
    : '';

  let closed = false;
  return {
    url: `rtsp://127.0.0.1:${port}${streamPath}`,
    urlWithCredentials: `rtsp://${creds}127.0.0.1:${port}${streamPath}`,
    port,
    requests,
    codec,
    playing: () => players.size,
    connections: () => sockets.size,
    async close() {
      if (closed) return;
      closed = true;
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      if (source && source.exitCode === null) {
        const exited = new Promise((r) => source.once('exit', r));
        source.kill('SIGKILL');
        await exited;
      }
      rtp?.close();
      rtcp?.close();
      if (tmp) await fs.rm(tmp, { recursive: true, force: true });
    },
  };
}
