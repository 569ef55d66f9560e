/**
 * The queue of reports: filters (status, kind, commune, agency, overdue,
 * text), newest first or earliest deadline first (sorted by the server, so
 * across pages), with overdue and extension flags and the deadline as a date
 * in Vietnam time. The filters live in the address (`/reports?status=…`), so
 * a view can be reloaded or shared, and they survive a visit to a report.
 */
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import type {
  Report,
  ReportListExportRequest,
  ReportListSort,
  ReportStatus,
} from '@cityops/contracts';
import { useResource } from '../../ui/api/use-resource';
import { Empty, ErrorState, Loading } from '../../ui/components/states';
import { todayIn } from '../../ui/i18n/format';
import { Link, navigate } from '../../ui/router';
import { statusKey } from '../../ui/reports/report-messages';
import { openStatuses, reportStatusOrder } from '../../ui/reports/status';
import { Pager, useCursorPager } from '../components/Pager';
import { useDebounced } from '../components/useDebounced';
import { useT } from '../i18n';
import { reportsApi } from './api';
import { download } from './download';
import { ApiError } from '../../ui/api/errors';
import { useLookups } from './lookups';
import { CategoryIcon } from '../../ui/reports/icons';

const PAGE_SIZE = 100;

/** The queue as a map: its own chunk (MapLibre), loaded when first shown. */
const QueueMap = lazy(() => import('./QueueMap'));

export interface Filters {
  status: '' | 'open' | ReportStatus;
  category: string;
  unit: string;
  agency: string;
  overdue: boolean;
  q: string;
  sort: ReportListSort;
  /** The queue as a table, or as a map of the same filtered reports. */
  view: 'list' | 'map';
}

const DEFAULTS: Filters = {
  status: 'open',
  category: '',
  unit: '',
  agency: '',
  overdue: false,
  q: '',
  sort: 'newest',
  view: 'list',
};

/** The filters a query string names; a missing or unknown value keeps the default. */
export function filtersFrom(search: string): Filters {
  const p = new URLSearchParams(search);
  const code = (k: string) => p.get(k)?.trim().slice(0, 64) ?? '';
  const status = p.get('status');
  return {
    status:
      status === 'all'
        ? ''
        : reportStatusOrder.includes(status as ReportStatus)
          ? (status as ReportStatus)
          : DEFAULTS.status,
    category: code('category'),
    unit: code('unit'),
    agency: code('agency'),
    overdue: p.get('overdue') === 'true',
    q: (p.get('q') ?? '').slice(0, 200),
    sort: p.get('sort') === 'deadline' ? 'deadline' : DEFAULTS.sort,
    view: p.get('view') === 'map' ? 'map' : DEFAULTS.view,
  };
}

