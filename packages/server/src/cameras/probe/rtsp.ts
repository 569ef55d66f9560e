/**
 * The RTSP check of a camera: OPTIONS then DESCRIBE over one TCP (or TLS for
 * rtsps:) connection, answering a 401 with Digest or Basic credentials once.
 * The stream counts as answering when DESCRIBE returns 200 with an SDP that
 * has at least one media line. Everything is bounded by one deadline.
 */
import net from 'node:net';
import tls from 'node:tls';
import { authorization, parseChallenge } from './digest.js';
import type { CheckResult, Credentials } from './types.js';

interface RtspResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: string;
}

/** The URL without credentials, and the credentials (stored ones first, else the URL's). */
export function splitRtspUrl(
  raw: string,
  creds: Credentials,
): { url: URL; uri: string; creds: Credentials } {
  const url = new URL(raw);
  const fromUrl =
    url.username !== ''
      ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
      : undefined;
  url.username = '';
  url.password = '';
  return { url, uri: url.toString(), creds: creds ?? fromUrl };
}

export async function probeRtsp(
  rawUrl: string,
  creds: Credentials,
  timeoutMs: number,
): Promise<CheckResult> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  let socket: net.Socket | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const { url, uri, creds: c } = splitRtspUrl(rawUrl, creds);
    const secure = url.protocol === 'rtsps:';
    const port = Number(url.port) || (secure ? 322 : 554);
    const conn = new RtspConnection();
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CheckError('timeout', 'no answer in time')), timeoutMs);
    });
    socket = await Promise.race([conn.open(url.hostname, port, secure), deadline]);
    const send = async (method: string, extra: Record<string, string> = {}) => {
      let res = await Promise.race([conn.request(method, uri, extra), deadline]);
      if (res.status === 401 && c) {
        const challenge = parseChallenge(res.headers['www-authenticate']);
        if (challenge) {
          res = await Promise.race([
            conn.request(method, uri, {
              ...extra,
              Authorization: authorization(challenge, c, { method, uri }),
            }),
            deadline,
          ]);
        }
      }
      return res;
    };
    const options = await send('OPTIONS');
    if (options.status === 401) return fail('unauthorized', `OPTIONS ${options.status}`, ms());
    const describe = await send('DESCRIBE', { Accept: 'application/sdp' });
    if (describe.status === 401) return fail('unauthorized', `DESCRIBE 401`, ms());
    if (describe.status !== 200)
      return fail('rtsp_error', `DESCRIBE ${describe.status} ${describe.statusText}`, ms());
    const media = describe.body.split(/\r?\n/).filter((l) => l.startsWith('m=')).length;
    if (media === 0) return fail('rtsp_error', 'DESCRIBE 200 without media', ms());
    return { ok: true, ms: ms(), detail: `DESCRIBE 200, ${media} media` };
  } catch (err) {
    if (err instanceof CheckError) return fail(err.code, err.message, ms());
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') return fail('refused', 'connection refused', ms());
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      return fail('unresolved', 'unknown host', ms());
    if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
      return fail('unreachable', 'host unreachable', ms());
    if (err instanceof TypeError) return fail('bad_url', 'not a valid RTSP address', ms());
    return fail('rtsp_error', code ?? 'connection failed', ms());
  } finally {
    clearTimeout(timer);
    socket?.destroy();
  }
}

function fail(code: string, detail: string, ms: number): CheckResult {
  return { ok: false, ms, code, detail };
}

export class CheckError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One RTSP connection with sequential requests (CSeq) and a response parser. */
class RtspConnection {
  private socket!: net.Socket;
  private buffer = Buffer.alloc(0);
  private cseq = 0;
  private waiting: { resolve(r: RtspResponse): void; reject(e: Error): void } | undefined;
  private closed: Error | undefined;

  open(host: string, port: number, secure: boolean): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const s = secure
        ? tls.connect({ host, port, servername: host, rejectUnauthorized: false })
        : net.connect({ host, port });
      this.socket = s;
      s.once(secure ? 'secureConnect' : 'connect', () => resolve(s));
      s.on('error', (e: Error) => {
        this.closed = e;
        reject(e);
        this.waiting?.reject(e);
      });
      s.on('close', () => {
        this.closed ??= new CheckError('rtsp_error', 'connection closed');
        this.waiting?.reject(this.closed);
      });
      s.on('data', (d: Buffer) => {
        this.buffer = Buffer.concat([this.buffer, d]);
        if (this.buffer.length > 256 * 1024) {
          this.waiting?.reject(new CheckError('rtsp_error', 'answer too large'));
          s.destroy();
          return;
        }
        this.tryParse();
      });
    });
  }

  request(method: string, uri: string, headers: Record<string, string>): Promise<RtspResponse> {
    if (this.closed) return Promise.reject(this.closed);
    this.cseq += 1;
    const lines = [`${method} ${uri} RTSP/1.0`, `CSeq: ${this.cseq}`, 'User-Agent: CityOps'];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(lines.join('\r\n') + '\r\n\r\n');
    });
  }

  private tryParse(): void {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) return;
    const head = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const m = /^RTSP\/\d\.\d (\d{3}) ?(.*)$/.exec(head[0] ?? '');
    if (!m) {
      this.waiting.reject(new CheckError('rtsp_error', 'not an RTSP answer'));
      this.socket.destroy();
      return;
    }
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0) || 0;
    if (this.buffer.length < end + 4 + length) return;
    const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    this.buffer = this.buffer.subarray(end + 4 + length);
    const w = this.waiting;
    this.waiting = undefined;
    w.resolve({ status: Number(m[1]), statusText: m[2] ?? '', headers, body });
  }
}
