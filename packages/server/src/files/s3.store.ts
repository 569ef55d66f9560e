/**
 * The file store in an S3-compatible bucket (MinIO, Ceph, AWS S3), spoken to
 * with plain HTTP requests signed with AWS Signature Version 4 (no SDK: three
 * operations do not justify one). Settings: CITYOPS_S3_URL as
 * s3://ACCESS_KEY:SECRET@host:port/bucket[?region=…&tls=true]; path-style
 * addressing, HTTP unless tls=true or the port is 443.
 */
import { createHash, createHmac } from 'node:crypto';
import { checkKey, type FileStore } from './store.js';

export interface S3Settings {
  endpoint: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  region: string;
}

export function parseS3Url(url: string): S3Settings {
  const u = new URL(url);
  const bucket = decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, ''));
  if (u.protocol !== 's3:' || !u.hostname || !bucket || bucket.includes('/')) {
    throw new Error('CITYOPS_S3_URL: must read s3://key:secret@host[:port]/bucket');
  }
  if (!u.username || !u.password)
    throw new Error('CITYOPS_S3_URL: the access key and secret are missing');
  const tls = u.searchParams.get('tls') === 'true' || u.port === '443';
  return {
    endpoint: `${tls ? 'https' : 'http'}://${u.host}`,
    bucket,
    accessKey: decodeURIComponent(u.username),
    secretKey: decodeURIComponent(u.password),
    region: u.searchParams.get('region') ?? 'us-east-1',
  };
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) =>
  createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it (each path segment on its own). */
const encode = (s: string) =>
  encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

export interface SignInput {
  method: string;
  url: URL;
  headers: Record<string, string>;
  payloadHash: string;
  now: Date;
}

/** Signs a request (SigV4, service s3): answers the headers to send, with Authorization. */
export function signV4(s: S3Settings, req: SignInput): Record<string, string> {
  const amzDate = req.now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v.trim()])),
    host: req.url.host,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': req.payloadHash,
  };
  const names = Object.keys(headers).sort();
  const canonicalQuery = [...req.url.searchParams.entries()]
    .map(([k, v]) => `${encode(k)}=${encode(v)}`)
    .sort()
    .join('&');
  const canonical = [
    req.method,
    req.url.pathname,
    canonicalQuery,
    names.map((n) => `${n}:${headers[n]}\n`).join(''),
    names.join(';'),
    req.payloadHash,
  ].join('\n');
  const scope = `${day}/${s.region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  let key = hmac(`AWS4${s.secretKey}`, day);
  for (const part of [s.region, 's3', 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  headers.authorization =
    `AWS4-HMAC-SHA256 Credential=${s.accessKey}/${scope}, ` +
    `SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return headers;
}

export class S3FileStore implements FileStore {
  readonly label: string;

  constructor(
    private readonly s: S3Settings,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.label = `S3 bucket ${s.bucket} at ${s.endpoint}`;
  }

  private async send(method: string, key: string, body?: Buffer, contentType?: string) {
    const url = new URL(
      `${this.s.endpoint}/${encode(this.s.bucket)}/${checkKey(key).split('/').map(encode).join('/')}`,
    );
    const payloadHash = sha256(body ?? '');
    const headers = signV4(this.s, {
      method,
      url,
      headers: contentType ? { 'content-type': contentType } : {},
      payloadHash,
      now: this.now(),
    });
    delete headers.host;
    return fetch(url, {
      method,
      headers,
      ...(body ? { body: new Uint8Array(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
  }

  private static async fail(op: string, res: Response): Promise<never> {
    const text = (await res.text().catch(() => '')).slice(0, 300);
    throw new Error(`S3 ${op} answered ${res.status}: ${text}`);
  }

  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    const res = await this.send('PUT', key, bytes, contentType);
    if (!res.ok) await S3FileStore.fail('PUT', res);
    await res.arrayBuffer();
  }

  async get(key: string): Promise<Buffer | undefined> {
    const res = await this.send('GET', key);
    if (res.status === 404) {
      await res.arrayBuffer();
      return undefined;
    }
    if (!res.ok) await S3FileStore.fail('GET', res);
    return Buffer.from(await res.arrayBuffer());
  }

  async delete(key: string): Promise<void> {
    const res = await this.send('DELETE', key);
    if (!res.ok && res.status !== 404) await S3FileStore.fail('DELETE', res);
    await res.arrayBuffer();
  }
}
