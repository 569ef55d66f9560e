/**
 * The database thread: PGlite runs here, in a worker, so that PostgreSQL's work
 * does not hold up the main thread's event loop (HTTP, MQTT, live stream).
 * It answers the requests of pglite-worker.ts, in the order they arrive;
 * statements outside a transaction wait behind an open one on PGlite's own
 * lock, as they would on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { startPglite } from './pglite-setup.js';
import { sendableError, type Reply, type Request, type ThreadStart } from './pglite-protocol.js';

const port = parentPort!;
const start = workerData as ThreadStart;

function send(reply: Reply, transfer: ArrayBuffer[] = []): void {
  try {
    port.postMessage(reply, transfer);
  } catch (err) {
    // Rows that cannot be cloned (none of PGlite's types, but say so rather than hang).
    port.postMessage({ id: reply.id, ok: false, error: sendableError(err, false) });
  }
}

function fail(id: number, err: unknown): void {
  try {
    port.postMessage({ id, ok: false, error: sendableError(err) });
  } catch {
    port.postMessage({ id, ok: false, error: sendableError(err, false) });
  }
}

interface OpenTx {
  tx: Transaction;
  end(endId: number, commit: boolean): void;
}

/** Thrown inside pg.transaction to have PGlite roll back; not an error to report. */
const ROLLBACK = new Error('rollback');

let pg: PGlite;
const open = new Map<number, OpenTx>();

function target(txId: number | undefined): PGlite | Transaction {
  if (txId === undefined) return pg;
  const t = open.get(txId);
  if (!t) throw new Error('Transaction is closed');
  return t.tx;
}

function begin(id: number): void {
  let begun = false;
  let endId = id;
  pg.transaction(async (tx) => {
    begun = true;
    const commit = await new Promise<boolean>((resolve) => {
      open.set(id, {
        tx,
        end(eid, c) {
          endId = eid;
          resolve(c);
        },
      });
      send({ id, ok: true });
    });
    open.delete(id);
    if (!commit) throw ROLLBACK;
  }).then(
    () => send({ id: endId, ok: true }),
    (err: unknown) => {
      open.delete(id);
      if (err === ROLLBACK) send({ id: endId, ok: true });
      else fail(begun ? endId : id, err);
    },
  );
}

async function handle(m: Request): Promise<void> {
  switch (m.op) {
    case 'query': {
      const res = await target(m.txId).query(m.text, m.params);
      send({ id: m.id, ok: true, rows: res.rows });
      return;
    }
    case 'exec':
      await target(m.txId).exec(m.text);
      send({ id: m.id, ok: true });
      return;
    case 'begin':
      begin(m.id);
      return;
    case 'end': {
      const t = open.get(m.txId);
      if (!t) throw new Error('Transaction is closed');
      t.end(m.id, m.commit);
      return;
    }
    case 'dump': {
      const blob = await pg.dumpDataDir('none');
      const data = await blob.arrayBuffer();
      send({ id: m.id, ok: true, data }, [data]);
      return;
    }
    case 'close':
      await pg.close();
      send({ id: m.id, ok: true });
      port.close();
      return;
  }
}

try {
  pg = await startPglite({
    ...(start.pgdata ? { pgdata: start.pgdata } : {}),
    ...(start.sharedBuffers ? { sharedBuffers: start.sharedBuffers } : {}),
    ...(start.loadDataDir ? { loadDataDir: new Blob([start.loadDataDir]) } : {}),
  });
  port.on('message', (m: Request) => {
    handle(m).catch((err: unknown) => fail(m.id, err));
  });
  send({ id: 0, ok: true });
} catch (err) {
  fail(0, err);
}
