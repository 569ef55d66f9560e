/**
 * The agencies as the reports module needs them (names for views, kinds and
 * served units for routing), read through the people module's service and
 * cached for a minute; an unknown code refreshes the cache once.
 */
import type { Agency } from '../people/agencies.service.js';

export type ListAgencies = (opts: {
  after?: string | undefined;
  limit: number;
}) => Promise<Agency[]>;

export interface AgencyRef {
  code: string;
  nameVi: string;
  nameEn: string;
}

const CACHE_MS = 60_000;
const PAGE = 500;

export class AgencyDirectory {
  private cache: { byCode: Map<string, Agency>; until: number } | undefined;
  private loading: Promise<Map<string, Agency>> | undefined;

  constructor(private readonly listAgencies: ListAgencies) {}

  private async load(): Promise<Map<string, Agency>> {
    const byCode = new Map<string, Agency>();
    let after: string | undefined;
    for (;;) {
      const page = await this.listAgencies({ after, limit: PAGE });
      for (const a of page) byCode.set(a.code, a);
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.code;
    }
    this.cache = { byCode, until: Date.now() + CACHE_MS };
    return byCode;
  }

  async all(): Promise<Map<string, Agency>> {
    if (this.cache && this.cache.until > Date.now()) return this.cache.byCode;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** The agency, refreshing once when the code is not known yet. */
  async find(code: string): Promise<Agency | undefined> {
    const a = (await this.all()).get(code);
    if (a) return a;
    this.cache = undefined;
    return (await this.all()).get(code);
  }

  async ref(code: string | null): Promise<AgencyRef | null> {
    if (!code) return null;
    const a = await this.find(code);
    return a
      ? { code: a.code, nameVi: a.nameVi, nameEn: a.nameEn }
      : { code, nameVi: code, nameEn: code };
  }

  /** Which of the codes name no agency. */
  async unknown(codes: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const c of codes) if (!(await this.find(c))) out.push(c);
    return out;
  }

  /** The People's Committee serving a unit, if one does. */
  async committeeOf(unit: string): Promise<string | null> {
    for (const a of (await this.all()).values()) {
      if (a.kind === 'people_committee' && a.units.includes(unit)) return a.code;
    }
    return null;
  }

  forget(): void {
    this.cache = undefined;
  }
}
