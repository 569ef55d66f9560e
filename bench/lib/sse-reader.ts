/**
 * Live-stream (SSE) clients in their own process: one or a thousand
 * connections to GET /api/v1/stream, each reading every frame. It counts
 * events per client since the last `mark`, checks that ids only go up, and,
 * with `latency`, takes now − data.sentAt of each event as a sample (the
 * generator stamps it; same machine, same clock).
 *
 * Commands: `open` (url, token, clients), `mark`, `report`, `exit`.
 */
import fs from 'node:fs';
import http from 'node:http';
import { cpuSeconds, onCommands, tell, type Command } from './child.js';
import type { SseConfig, SseReport } from './load-types.js';

interface Client {
  req: http.ClientRequest;
  open: boolean;
  events: number;
  lastId: number;
  outOfOrder: number;
}

let config: SseConfig;
const clients: Client[] = [];
let samples: number[] = [];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}

function open(): Promise<Client> {
  return new Promise((resolve, reject) => {
    const req = http.get(config.url, {
      agent: false,
      headers: { accept: 'text/event-stream', authorization: `Bearer ${config.token}` },
    });
    const c: Client = { req, open: false, events: 0, lastId: 0, outOfOrder: 0 };
    req.on('error', (err) => (c.open ? (c.open = false) : reject(err)));
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`stream answered ${res.statusCode}`));
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      let connected = false;
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith(':')) {
            if (!connected && frame.startsWith(': connected')) {
              connected = true;
              c.open = true;
              resolve(c);
            }
            continue;
          }
          if (!frame.startsWith('id: ')) continue;
          const id = Number(frame.slice(4, frame.indexOf('\n')));
          if (id <= c.lastId) c.outOfOrder++;
          c.lastId = id;
          c.events++;
          if (config.latency) {
            const at = frame.indexOf('\ndata: ');
            const e = JSON.parse(frame.slice(at + 7)) as { data?: { sentAt?: unknown } };
            const sentAt = e.data?.sentAt;
            if (typeof sentAt === 'number') {
              samples.push(Date.now() - sentAt);
              if (process.env.CITYOPS_BENCH_LATENCY_DUMP)
                dump.push(Date.now(), Date.now() - sentAt);
            }
          }
        }
      });
      res.on('close', () => (c.open = false));
    });
  });
}

/** With CITYOPS_BENCH_LATENCY_DUMP (a file name): every sample as [received at, latency] pairs, for a look at when the slow ones came. */
const dump: number[] = [];

onCommands({
  async open(m: Command) {
    config = m.config as SseConfig;
    // A few at a time, like browsers coming back after a restart.
    for (let i = 0; i < config.clients; i += 50) {
      const batch = [];
      for (let j = i; j < Math.min(config.clients, i + 50); j++) batch.push(open());
      clients.push(...(await Promise.all(batch)));
    }
    tell({ type: 'opened', clients: clients.length });
  },
  mark() {
    for (const c of clients) {
      c.events = 0;
      c.outOfOrder = 0;
    }
    samples = [];
    dump.length = 0;
    tell({ type: 'marked' });
  },
  report(m: Command) {
    const atLeast = Number(m.atLeast ?? 0);
    const counts = clients.map((c) => c.events);
    const ids = clients.map((c) => c.lastId);
    if (process.env.CITYOPS_BENCH_LATENCY_DUMP)
      fs.writeFileSync(process.env.CITYOPS_BENCH_LATENCY_DUMP, JSON.stringify(dump));
    const sorted = samples.sort((a, b) => a - b);
    const r: SseReport = {
      type: 'report',
      open: clients.filter((c) => c.open).length,
      behind: counts.filter((n) => n < atLeast).length,
      minEvents: Math.min(...counts),
      maxEvents: Math.max(...counts),
      totalEvents: counts.reduce((a, b) => a + b, 0),
      outOfOrder: clients.reduce((n, c) => n + c.outOfOrder, 0),
      ...(config.latency
        ? {
            latency: {
              n: sorted.length,
              p50: percentile(sorted, 50),
              p99: percentile(sorted, 99),
              max: sorted[sorted.length - 1] ?? NaN,
            },
          }
        : {}),
      cpuSeconds: cpuSeconds(),
      lastIds: { min: Math.min(...ids), max: Math.max(...ids) },
    };
    tell(r);
  },
  exit() {
    for (const c of clients) c.req.destroy();
  },
});
