/**
 * External stream gateways driven through their HTTP APIs: MediaMTX (a path
 * per watched camera, `POST /v3/config/paths/add/{name}`, ready when
 * `GET /v3/paths/get/{name}` says so, removed with
 * `DELETE /v3/config/paths/delete/{name}`) and go2rtc (`PUT /api/streams`,
 * `DELETE /api/streams`). The gateway pulls the camera's RTSP itself, so the
 * credentials go to the gateway and never to the browser, which gets a WebRTC
 * (WHEP) or HLS URL on the gateway. Each path name carries a random part
 * chosen when the stream starts, so a URL stops working once the stream is
 * released; a stream outlives its last viewer by the idle time. MediaMTX
 * URLs carry the viewer session's token for its external HTTP authentication
 * (gateway-auth.ts); what go2rtc leaves open is written in the README.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import {
  GatewayUnavailableError,
  type LiveProtocol,
  type ServedStream,
  type StreamGateway,
  type StreamSource,
} from './gateway.js';
import { redactUrl, withCredentials } from './redact.js';

export interface ExternalGatewayOptions {
  /** The gateway's API (may carry a user and password for the API). */
  apiUrl: string;
  /** Where browsers reach the gateway; default: the API's host (MediaMTX: WebRTC port 8889). */
  publicUrl: string | undefined;
  idleMs: number;
  startMs: number;
  log: FastifyBaseLogger;
  /** HTTP client (tests may pass their own; the default is fetch). */
  fetch?: typeof fetch;
}

interface Stream {
  name: string;
  ready: Promise<void>;
  idleTimer: NodeJS.Timeout | undefined;
}

/** What differs between MediaMTX and go2rtc. */
interface Api {
  add(name: string, sourceUrl: string): Promise<void>;
  waitReady(name: string): Promise<void>;
  remove(name: string): Promise<void>;
  urlFor(name: string, prefer: LiveProtocol | undefined): { protocol: LiveProtocol; url: string };
}

class HttpApi {
  readonly base: string;
  private readonly auth: string | undefined;
  constructor(
    apiUrl: string,
    private readonly opts: ExternalGatewayOptions,
  ) {
    const u = new URL(apiUrl);
    this.auth = u.username
      ? `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`
      : undefined;
    u.username = '';
    u.password = '';
    this.base = u.toString().replace(/\/+$/, '');
  }

