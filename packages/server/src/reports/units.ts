/**
 * Admin unit names for report answers (the citizen app shows "Phường Phan
 * Đình Phùng", not a code), from the geo module, cached: a few hundred units
 * that change a few times a year.
 */
import type { AdminUnitsService } from '../geo/admin-units.service.js';

const CACHE_MS = 10 * 60_000;

export interface UnitRef {
  code: string;
  nameVi: string;
  nameEn: string;
}

export class UnitNames {
  private cache: { byCode: Map<string, UnitRef>; until: number } | undefined;
  private loading: Promise<Map<string, UnitRef>> | undefined;

  constructor(private readonly geo: Pick<AdminUnitsService, 'list'>) {}

  private load(): Promise<Map<string, UnitRef>> {
    this.loading ??= this.geo
      .list({ limit: 10_000 })
      .then((units) => {
        const byCode = new Map(
          units.map((u) => [u.code, { code: u.code, nameVi: u.nameVi, nameEn: u.nameEn }]),
        );
        this.cache = { byCode, until: Date.now() + CACHE_MS };
        return byCode;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** The unit's names (a unit no longer current keeps its code as its name). */
  async ref(code: string | null): Promise<UnitRef | null> {
    if (code === null) return null;
    const c = this.cache;
    let byCode: Map<string, UnitRef>;
    if (c && c.until > Date.now()) byCode = c.byCode;
    else if (c) {
      // Past its time: answered from the old names while the new ones load.
      this.load().catch(() => undefined);
      byCode = c.byCode;
    } else byCode = await this.load();
    return byCode.get(code) ?? { code, nameVi: code, nameEn: code };
  }
}
