/**
 * HTTP and RTSP authentication as cameras ask for it: Basic, or Digest
 * (RFC 7616 / RFC 2069, MD5, with or without qop=auth), from the challenge of
 * a 401 answer.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface Challenge {
  scheme: 'basic' | 'digest';
  params: Record<string, string>;
}

/** The strongest challenge of a WWW-Authenticate header (Digest before Basic). */
export function parseChallenge(header: string | string[] | undefined): Challenge | undefined {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  let basic: Challenge | undefined;
  for (const v of values) {
    const m = /^\s*(\w+)\s*(.*)$/s.exec(v);
    if (!m) continue;
    const scheme = m[1]!.toLowerCase();
    const params: Record<string, string> = {};
    for (const p of m[2]!.matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g))
      params[p[1]!.toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
    if (scheme === 'digest') return { scheme, params };
    if (scheme === 'basic') basic = { scheme, params };
  }
  return basic;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** The Authorization header answering the challenge for one request. */
export function authorization(
  challenge: Challenge,
  creds: { username: string; password: string },
  req: { method: string; uri: string; nc?: number },
): string {
  if (challenge.scheme === 'basic')
    return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
  const { realm = '', nonce = '', opaque, qop, algorithm } = challenge.params;
  const ha1 = md5(`${creds.username}:${realm}:${creds.password}`);
  const ha2 = md5(`${req.method}:${req.uri}`);
  const parts = [
    `username="${creds.username}"`,
    `realm="${realm}"`,
    `nonce="${nonce}"`,
    `uri="${req.uri}"`,
  ];
  const qops = (qop ?? '').split(',').map((q) => q.trim());
  if (qops.includes('auth')) {
    const nc = (req.nc ?? 1).toString(16).padStart(8, '0');
    const cnonce = randomBytes(8).toString('hex');
    parts.push(
      `response="${md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`)}"`,
      'qop=auth',
      `nc=${nc}`,
      `cnonce="${cnonce}"`,
    );
  } else {
    parts.push(`response="${md5(`${ha1}:${nonce}:${ha2}`)}"`);
  }
  if (opaque !== undefined) parts.push(`opaque="${opaque}"`);
  if (algorithm) parts.push(`algorithm=${algorithm}`);
  return `Digest ${parts.join(', ')}`;
}
