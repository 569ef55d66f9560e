/**
 * The messages between the main thread and the database thread (PGlite in a
 * worker), and how an error crosses between them with PostgreSQL's fields
 * (code, detail, constraint, …) intact: structured clone keeps an Error's
 * message but drops the fields callers map to HTTP answers.
 */

/** What the database thread is started with (workerData). */
export interface ThreadStart {
  pgdata?: string;
  sharedBuffers?: string;
  /** A dumpDataDir tarball, transferred rather than copied. */
  loadDataDir?: ArrayBuffer;
}

/** Main → database thread. A txId sends the statement into that open transaction. */
export type Request =
  | { id: number; op: 'query'; text: string; params: unknown[]; txId?: number }
  | { id: number; op: 'exec'; text: string; txId?: number }
  /** Opens a transaction; its id is the request's id. Answered once BEGIN has run. */
  | { id: number; op: 'begin' }
  /** Ends the transaction: COMMIT or ROLLBACK. Answered when it is over. */
  | { id: number; op: 'end'; txId: number; commit: boolean }
  | { id: number; op: 'dump' }
  | { id: number; op: 'close' };

/** Database thread → main. Id 0 answers the start. */
export type Reply =
  | { id: number; ok: true; rows?: unknown[]; data?: ArrayBuffer }
  | { id: number; ok: false; error: SentError };

export interface SentError {
  name: string;
  message: string;
  /** The error's own fields: PostgreSQL's (code, detail, constraint, …), and PGlite's query. */
  fields: Record<string, unknown>;
}

const plain = (v: unknown) =>
  v === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof v);

/** In the database thread: an error as it can be posted. `full` keeps non-scalar fields (params). */
export function sendableError(err: unknown, full = true): SentError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err)) if (full || plain(v)) fields[k] = v;
  return { name: err.name, message: err.message, fields };
}

/**
 * On the main thread: the error to throw. Made here, after the await, so that
 * its stack shows the caller's async frames.
 */
export function receivedError(e: SentError): Error {
  const err = new Error(e.message);
  Error.captureStackTrace(err, receivedError);
  Object.assign(err, e.fields);
  if (!('name' in e.fields) && e.name !== 'Error') err.name = e.name;
  return err;
}
