/**
 * Report categories (Open311 services): read by everyone, changed by
 * administrators, cached briefly in memory because every submission and every
 * Open311 list reads them.
 */
import type {
  CategoryRoute,
  DeadlineClass,
  ReportCategory,
  ReportCategoryCreate,
  ReportCategoryPatch,
} from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import type { Actor } from '../core/auth/principal.js';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../core/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { unknownUnitCodes } from '../geo/unit-tree.js';
import * as repo from './categories.repo.js';
import type { AgencyDirectory } from './agencies.js';
import { ReloadingValue } from '../core/reloading-value.js';

const CACHE_MS = 30_000;

export type DeadlineDays = Record<DeadlineClass, number>;

export class CategoriesService {
  /** All categories (cached; see ReloadingValue), in display order. */
  private readonly cache = new ReloadingValue(() => this.loadAll(), CACHE_MS);

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly agencies: AgencyDirectory,
    readonly deadlineDays: DeadlineDays,
  ) {}

  present(r: repo.CategoryRow): ReportCategory {
    return {
      code: r.code,
      nameVi: r.name_vi,
      nameEn: r.name_en,
      descriptionVi: r.description_vi,
      descriptionEn: r.description_en,
      group: r.group_name,
      keywords: r.keywords,
      deadlineClass: r.deadline_class,
      workingDays: this.deadlineDays[r.deadline_class],
      routing: r.routing,
      defaultAgencyCode: r.default_agency_code,
      open311Type: r.open311_type,
      attributes: [...r.attributes].sort((a, b) => a.order - b.order),
      active: r.active,
      sortOrder: r.sort_order,
    };
  }

  private async loadAll(): Promise<{
    rows: repo.CategoryRow[];
    /** The presented categories, by code, in display order (never mutated by callers). */
    byCode: Map<string, ReportCategory>;
    routes: Map<string, Map<string, string>>;
  }> {
    const [rows, all] = await Promise.all([repo.listCategories(this.db), repo.allRoutes(this.db)]);
    const routes = new Map<string, Map<string, string>>();
    for (const r of all) {
      if (!routes.has(r.categoryCode)) routes.set(r.categoryCode, new Map());
      routes.get(r.categoryCode)!.set(r.unitCode, r.agencyCode);
    }
    const byCode = new Map(rows.map((r) => [r.code, this.present(r)]));
    return { rows, byCode, routes };
  }

  private invalidate(): void {
    this.cache.invalidate();
  }

  async rows(): Promise<repo.CategoryRow[]> {
    return (await this.cache.get()).rows;
  }

  async list(opts: { includeInactive?: boolean } = {}): Promise<ReportCategory[]> {
    return [...(await this.cache.get()).byCode.values()].filter(
      (c) => c.active || opts.includeInactive,
    );
  }

  /** Every category by code (cached), active or not. */
  async byCode(): Promise<ReadonlyMap<string, ReportCategory>> {
    return (await this.cache.get()).byCode;
  }

  /** A category by code (cached), active or not. */
  async find(code: string): Promise<ReportCategory | undefined> {
    return (await this.cache.get()).byCode.get(code);
  }

  async get(code: string): Promise<ReportCategory> {
    const c = await this.find(code);
    if (!c) throw new NotFoundError('Report category', code);
    return c;
  }

  /**
   * The agency that handles a category in a unit: the unit's route; else, for
   * `agency` routing, the category's agency; else the People's Committee
   * serving the unit; else the category's agency; else none (the IOC
   * assigns it). A default code that names no agency is skipped.
   */
  async route(c: ReportCategory, unit: string | null): Promise<string | null> {
    const routed = unit ? (await this.cache.get()).routes.get(c.code)?.get(unit) : undefined;
    if (routed) return routed;
    const fallback =
      c.defaultAgencyCode && (await this.agencies.find(c.defaultAgencyCode))
        ? c.defaultAgencyCode
        : null;
    if (c.routing === 'agency' && fallback) return fallback;
    return (unit ? await this.agencies.committeeOf(unit) : null) ?? fallback;
  }

  private async checkAgency(code: string | null, errors: FieldError[]) {
    if (code && (await this.agencies.unknown([code])).length)
      errors.push({ path: 'defaultAgencyCode', message: `no agency has the code ${code}` });
  }

  async create(actor: Actor, input: ReportCategoryCreate): Promise<ReportCategory> {
    const errors: FieldError[] = [];
    await this.checkAgency(input.defaultAgencyCode, errors);
    if (errors.length) throw new ValidationError(errors);
    const row = await this.db.transaction(async (tx) => {
      if (await repo.findCategory(tx, input.code))
        throw new ConflictError(`A report category with the code ${input.code} exists.`, [
          { path: 'code', message: 'already taken' },
        ]);
      const r = await repo.insertCategory(tx, input, this.clock.now());
      await this.audit.record(tx, actor, {
        action: 'report_category.create',
        entityType: 'report_category',
        entityId: r.code,
        after: this.present(r),
      });
      return r;
    });
    this.invalidate();
    return this.present(row);
  }

  async update(actor: Actor, code: string, patch: ReportCategoryPatch): Promise<ReportCategory> {
    const errors: FieldError[] = [];
    if (patch.defaultAgencyCode !== undefined)
      await this.checkAgency(patch.defaultAgencyCode, errors);
    if (errors.length) throw new ValidationError(errors);
    const row = await this.db.transaction(async (tx) => {
      const before = await repo.findCategory(tx, code);
      if (!before) throw new NotFoundError('Report category', code);
      const current = this.present(before);
      const next = { ...current, ...patch, code };
      const r = await repo.updateCategory(tx, next, this.clock.now());
      await this.audit.record(tx, actor, {
        action: 'report_category.update',
        entityType: 'report_category',
        entityId: code,
        before: current,
        after: this.present(r),
      });
      return r;
    });
    this.invalidate();
    return this.present(row);
  }

  routes(code: string): Promise<CategoryRoute[]> {
    return repo.listRoutes(this.db, code);
  }

  async replaceRoutes(
    actor: Actor,
    code: string,
    routes: CategoryRoute[],
  ): Promise<CategoryRoute[]> {
    const agencies = await this.agencies.unknown([...new Set(routes.map((r) => r.agencyCode))]);
    await this.db.transaction(async (tx) => {
      if (!(await repo.findCategory(tx, code))) throw new NotFoundError('Report category', code);
      const errors: FieldError[] = [];
      const units = await unknownUnitCodes(tx, [...new Set(routes.map((r) => r.unitCode))]);
      routes.forEach((r, i) => {
        if (units.includes(r.unitCode))
          errors.push({
            path: `routes.${i}.unitCode`,
            message: `no admin unit has the code ${r.unitCode}`,
          });
        if (agencies.includes(r.agencyCode))
          errors.push({
            path: `routes.${i}.agencyCode`,
            message: `no agency has the code ${r.agencyCode}`,
          });
      });
      const seen = new Set<string>();
      routes.forEach((r, i) => {
        if (seen.has(r.unitCode))
          errors.push({ path: `routes.${i}.unitCode`, message: 'one route per unit' });
        seen.add(r.unitCode);
      });
      if (errors.length) throw new ValidationError(errors);
      const before = await repo.listRoutes(tx, code);
      await repo.replaceRoutes(tx, code, routes);
      this.invalidate();
      await this.audit.record(tx, actor, {
        action: 'report_category.routes',
        entityType: 'report_category',
        entityId: code,
        before,
        after: routes,
      });
    });
    this.invalidate();
    return this.routes(code);
  }
}
