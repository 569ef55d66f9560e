/**
 * A loopback Web Push service for the tests (a real one cannot be reached
 * here; the reports module takes loopback http endpoints in tests only): a
 * plain HTTP server that records each request and answers the statuses it is
 * told, then 201; and a browser's side of a subscription (its endpoint and
 * P-256 keys), which decrypts an aes128gcm body with http_ece, the library
 * web-push itself uses, as the browser would.
 */
import http from 'node:http';
import { createECDH, randomBytes, type ECDH } from 'node:crypto';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { PushMessage } from '@cityops/contracts';

const ece = createRequire(import.meta.url)('http_ece') as {
  decrypt(
    body: Buffer,
    params: { version: 'aes128gcm'; privateKey: ECDH; authSecret: string },
  ): Buffer;
};

/** Records requests; answers `next` statuses first, then 201. */
export class PushService {
  readonly received: Array<{ path: string; headers: http.IncomingHttpHeaders; body: Buffer }> = [];
  next: number[] = [];
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.received.push({ path: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(this.next.shift() ?? 201).end();
    });
  });
  base = '';
  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

export type PushBrowser = ReturnType<typeof pushBrowser>;

/** A browser's side of a subscription at `service`: its endpoint and keys. */
export function pushBrowser(service: PushService, name: string) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16).toString('base64url');
  return {
    ecdh,
    auth,
    endpoint: `${service.base}/push/${name}-${randomBytes(8).toString('hex')}`,
    /** The subscription as PushSubscription.toJSON() gives it, with the language. */
    json(lang: 'vi' | 'en' = 'vi') {
      return {
        endpoint: this.endpoint,
        expirationTime: null,
        keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth },
        lang,
      };
    },
    /** The plain text of a pushed body. */
    decrypt(body: Buffer): string {
      return ece
        .decrypt(body, { version: 'aes128gcm', privateKey: ecdh, authSecret: auth })
        .toString('utf8');
    },
    open(body: Buffer): PushMessage {
      return JSON.parse(this.decrypt(body)) as PushMessage;
    },
  };
}