/** The query string of the filters ('' for the defaults). */
export function searchOf(f: Filters): string {
  const p = new URLSearchParams();
  if (f.status !== DEFAULTS.status) p.set('status', f.status || 'all');
  if (f.category) p.set('category', f.category);
  if (f.unit) p.set('unit', f.unit);
  if (f.agency) p.set('agency', f.agency);
  if (f.overdue) p.set('overdue', 'true');
  if (f.q.trim()) p.set('q', f.q);
  if (f.sort !== DEFAULTS.sort) p.set('sort', f.sort);
  if (f.view !== DEFAULTS.view) p.set('view', f.view);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** The list's query (filters and order) for the filters, with the search text as debounced. */
function listQueryOf(f: Filters, q: string): Omit<ReportListExportRequest, 'format' | 'lang'> {
  return {
    ...(f.status === 'open'
      ? { status: openStatuses.join(',') }
      : f.status
        ? { status: f.status }
        : {}),
    ...(f.category ? { category: f.category } : {}),
    ...(f.unit ? { unit: f.unit } : {}),
    ...(f.agency ? { agency: f.agency } : {}),
    ...(f.overdue ? { overdue: 'true' as const } : {}),
    ...(q ? { q } : {}),
    ...(f.sort === 'deadline' ? { sort: f.sort } : {}),
  };
}

/** The queue's query string as last shown in this page load. */
let remembered: string | null = null;

/** The queue as the user last left it (for "back to the queue"). */
export function queueHref(): string {
  return `/reports${remembered ?? ''}`;
}

export function StatusBadge(props: { status: ReportStatus }) {
  const { t } = useT();
  return (
    <span className={`report-status report-status-${props.status}`} data-testid="report-status">
      {t(statusKey(props.status))}
    </span>
  );
}

/** Overdue, due today, extension waiting: the flags a row or a report shows. */
export function DeadlineFlags(props: { report: Report }) {
  const { t, timeZone } = useT();
  const r = props.report;
  const open = openStatuses.includes(r.status);
  return (
    <>
      {r.overdue && (
        <span className="flag flag-overdue" data-testid="overdue-flag">
          {t('rep.overdue')}
        </span>
      )}
      {open && !r.overdue && r.dueDate === todayIn(timeZone) && (
        <span className="flag flag-today">{t('rep.dueToday')}</span>
      )}
      {r.extension?.status === 'pending' && (
        <span className="flag flag-extension">{t('rep.extensionPending')}</span>
      )}
    </>
  );
}

/**
 * The filter value an address named that the lists do not (yet) hold, as its
 * own option: the select then shows what the queue is filtered by.
 */
function KeptCode(props: { value: string; known: ReadonlyArray<{ code: string }> }) {
  if (!props.value || props.known.some((k) => k.code === props.value)) return null;
  return <option value={props.value}>{props.value}</option>;
}

export function ReportQueue() {
  const { t, fmt, pick, locale } = useT();
  const lookups = useLookups();
  const [filters, setFiltersState] = useState<Filters>(() =>
    filtersFrom(window.location.search || (remembered ?? '')),
  );
  const setFilters = (patch: Partial<Filters>) => setFiltersState((f) => ({ ...f, ...patch }));
  // The address follows the filters (replaced, not pushed: Back leaves the queue).
  useEffect(() => {
    remembered = searchOf(filters);
    navigate(`/reports${remembered}`, { replace: true });
  }, [filters]);
  const q = useDebounced(filters.q.trim());
  const filterKey = [
    filters.status,
    filters.category,
    filters.unit,
    filters.agency,
    filters.overdue,
    q,
    filters.sort,
  ].join('|');
  const pager = useCursorPager(filterKey);

  const query = listQueryOf(filters, q);
  const onMap = filters.view === 'map';
  const list = useResource(`${filterKey}|${pager.cursor ?? ''}|${filters.view}`, (signal) =>
    onMap
      ? Promise.resolve({ items: [], nextCursor: null })
      : reportsApi.list(
          { ...query, limit: PAGE_SIZE, ...(pager.cursor ? { cursor: pager.cursor } : {}) },
          signal,
        ),
  );
  // The map takes the filters, not the order.
  const mapQuery = listQueryOf({ ...filters, sort: 'newest' }, q);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const exportCsv = async () => {
    setExporting(true);
    setExportError(null);
    try {
      download((await reportsApi.listExportLink({ ...query, lang: locale, format: 'csv' })).url);
    } catch (err) {
      setExportError(err);
    } finally {
      setExporting(false);
    }
  };
  const tooMany =
    exportError instanceof ApiError && exportError.fieldErrors.some((f) => f.path === 'filter');

  const units = useMemo(
    () => new Map(lookups.communes.map((u) => [u.code, u])),
    [lookups.communes],
  );
  const items = list.data?.items ?? [];

  return (
    <>
      <p className="muted">{t('rep.intro')}</p>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('rep.filterStatus')}
          <select
            value={filters.status}
            data-testid="filter-status"
            onChange={(e) => setFilters({ status: e.target.value as Filters['status'] })}
          >
            <option value="open">{t('rep.open')}</option>
            <option value="">{t('rep.all')}</option>
            {reportStatusOrder.map((s) => (
              <option key={s} value={s}>
                {t(statusKey(s))}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('rep.filterCategory')}
          <select
            value={filters.category}
            data-testid="filter-category"
            onChange={(e) => setFilters({ category: e.target.value })}
          >
            <option value="">{t('rep.all')}</option>
            <KeptCode value={filters.category} known={lookups.categories} />
            {lookups.categories.map((c) => (
              <option key={c.code} value={c.code}>
                {pick(c.nameVi, c.nameEn)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('rep.filterUnit')}
          <select
            value={filters.unit}
            data-testid="filter-unit"
            onChange={(e) => setFilters({ unit: e.target.value })}
          >
            <option value="">{t('rep.all')}</option>
            <KeptCode value={filters.unit} known={lookups.communes} />
            {lookups.communes.map((u) => (
              <option key={u.code} value={u.code}>
                {pick(u.nameVi, u.nameEn)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('rep.filterAgency')}
          <select
            value={filters.agency}
            data-testid="filter-agency"
            onChange={(e) => setFilters({ agency: e.target.value })}
          >
            <option value="">{t('rep.all')}</option>
            <KeptCode value={filters.agency} known={lookups.agencies} />
            {lookups.agencies.map((a) => (
              <option key={a.code} value={a.code}>
                {pick(a.nameVi, a.nameEn)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('rep.filterText')}
          <input
            type="search"
            value={filters.q}
            data-testid="filter-q"
            onChange={(e) => setFilters({ q: e.target.value })}
          />
        </label>
        <label>
          {t('rep.sort')}
          <select
            value={filters.sort}
            data-testid="sort"
            onChange={(e) => setFilters({ sort: e.target.value as Filters['sort'] })}
          >
            <option value="newest">{t('rep.sortNewest')}</option>
            <option value="deadline">{t('rep.sortDeadline')}</option>
          </select>
        </label>
        <label className="inline-check">
          <input
            type="checkbox"
            checked={filters.overdue}
            data-testid="filter-overdue"
            onChange={(e) => setFilters({ overdue: e.target.checked })}
          />
          {t('rep.filterOverdue')}
        </label>
      </form>
      {filters.sort === 'deadline' && <p className="muted small">{t('rep.sortNote')}</p>}
      <div className="download-group" role="group" aria-label={t('rep.export')}>
        <button
          type="button"
          className="button"
          disabled={exporting}
          onClick={() => void exportCsv()}
          data-testid="export-csv"
        >
          ⤓ {t('rep.exportCsv')}
        </button>
        <span className="muted small">{t('rep.exportNote')}</span>
      </div>
      {tooMany ? (
        <p className="form-error" role="alert" data-testid="export-too-many">
          {t('rep.exportTooMany')}
        </p>
      ) : (
        exportError !== null && <ErrorState error={exportError} compact />
      )}

      <div className="view-switch" role="group" aria-label={t('rep.view')}>
        {(['list', 'map'] as const).map((v) => (
          <button
            key={v}
            type="button"
            className={`button${filters.view === v ? ' primary' : ''}`}
            aria-pressed={filters.view === v}
            data-testid={`view-${v}`}
            onClick={() => setFilters({ view: v })}
          >
            {t(v === 'list' ? 'rep.viewList' : 'rep.viewMap')}
          </button>
        ))}
      </div>
      {onMap ? (
        <Suspense fallback={<Loading />}>
          <QueueMap query={mapQuery} queryKey={filterKey} />
        </Suspense>
      ) : (
        <>
          {list.state === 'error' && <ErrorState error={list.error} onRetry={list.reload} />}
          {list.state === 'loading' && items.length === 0 && <Loading />}
          {list.state === 'ready' && items.length === 0 && <Empty />}
          {items.length > 0 && (
            <div className="table-wrap" aria-busy={list.state === 'loading'}>
              <table className="data reports-table" data-testid="reports-table">
                <thead>
                  <tr>
                    <th scope="col">{t('rep.col.id')}</th>
                    <th scope="col">{t('rep.col.category')}</th>
                    <th scope="col">{t('rep.col.description')}</th>
                    <th scope="col">{t('rep.col.status')}</th>
                    <th scope="col">{t('rep.col.unit')}</th>
                    <th scope="col">{t('rep.col.agency')}</th>
                    <th scope="col">{t('rep.col.received')}</th>
                    <th scope="col">{t('rep.col.deadline')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((r) => {
                    const unit = r.adminUnit ? units.get(r.adminUnit) : undefined;
                    return (
                      <tr
                        key={r.id}
                        className={r.overdue ? 'overdue' : undefined}
                        data-testid={`report-row-${r.id}`}
                      >
                        <td className="nowrap">
                          <Link href={`/reports/${r.id}`}>#{r.id}</Link>
                        </td>
                        <td>
                          <CategoryIcon code={r.category.code} />{' '}
                          {pick(r.category.nameVi, r.category.nameEn)}
                        </td>
                        <td className="description-cell">
                          <Link href={`/reports/${r.id}`}>{r.description}</Link>
                        </td>
                        <td>
                          <StatusBadge status={r.status} /> <DeadlineFlags report={r} />
                        </td>
                        <td>{unit ? pick(unit.nameVi, unit.nameEn) : (r.adminUnit ?? '—')}</td>
                        <td>
                          {r.primaryAgency
                            ? pick(r.primaryAgency.nameVi, r.primaryAgency.nameEn)
                            : '—'}
                        </td>
                        <td className="nowrap">{fmt.dateTime(r.createdAt)}</td>
                        <td className="nowrap">{fmt.date(r.dueDate)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          <Pager pager={pager} nextCursor={list.data?.nextCursor} busy={list.state === 'loading'} />
        </>
      )}
    </>
  );
}
