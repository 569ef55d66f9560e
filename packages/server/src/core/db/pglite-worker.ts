/**
 * The main thread's side of the database thread: PGlite runs in a worker
 * (pglite-thread.ts) and this object stands in for it behind the same calls.
 * Each statement is one message there and one back (structured clone: Dates,
 * arrays, JSON values and Uint8Arrays arrive as they left). A transaction is
 * held open in the thread while the caller's function runs here, and its
 * statements are sent into it by id. If the thread dies, every waiting call
 * and every later one fails with the reason; nothing waits forever.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { Queryable, Row } from './db.js';
import type { Sql } from './sql.js';
import {
  receivedError,
  sendableError,
  type Reply,
  type Request,
  type SentError,
  type ThreadStart,
} from './pglite-protocol.js';

/**
 * Run from the TypeScript source (tests, benchmarks), the thread needs a
 * TypeScript loader of its own; the built code starts the compiled file.
 */
const entry = import.meta.url.endsWith('.ts')
  ? new URL('./pglite-thread.source.mjs', import.meta.url)
  : new URL('./pglite-thread.js', import.meta.url);

/**
 * The thread's own JavaScript heap. PostgreSQL's memory (the WebAssembly heap,
 * PGlite's own files) is outside it; what is inside is result rows on their way
 * out, which live for one answer, so the young generation is kept small (an
 * idle server carries it whole: 16 MB held ~12 MB more than 4) and the old one
 * is allowed what a big result needs.
 */
const LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 1024 };

type Ask = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** Values a statement can carry as they are; other objects would lose their class on the way. */
function sendableParams(values: unknown[]): unknown[] {
  let out = values;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Date) continue;
    if (v instanceof Uint8Array) {
      // A Buffer from Node's pool, or a slice of a larger one, would carry its whole backing store.
      if (v.byteLength !== v.buffer.byteLength) {
        if (out === values) out = [...values];
        out[i] = new Uint8Array(v);
      }
      continue;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) continue;
    const kind = (proto as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    throw new TypeError(
      `query parameter $${i + 1} is a ${kind}, which the database thread would receive as a plain ` +
        `object; pass a string, number, boolean, Date, array, Uint8Array or plain object`,
    );
  }
  return out;
}

export class DatabaseThread {
  private readonly pending = new Map<number, (r: Reply) => void>();
  private nextId = 1;
  private failure: SentError | undefined;
  private closing = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (r: Reply) => this.answer(r));
    worker.on('error', (err) =>
      this.fail(`the embedded database thread failed: ${err.message}; restart CityOps`),
    );
    worker.on('messageerror', (err) => {
      this.fail(`the embedded database thread sent an unreadable answer: ${err.message}`);
      void worker.terminate();
    });
    worker.on('exit', (code) =>
      this.fail(
        this.closing
          ? 'PGlite is closed'
          : `the embedded database thread stopped (exit code ${code}); restart CityOps`,
      ),
    );
  }

  /** Starts the thread and waits until PostgreSQL is up in it (or failed to start). */
  static async start(start: ThreadStart, limits = LIMITS): Promise<DatabaseThread> {
    const worker = new Worker(entry, {
      workerData: start,
      transferList: start.loadDataDir ? [start.loadDataDir] : [],
      resourceLimits: limits,
      // The thread loads only PGlite; the parent's flags (a TypeScript loader among them) are not for it.
      execArgv: process.execArgv.filter((a) => a === '--enable-source-maps'),
    });
    const thread = new DatabaseThread(worker);
    const started = await new Promise<Reply>((resolve) => thread.pending.set(0, resolve));
    if (!started.ok) {
      thread.closing = true;
      await worker.terminate();
      throw receivedError(started.error);
    }
    return thread;
  }

  async query<R = Row>(q: Sql, txId?: number): Promise<R[]> {
    const r = await this.ask({ op: 'query', text: q.text, params: sendableParams(q.values), txId });
    if (!r.ok) throw receivedError(r.error);
    return r.rows as R[];
  }

  async exec(script: string, txId?: number): Promise<void> {
    const r = await this.ask({ op: 'exec', text: script, txId });
    if (!r.ok) throw receivedError(r.error);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const begun = await this.ask({ op: 'begin' });
    if (!begun.ok) throw receivedError(begun.error);
    const txId = begun.id;
    let closed = false;
    const isClosed = () => Promise.reject(new Error('Transaction is closed'));
    const tx: Queryable = {
      query: <R = Row>(q: Sql) => (closed ? isClosed() : this.query<R>(q, txId)),
      exec: (script: string) => (closed ? isClosed() : this.exec(script, txId)),
    };
    let result: T;
    try {
      result = await fn(tx);
    } catch (err) {
      closed = true;
      // PostgreSQL's answer to ROLLBACK adds nothing to the caller's error.
      await this.ask({ op: 'end', txId, commit: false });
      throw err;
    }
    closed = true;
    const end = await this.ask({ op: 'end', txId, commit: true });
    if (!end.ok) throw receivedError(end.error);
    return result;
  }

  /** The data folder as a tarball (for the test template). */
  async dumpDataDir(): Promise<Blob> {
    const r = await this.ask({ op: 'dump' });
    if (!r.ok) throw receivedError(r.error);
    return new Blob([r.data!]);
  }

  /** Closes PGlite in the thread and ends the thread. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.failure) {
      // Nothing left to close in a thread that died.
      await this.worker.terminate();
      return;
    }
    try {
      const r = await this.ask({ op: 'close' });
      if (!r.ok) throw receivedError(r.error);
    } finally {
      await this.worker.terminate();
    }
  }

  private ask(req: Ask): Promise<Reply> {
    const id = this.nextId++;
    if (this.failure) return Promise.resolve({ id, ok: false, error: this.failure });
    try {
      this.worker.postMessage({ ...req, id });
    } catch (err) {
      return Promise.resolve({ id, ok: false, error: sendableError(err, false) });
    }
    // The thread keeps the process alive only while a call waits on it, as PGlite
    // on the main thread does not keep it alive at all.
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve) => this.pending.set(id, resolve));
  }

  private answer(r: Reply): void {
    const resolve = this.pending.get(r.id);
    if (!resolve) return;
    this.pending.delete(r.id);
    if (this.pending.size === 0) this.worker.unref();
    resolve(r);
  }

  private fail(message: string): void {
    if (this.failure) return;
    this.failure = { name: 'Error', message, fields: {} };
    for (const [id, resolve] of this.pending) resolve({ id, ok: false, error: this.failure });
    this.pending.clear();
  }
}
