/** A small Server-Sent Events reader over node:http for the stream tests. */
import http from 'node:http';

export interface SseEvent {
  id: number;
  event: string;
  data: { seq: number; type: string; assetId: string | null; adminUnit: string | null };
}

export interface SseConnection {
  status: number;
  events: SseEvent[];
  comments: string[];
  /** Resolves when the predicate holds (checked on every frame), rejects after the timeout. */
  until(pred: (c: SseConnection) => boolean, timeoutMs?: number): Promise<void>;
  pause(): void;
  close(): void;
  closed: Promise<void>;
}

export function openStream(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${baseUrl}${path}`, {
      headers: { accept: 'text/event-stream', ...headers },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const waiters = new Set<() => void>();
      let buffer = '';
      let closedResolve: () => void = () => undefined;
      const conn: SseConnection = {
        status: res.statusCode ?? 0,
        events: [],
        comments: [],
        until(pred, timeoutMs = 20_000) {
          if (pred(conn)) return Promise.resolve();
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`stream wait timed out with ${conn.events.length} events`));
            }, timeoutMs);
            const check = () => {
              if (!pred(conn)) return;
              clearTimeout(timer);
              waiters.delete(check);
              ok();
            };
            waiters.add(check);
          });
        },
        pause: () => res.pause(),
        close: () => {
          req.destroy();
        },
        closed: new Promise((r) => (closedResolve = r)),
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) conn.comments.push(line.slice(1).trim());
            const m = /^(\w+): ?(.*)$/.exec(line);
            if (m) fields[m[1]!] = m[2]!;
          }
          if (fields.data !== undefined) {
            conn.events.push({
              id: Number(fields.id),
              event: fields.event ?? 'message',
              data: JSON.parse(fields.data) as SseEvent['data'],
            });
          }
        }
        for (const w of [...waiters]) w();
      });
      const done = () => closedResolve();
      res.on('close', done);
      res.on('error', done);
      res.on('aborted', done);
      req.on('close', done);
      req.socket?.on('close', done);
      if (conn.status !== 200) {
        let body = '';
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(Object.assign(conn, { comments: [body] })));
        return;
      }
      resolve(conn);
    });
  });
}

/** Opens a stream and waits until it is subscribed (its `connected` comment). */
export async function subscribe(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<SseConnection> {
  const c = await openStream(baseUrl, path, headers);
  if (c.status !== 200) throw new Error(`stream answered ${c.status}: ${c.comments.join('')}`);
  await c.until((x) => x.comments.includes('connected'));
  return c;
}
