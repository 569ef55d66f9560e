/**
 * Signed, expiring links to the report exports (the statistics, and the
 * queue under a filter): a browser downloads a CSV or XLSX file by following
 * a plain link (no Authorization header), so the console asks for a link
 * first. The link carries the query, the format and the caller's role and
 * scope at that moment, signed with a key derived from the server's secret
 * key (the same in every CityOps process of a deployment), and is valid for
 * LINK_SECONDS. A link of one kind never opens the other.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ReportFilter, ReportListSort } from '@cityops/contracts';
import type { Principal } from '../core/auth/principal.js';
import { NotFoundError } from '../core/errors.js';

export const LINK_SECONDS = 300;

export interface ExportQuery {
  groupBy: 'agency' | 'unit';
  from: string;
  to: string;
  lang: 'vi' | 'en' | 'both';
}

/** The queue under a filter, as the list route reads it. */
export interface ListExportQuery {
  filter: ReportFilter;
  sort: ReportListSort;
  lang: 'vi' | 'en' | 'both';
}

type User = Extract<Principal, { kind: 'user' }>;

interface Payload {
  /** Absent: the statistics (links made before the queue export had no kind). */
  k?: 'list';
  q: ExportQuery | ListExportQuery;
  f: 'csv' | 'xlsx';
  u: string;
  r: Extract<Principal, { kind: 'user' }>['role'];
  s: Principal['scope'];
  e: number;
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export class ExportLinks {
  private key: Promise<Buffer>;

  constructor(secretKey: () => Promise<Buffer>) {
    this.key = secretKey().then((k) =>
      createHmac('sha256', k).update('cityops report exports v1').digest(),
    );
  }

  private async sign(body: string): Promise<string> {
    return b64(
      createHmac('sha256', await this.key)
        .update(body)
        .digest(),
    );
  }

  /** A link token for a staff user's export of the statistics. */
  make(
    p: User,
    format: 'csv' | 'xlsx',
    q: ExportQuery,
    now: Date,
  ): Promise<{ token: string; expiresAt: string }> {
    return this.seal(p, { q, f: format }, now);
  }

  /** A link token for a staff user's export of the queue under a filter (CSV). */
  makeList(p: User, q: ListExportQuery, now: Date): Promise<{ token: string; expiresAt: string }> {
    return this.seal(p, { k: 'list', q, f: 'csv' }, now);
  }

  /** The statistics export a token stands for; 404 when it is forged, altered, expired or another kind. */
  async open(
    token: string,
    format: 'csv' | 'xlsx',
    now: Date,
  ): Promise<{ principal: Principal; query: ExportQuery }> {
    const p = await this.unseal(token, now);
    if (p.k !== undefined || p.f !== format) throw gone();
    return { principal: principalOf(p), query: p.q as ExportQuery };
  }

  /** The queue export a token stands for; 404 as for open(). */
  async openList(
    token: string,
    now: Date,
  ): Promise<{ principal: Principal; query: ListExportQuery }> {
    const p = await this.unseal(token, now);
    if (p.k !== 'list') throw gone();
    return { principal: principalOf(p), query: p.q as ListExportQuery };
  }

  private async seal(
    p: User,
    what: Pick<Payload, 'k' | 'q' | 'f'>,
    now: Date,
  ): Promise<{ token: string; expiresAt: string }> {
    const e = Math.floor(now.getTime() / 1000) + LINK_SECONDS;
    const payload: Payload = { ...what, u: p.id, r: p.role, s: p.scope, e };
    const body = b64(JSON.stringify(payload));
    return {
      token: `${body}.${await this.sign(body)}`,
      expiresAt: new Date(e * 1000).toISOString(),
    };
  }

  private async unseal(token: string, now: Date): Promise<Payload> {
    const [body, sig] = token.split('.');
    if (!body || !sig) throw gone();
    const expected = Buffer.from(await this.sign(body));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw gone();
    const p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
    if (p.e * 1000 <= now.getTime()) throw gone();
    return p;
  }
}

const gone = () => new NotFoundError('Export link (it is invalid or has expired; ask again)');

function principalOf(p: Payload): Principal {
  return {
    kind: 'user',
    id: p.u,
    email: '',
    name: '',
    role: p.r,
    sessionId: 'export-link',
    scope: p.s,
  };
}
