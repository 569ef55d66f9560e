/**
 * A small fetch wrapper for the CityOps JSON API: the bearer token (kept in
 * sessionStorage, so it ends with the tab), problem+json errors, and signals
 * for "the server is unreachable" and "the session ended".
 */
import { ApiError, problemFrom } from './errors';

const TOKEN_KEY = 'cityops.token';

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query | undefined;
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** Parse the answer as JSON (default) or hand back the raw text. */
  as?: 'json' | 'text';
  /** Give up (TooLargeError) once the body grows past this many bytes. */
  maxBytes?: number;
}

/** The answer was larger than the caller was willing to read. */
/**
 * The page's language (set by the I18nProvider on <html lang>) as the
 * Accept-Language of API calls: the server's refusals then come in the
 * language the user reads, not the browser's.
 */
export function languageHeader(): Record<string, string> {
  const lang = typeof document === 'undefined' ? '' : document.documentElement.lang;
  return lang === 'vi' || lang === 'en' ? { 'accept-language': lang } : {};
}

export class TooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The answer is larger than ${maxBytes} bytes.`);
    this.name = 'TooLargeError';
  }
}

/** Reads a body as text, stopping once it passes `maxBytes`. */
async function readCapped(res: Response, maxBytes: number): Promise<string> {
  const length = Number(res.headers.get('content-length') ?? NaN);
  if (length > maxBytes || !res.body) {
    if (length > maxBytes) {
      await res.body?.cancel();
      throw new TooLargeError(maxBytes);
    }
    return res.text();
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new TooLargeError(maxBytes);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

type Listener<T> = (value: T) => void;

function readToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

export class ApiClient {
  private token: string | null = readToken();
  private reachable = true;
  private readonly reachability = new Set<Listener<boolean>>();
  private readonly expiry = new Set<Listener<void>>();

  constructor(private readonly baseUrl = '') {}

  getToken(): string | null {
    return this.token;
  }

  /** The Authorization header of the session, for requests made outside request(). */
  authHeaders(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  setToken(token: string | null): void {
    this.token = token;
    try {
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // Storage disabled: the token lives in memory for this page only.
    }
  }

  /** Absolute URL of an API path, for code that fetches on its own (map tiles). */
  url(path: string): string {
    return new URL(this.baseUrl + path, window.location.href).href;
  }

  isReachable(): boolean {
    return this.reachable;
  }

  /** Called with false when a request gets no answer, and with true when one gets through again. */
  onReachability(listener: Listener<boolean>): () => void {
    this.reachability.add(listener);
    return () => this.reachability.delete(listener);
  }

  /** Called when the server refuses the token (expired or revoked). */
  onSessionExpired(listener: Listener<void>): () => void {
    this.expiry.add(listener);
    return () => this.expiry.delete(listener);
  }

  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, { query, signal });
  }

  post<T>(path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    return this.request<T>('POST', path, { body: body ?? {}, signal });
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...this.authHeaders(),
      ...languageHeader(),
    };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.baseUrl + withQuery(path, opts.query), {
        method,
        headers,
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      this.setReachable(false);
      throw new ApiError(0, null, `Network error: ${(err as Error).message}`);
    }
    // A reverse proxy answers 502/504 when CityOps behind it is down.
    this.setReachable(res.status !== 502 && res.status !== 504);
    if (!res.ok) {
      const problem = await problemFrom(res);
      if (res.status === 401) this.sessionRefused();
      throw new ApiError(res.status, problem, problem.detail ?? problem.title);
    }
    if (res.status === 204) return undefined as T;
    const text =
      opts.maxBytes === undefined ? await res.text() : await readCapped(res, opts.maxBytes);
    return (opts.as === 'text' ? text : JSON.parse(text)) as T;
  }

  /** The server refused the token (also for calls made outside request(), like the live stream). */
  sessionRefused(): void {
    if (!this.token) return;
    this.setToken(null);
    for (const l of this.expiry) l();
  }

  /** Tells the reachability listeners how a call made outside request() went. */
  reportReachable(value: boolean): void {
    this.setReachable(value);
  }

  private setReachable(value: boolean): void {
    if (value === this.reachable) return;
    this.reachable = value;
    for (const l of this.reachability) l(value);
  }
}
