/**
 * The dashboards' figures: checks the admin unit and the period, widens the
 * unit to the units under it, and shapes the repository's rows for the API.
 */
import {
  dashboardMaxBuckets,
  type AlertsSummary,
  type AssetsByStatus,
  type DashboardBucket,
  type EventsOverTime,
} from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import type { Scope } from '../core/auth/principal.js';
import { ValidationError } from '../core/errors.js';
import { unknownUnitCodes, withDescendants } from '../geo/unit-tree.js';
import * as repo from './dashboards.repo.js';

const DAY_MS = 24 * 3_600_000;
const BUCKET_MS: Record<DashboardBucket, number> = { hour: 3_600_000, day: DAY_MS };

export interface PeriodQuery {
  adminUnit?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export class DashboardsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly timeZone: string,
  ) {}

  async assetsByStatus(
    scope: Scope,
    q: { adminUnit?: string | undefined },
  ): Promise<AssetsByStatus> {
    const units = await this.units(q.adminUnit);
    return { items: await repo.assetsByStatus(this.db, { scope, units }) };
  }

  async eventsOverTime(
    scope: Scope,
    q: PeriodQuery & { bucket: DashboardBucket },
  ): Promise<EventsOverTime> {
    const p = await this.period(scope, q, q.bucket);
    const rows = await repo.eventsOverTime(this.db, {
      ...p,
      bucket: q.bucket,
      timeZone: this.timeZone,
    });
    return {
      from: p.from.toISOString(),
      to: p.to.toISOString(),
      bucket: q.bucket,
      items: rows.map((r) => ({ t: r.t.toISOString(), family: r.family, count: r.count })),
    };
  }

  async alertsSummary(scope: Scope, q: PeriodQuery): Promise<AlertsSummary> {
    const p = await this.period(scope, q, 'day');
    const [unresolved, byRule, byUnit] = await Promise.all([
      repo.unresolvedAlerts(this.db, p),
      repo.alertsByRule(this.db, p),
      repo.alertsByUnit(this.db, p),
    ]);
    return {
      from: p.from.toISOString(),
      to: p.to.toISOString(),
      unresolved,
      byRule: byRule.map((r) => ({
        ruleId: r.rule_id,
        title: r.title,
        kind: r.kind,
        severity: r.severity,
        count: r.count,
      })),
      byUnit: byUnit.map((r) => ({
        adminUnit: r.admin_unit_code,
        severity: r.severity,
        count: r.count,
      })),
    };
  }

  /** An admin unit with the units under it; an unknown code is a 400 naming `adminUnit`. */
  private async units(code: string | undefined): Promise<string[] | undefined> {
    if (!code) return undefined;
    if ((await unknownUnitCodes(this.db, [code])).length > 0)
      throw ValidationError.field('adminUnit', `no admin unit has the code ${code}`);
    return withDescendants(this.db, [code]);
  }

  /** The period (default: the last 24 hours), at most dashboardMaxBuckets of the bucket. */
  private async period(
    scope: Scope,
    q: PeriodQuery,
    bucket: DashboardBucket,
  ): Promise<repo.Period> {
    const to = q.to ? new Date(q.to) : this.clock.now();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - DAY_MS);
    if (from.getTime() >= to.getTime()) throw ValidationError.field('from', 'must be before "to"');
    const max = dashboardMaxBuckets[bucket];
    if (to.getTime() - from.getTime() > max * BUCKET_MS[bucket])
      throw ValidationError.field(
        'from',
        `the period may cover at most ${max} ${bucket === 'hour' ? 'hours' : 'days'} with bucket=${bucket}`,
      );
    return { scope, units: await this.units(q.adminUnit), from, to };
  }
}
