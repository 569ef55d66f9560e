/**
 * A loopback HTTP server standing for many cameras' snapshot endpoints (no
 * real camera exists here): `/<name>.jpg` answers a JPEG after `delayMs`, or
 * never when the name starts with `silent`. It counts requests per path and
 * the most requests it held at once, which the refresh tests check.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

export interface ImageServer {
  urlOf(name: string): string;
  hits(name: string): number;
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startImageServer(delayMs = 0): Promise<ImageServer> {
  const jpeg = await sharp({
    create: { width: 640, height: 480, channels: 3, background: { r: 20, g: 90, b: 160 } },
  })
    .jpeg()
    .toBuffer();
  const hits = new Map<string, number>();
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const server = http.createServer((req, res) => {
    const name = (req.url ?? '/').slice(1).replace(/\.jpg$/, '');
    hits.set(name, (hits.get(name) ?? 0) + 1);
    if (name.startsWith('silent')) return; // accepts and never answers
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    setTimeout(() => {
      inFlight--;
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg);
    }, delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    urlOf: (name) => `http://127.0.0.1:${port}/${name}.jpg`,
    hits: (name) => hits.get(name) ?? 0,
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