  async call(method: string, path: string, body?: unknown): Promise<Response> {
    const f = this.opts.fetch ?? fetch;
    try {
      return await f(`${this.base}${path}`, {
        method,
        headers: {
          ...(this.auth ? { authorization: this.auth } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(Math.min(this.opts.startMs, 10_000)),
      });
    } catch {
      throw new GatewayUnavailableError('The stream gateway does not answer.');
    }
  }
}

function mediamtxApi(opts: ExternalGatewayOptions): Api {
  const http = new HttpApi(opts.apiUrl, opts);
  const host = new URL(http.base);
  const publicBase = (port: string) => {
    if (opts.publicUrl) return opts.publicUrl;
    const u = new URL(host.toString());
    u.port = port;
    return u.toString().replace(/\/+$/, '');
  };
  return {
    async add(name, sourceUrl) {
      const conf = { source: sourceUrl, sourceOnDemand: false, rtspTransport: 'tcp' };
      const res = await http.call('POST', `/v3/config/paths/add/${name}`, conf);
      if (!res.ok) {
        opts.log.warn({ status: res.status }, 'MediaMTX refused the path');
        throw new GatewayUnavailableError('The stream gateway refused the camera.');
      }
    },
    async waitReady(name) {
      const until = Date.now() + opts.startMs;
      while (Date.now() < until) {
        const res = await http.call('GET', `/v3/paths/get/${name}`);
        if (res.ok && ((await res.json()) as { ready?: boolean }).ready === true) return;
        if (!res.ok) await res.body?.cancel();
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new GatewayUnavailableError(
        `The camera stream did not start within ${Math.round(opts.startMs / 1000)} s.`,
      );
    },
    async remove(name) {
      const res = await http.call('DELETE', `/v3/config/paths/delete/${name}`);
      await res.body?.cancel();
    },
    urlFor(name, prefer) {
      // MediaMTX serves HLS on port 8888 and WebRTC (WHEP) on 8889 by default.
      return prefer === 'hls'
        ? { protocol: 'hls', url: `${publicBase('8888')}/${name}/index.m3u8` }
        : { protocol: 'webrtc', url: `${publicBase('8889')}/${name}/whep` };
    },
  };
}

function go2rtcApi(opts: ExternalGatewayOptions): Api {
  const http = new HttpApi(opts.apiUrl, opts);
  const publicBase = opts.publicUrl ?? http.base;
  return {
    async add(name, sourceUrl) {
      const q = new URLSearchParams({ name, src: sourceUrl });
      const res = await http.call('PUT', `/api/streams?${q.toString()}`);
      await res.body?.cancel();
      if (!res.ok) {
        opts.log.warn({ status: res.status }, 'go2rtc refused the stream');
        throw new GatewayUnavailableError('The stream gateway refused the camera.');
      }
    },
    // go2rtc connects to the camera when the first consumer arrives.
    async waitReady() {},
    async remove(name) {
      const res = await http.call(
        'DELETE',
        `/api/streams?${new URLSearchParams({ src: name }).toString()}`,
      );
      await res.body?.cancel();
    },
    urlFor(name, prefer) {
      const q = new URLSearchParams({ src: name });
      return prefer === 'hls'
        ? { protocol: 'hls', url: `${publicBase}/api/stream.m3u8?${q.toString()}` }
        : { protocol: 'webrtc', url: `${publicBase}/api/webrtc?${q.toString()}` };
    },
  };
}

/**
 * A gateway path or stream name: `cityops-<camera id>[-sub]-<12 hex>`, the
 * random part chosen when the stream starts.
 */
export function pathName(streamKey: string): string {
  return `cityops-${streamKey.replace(/[^\w-]/g, '-')}-${randomBytes(6).toString('hex')}`;
}

/** The camera a gateway path name was made for, or undefined if CityOps did not make it. */
export function cameraOfPath(name: string): string | undefined {
  const m =
    /^cityops-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:-sub)?-[0-9a-f]{12}$/.exec(
      name,
    );
  return m?.[1];
}

export class ExternalGateway implements StreamGateway {
  private readonly streams = new Map<string, Stream>();
  private readonly api: Api;

  constructor(
    readonly kind: 'mediamtx' | 'go2rtc',
    private readonly opts: ExternalGatewayOptions,
  ) {
    this.api = kind === 'mediamtx' ? mediamtxApi(opts) : go2rtcApi(opts);
  }

  async acquire(source: StreamSource, prefer?: LiveProtocol): Promise<ServedStream> {
    let s = this.streams.get(source.cameraId);
    if (s?.idleTimer) {
      clearTimeout(s.idleTimer);
      s.idleTimer = undefined;
    }
    if (!s) {
      const name = pathName(source.cameraId);
      const url = withCredentials(source.url, source.username, source.password);
      const stream: Stream = {
        name,
        idleTimer: undefined,
        ready: (async () => {
          await this.api.add(name, url);
          await this.api.waitReady(name);
        })(),
      };
      s = stream;
      this.streams.set(source.cameraId, stream);
      stream.ready.catch(() => {
        if (this.streams.get(source.cameraId) === stream) this.streams.delete(source.cameraId);
        void this.api.remove(name).catch(() => {});
      });
      this.opts.log.info(
        { cameraId: source.cameraId, gateway: this.kind, source: redactUrl(url) },
        'live stream added to the gateway',
      );
    }
    await s.ready;
    const { protocol, url } = this.api.urlFor(s.name, prefer);
    // MediaMTX hands the query to its external HTTP authentication (and, for
    // HLS, on to the media playlist and segments): the viewer session's token
    // goes there, and CityOps answers whether it opens this path. go2rtc has
    // no such hook; its URL carries no token.
    if (this.kind === 'mediamtx')
      return { protocol, urlFor: (token) => `${url}?${new URLSearchParams({ token }).toString()}` };
    return { protocol, urlFor: () => url };
  }

  release(cameraId: string): void {
    const s = this.streams.get(cameraId);
    if (!s || s.idleTimer) return;
    s.idleTimer = setTimeout(() => {
      if (this.streams.get(cameraId) !== s) return;
      this.streams.delete(cameraId);
      void this.api.remove(s.name).catch(() => {});
    }, this.opts.idleMs);
    s.idleTimer.unref();
  }

  /** Names of the gateway paths or streams in use now. */
  names(): string[] {
    return [...this.streams.values()].map((s) => s.name);
  }

  async close(): Promise<void> {
    const all = [...this.streams.values()];
    this.streams.clear();
    await Promise.allSettled(
      all.map(async (s) => {
        if (s.idleTimer) clearTimeout(s.idleTimer);
        await this.api.remove(s.name);
      }),
    );
  }
}
