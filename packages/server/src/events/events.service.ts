/**
 * Reading the event store: lists, time series and an asset's latest state,
 * always inside the caller's scope. An asset outside the scope is "not found".
 */
import type { AssetState, Page, SeriesBucket, Series, StoredEvent } from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { scopeIncludes, type Scope } from '../core/auth/principal.js';
import { pageFrom } from '../core/http/cursor.js';
import { withDescendants } from '../geo/unit-tree.js';
import * as repo from './events.repo.js';
import * as series from './series.repo.js';

export const MAX_RAW_POINTS = 10_000;
export const MAX_BUCKETS = 10_000;
const DEFAULT_RANGE_MS = 24 * 3_600_000;

export interface EventListQuery {
  asset?: string | undefined;
  type?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  adminUnit?: string | undefined;
  before?: [string, number] | undefined;
  limit: number;
}

export interface SeriesQuery {
  type: string;
  field?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  bucket?: SeriesBucket | undefined;
  adminUnit?: string | undefined;
}

export class EventsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly timezone: string,
  ) {}

  async list(scope: Scope, q: EventListQuery): Promise<Page<StoredEvent>> {
    const rows = await repo.listEvents(this.db, {
      scope,
      assetId: q.asset,
      types: q.type ? [q.type] : undefined,
      units: await this.unitsOf(q.adminUnit),
      since: q.since ? new Date(q.since) : undefined,
      until: q.until ? new Date(q.until) : undefined,
      before: q.before,
      limit: q.limit + 1,
    });
    const page = pageFrom(rows, q.limit, (r) => [r.observed_at.toISOString(), r.seq]);
    return { items: page.items.map(repo.toStoredEvent), nextCursor: page.nextCursor };
  }

  /** Events after a seq that pass the filters, in seq order (for the stream). */
  async after(
    filter: repo.EventFilter & { afterSeq: number; upToSeq?: number; limit: number },
  ): Promise<StoredEvent[]> {
    return (await repo.eventsAfter(this.db, filter)).map(repo.toStoredEvent);
  }

  lastSeq(): Promise<number> {
    return repo.lastSequence(this.db);
  }

  /** Admin-unit codes with their descendants, for a filter; undefined when there is no filter. */
  async unitsOf(code: string | undefined): Promise<string[] | undefined> {
    return code ? withDescendants(this.db, [code]) : undefined;
  }

  async assetState(scope: Scope, assetId: string): Promise<AssetState> {
    await this.visibleAsset(scope, assetId);
    const row = await repo.findAssetState(this.db, assetId);
    return {
      assetId,
      lastEventSeq: row?.last_event_seq ?? null,
      lastEventAt: row?.last_event_at.toISOString() ?? null,
      lastSeenAt: row?.last_seen_at.toISOString() ?? null,
      latest: row?.latest ?? {},
    };
  }

  async assetSeries(scope: Scope, assetId: string, q: SeriesQuery): Promise<Series> {
    await this.visibleAsset(scope, assetId);
    return this.series({ scope, assetId }, q);
  }

  async typeSeries(scope: Scope, q: SeriesQuery): Promise<Series> {
    if (!q.bucket) throw ValidationError.field('bucket', 'required for a series across assets');
    return this.series({ scope, units: await this.unitsOf(q.adminUnit) }, q);
  }

  private async series(base: repo.EventFilter, q: SeriesQuery): Promise<Series> {
    const to = q.to ? new Date(q.to) : this.clock.now();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_RANGE_MS);
    if (from >= to) throw ValidationError.field('from', 'must be before to');
    const field = q.field ? q.field.split('.') : null;
    const filter = { ...base, types: [q.type] as [string], since: from, until: to };
    const head = {
      type: q.type,
      field: q.field ?? null,
      from: from.toISOString(),
      to: to.toISOString(),
      bucket: q.bucket ?? null,
    };
    if (!q.bucket) {
      const rows = await series.rawSeries(this.db, {
        ...filter,
        field,
        limit: MAX_RAW_POINTS + 1,
      });
      return {
        ...head,
        points: rows
          .slice(0, MAX_RAW_POINTS)
          .map((r) => ({ t: r.t.toISOString(), seq: r.seq, value: r.value })),
        truncated: rows.length > MAX_RAW_POINTS,
      };
    }
    if ((to.getTime() - from.getTime()) / series.bucketMs[q.bucket] > MAX_BUCKETS) {
      throw ValidationError.field(
        'bucket',
        `more than ${MAX_BUCKETS} buckets: pick a larger bucket or a shorter range`,
      );
    }
    const rows = await series.bucketSeries(this.db, {
      ...filter,
      field,
      bucket: q.bucket,
      timezone: this.timezone,
    });
    return {
      ...head,
      points: rows.map((r) => ({
        t: r.t.toISOString(),
        count: r.count,
        avg: r.avg,
        min: r.min,
        max: r.max,
      })),
      truncated: false,
    };
  }

  private async visibleAsset(scope: Scope, assetId: string): Promise<void> {
    const place = await repo.findAssetPlace(this.db, assetId);
    if (!place || !scopeIncludes(scope, place.admin_unit_code, place.agency_code)) {
      throw new NotFoundError('Asset', assetId);
    }
  }
}
