/**
 * A minimal S3-compatible server for tests (there is no S3 server here): one
 * bucket, PUT, GET and DELETE of objects by key, path-style, and every
 * request's SigV4 Authorization header recomputed and compared.
 */
import http from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseS3Url, signV4, type S3Settings } from '../../src/files/s3.store.js';

/** A minimal S3-compatible server: one bucket, objects by key, signature checked. */
export class FakeS3 {
  readonly objects = new Map<string, { body: Buffer; type: string }>();
  refused = 0;
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url!, `http://${req.headers.host}`);
      const headers: Record<string, string> = {};
      const signed =
        /SignedHeaders=([^,]+)/.exec(req.headers.authorization ?? '')?.[1]?.split(';') ?? [];
      for (const h of signed)
        if (h !== 'host' && h !== 'x-amz-date' && h !== 'x-amz-content-sha256')
          headers[h] = String(req.headers[h]);
      const hash = createHash('sha256').update(body).digest('hex');
      const expected = signV4(this.settings, {
        method: req.method!,
        url,
        headers,
        payloadHash: hash,
        now: new Date(
          String(req.headers['x-amz-date']).replace(
            /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
            '$1-$2-$3T$4:$5:$6Z',
          ),
        ),
      }).authorization;
      if (req.headers.authorization !== expected || req.headers['x-amz-content-sha256'] !== hash) {
        this.refused++;
        res.writeHead(403).end('<Error><Code>SignatureDoesNotMatch</Code></Error>');
        return;
      }
      const key = decodeURIComponent(url.pathname.replace(`/${this.settings.bucket}/`, ''));
      if (req.method === 'PUT') {
        this.objects.set(key, { body, type: String(req.headers['content-type']) });
        res.writeHead(200).end();
      } else if (req.method === 'GET') {
        const o = this.objects.get(key);
        if (!o) res.writeHead(404).end('<Error><Code>NoSuchKey</Code></Error>');
        else res.writeHead(200, { 'content-type': o.type }).end(o.body);
      } else if (req.method === 'DELETE') {
        this.objects.delete(key);
        res.writeHead(204).end();
      } else res.writeHead(405).end();
    });
  });
  settings!: S3Settings;

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const port = (this.server.address() as AddressInfo).port;
    const url = `s3://AKIDTEST:s3cr3t%2Bkey@127.0.0.1:${port}/cityops-photos`;
    this.settings = parseS3Url(url);
    return url;
  }
  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
