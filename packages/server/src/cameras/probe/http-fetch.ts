/**
 * A GET or POST to a camera over HTTP(S) with its credentials: the first try
 * without them, and on a 401 one more with Basic or Digest as the camera asks.
 * Bounded by a deadline and a size limit; the answer is read whole.
 */
import http from 'node:http';
import https from 'node:https';
import { authorization, parseChallenge } from './digest.js';
import { CheckError } from './rtsp.js';
import type { Credentials } from './types.js';

export interface CameraHttpAnswer {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

export interface CameraHttpRequest {
  url: string;
  creds: Credentials;
  timeoutMs: number;
  maxBytes?: number;
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
}

export async function cameraHttp(req: CameraHttpRequest): Promise<CameraHttpAnswer> {
  const url = new URL(req.url);
  let creds = req.creds;
  if (!creds && url.username !== '')
    creds = {
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    };
  url.username = '';
  url.password = '';
  const deadline = Date.now() + req.timeoutMs;
  const method = req.method ?? 'GET';
  const first = await once(url, method, req, undefined, deadline);
  if (first.status !== 401 || !creds) return first;
  const challenge = parseChallenge(first.headers['www-authenticate']);
  if (!challenge) return first;
  const uri = url.pathname + url.search;
  return once(url, method, req, authorization(challenge, creds, { method, uri }), deadline);
}

function once(
  url: URL,
  method: string,
  req: CameraHttpRequest,
  auth: string | undefined,
  deadline: number,
): Promise<CameraHttpAnswer & { headers: http.IncomingHttpHeaders }> {
  const maxBytes = req.maxBytes ?? 10 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const left = deadline - Date.now();
    if (left <= 0) {
      reject(new CheckError('timeout', 'no answer in time'));
      return;
    }
    const lib = url.protocol === 'https:' ? https : http;
    const r = lib.request(
      url,
      {
        method,
        headers: {
          'user-agent': 'CityOps',
          ...(req.headers ?? {}),
          ...(auth ? { authorization: auth } : {}),
        },
        // Cameras commonly carry self-signed certificates.
        rejectUnauthorized: false,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            r.destroy(new CheckError('too_large', 'answer too large'));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'],
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => r.destroy(new CheckError('timeout', 'no answer in time')), left);
    r.on('error', (e) => reject(e));
    r.on('close', () => clearTimeout(timer));
    r.end(req.body);
  });
}

/** A stable reason code for an error of cameraHttp. */
export function httpErrorCode(err: unknown): { code: string; detail: string } {
  if (err instanceof CheckError) return { code: err.code, detail: err.message };
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return { code: 'refused', detail: 'connection refused' };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { code: 'unresolved', detail: 'unknown host' };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return { code: 'unreachable', detail: 'host unreachable' };
  if (code === 'ECONNRESET') return { code: 'reset', detail: 'connection reset' };
  return { code: 'http_error', detail: code ?? 'request failed' };
}
