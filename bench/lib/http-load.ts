/**
 * An HTTP load generator in its own process, so that its requests and their
 * parsing never share the event loop of the server under test: `concurrency`
 * loops over keep-alive connections, each sending the next request of a
 * rotating list until the time is up, after a warm-up.
 *
 * Commands: `run` {base, requests, concurrency, ms, warmupMs} → `result`; `exit`.
 */
import http from 'node:http';
import { percentile } from '../harness.js';
import { cpuSeconds, onCommands, tell, type Command } from './child.js';

export interface HttpReq {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface HttpLoadResult {
  type: 'result';
  rps: number;
  p50: number;
  p95: number;
  errors: number;
  /** Bytes of an answer's body, on average. */
  bytes: number;
  /** CPU seconds this generator used while measuring. */
  cpuSeconds: number;
}

async function run(m: Command): Promise<HttpLoadResult> {
  const base = new URL(String(m.base));
  const requests = m.requests as HttpReq[];
  const concurrency = Number(m.concurrency);
  const ms = Number(m.ms);
  const warmupMs = Number(m.warmupMs ?? 1000);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const send = (r: HttpReq) =>
    new Promise<{ status: number; bytes: number }>((resolve, reject) => {
      const req = http.request(
        {
          host: base.hostname,
          port: base.port,
          method: r.method,
          path: r.path,
          agent,
          headers: r.headers,
        },
        (res) => {
          let bytes = 0;
          res.on('data', (c: Buffer) => (bytes += c.length));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(r.body);
    });
  let counter = 0;
  const loop = async (
    until: number,
    out: { lat: number[]; errors: number; bytes: number } | null,
  ) => {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) {
          const t0 = performance.now();
          const res = await send(requests[counter++ % requests.length]!);
          if (!out) continue;
          out.lat.push(performance.now() - t0);
          out.bytes += res.bytes;
          if (res.status >= 300) out.errors++;
        }
      }),
    );
  };
  await loop(performance.now() + warmupMs, null);
  const out = { lat: [] as number[], errors: 0, bytes: 0 };
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  await loop(t0 + ms, out);
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - cpu0;
  agent.destroy();
  return {
    type: 'result',
    rps: out.lat.length / elapsed,
    p50: percentile(out.lat, 50),
    p95: percentile(out.lat, 95),
    errors: out.errors,
    bytes: out.lat.length ? out.bytes / out.lat.length : 0,
    cpuSeconds: cpu,
  };
}

onCommands({
  async run(m: Command) {
    tell(await run(m));
  },
});
