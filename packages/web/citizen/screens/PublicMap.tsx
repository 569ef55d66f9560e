/**
 * The public map and list of reports (no personal data): points coloured by
 * status on the map, newest first in the list, filtered by status and kind.
 */
import { useEffect, useState } from 'react';
import type { PublicReport } from '@cityops/contracts';
import { useResource } from '../../ui/api/use-resource';
import { ErrorState, Loading } from '../../ui/components/states';
import { Link, navigate } from '../../ui/router';
import { statusKey } from '../../ui/reports/report-messages';
import { openStatuses } from '../../ui/reports/status';
import { citizenApi } from '../api';
import { useT } from '../i18n';
import { LazyMap } from '../map/LazyMap';
import { useCategories } from '../state/categories';
import { CategoryIcon } from '../../ui/reports/icons';

type StatusFilter = 'all' | 'open' | 'done';
const statusQuery: Record<StatusFilter, string | undefined> = {
  all: undefined,
  open: openStatuses.join(','),
  done: 'answered,closed',
};

function ReportList(props: { status: StatusFilter; category: string }) {
  const { t, pick, fmt } = useT();
  const [items, setItems] = useState<PublicReport[]>([]);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const filterKey = `${props.status}|${props.category}`;
  const page = useResource(`${filterKey}|${cursor ?? ''}`, (signal) =>
    citizenApi.publicList(
      {
        ...(statusQuery[props.status] ? { status: statusQuery[props.status] } : {}),
        ...(props.category ? { category: props.category } : {}),
        ...(cursor ? { cursor } : {}),
      },
      signal,
    ),
  );
  useEffect(() => {
    if (page.state !== 'ready') return;
    setItems((prev) => {
      const seen = new Set(prev.map((r) => r.id));
      return [...prev, ...page.data.items.filter((r) => !seen.has(r.id))];
    });
  }, [page.state, page.data]);

  return (
    <>
      <ul className="cards" data-testid="public-list">
        {items.map((r) => (
          <li key={r.id} className="card">
            <Link href={`/citizen/reports/${r.id}`} className="card-link">
              <div className="card-head">
                <CategoryIcon code={r.category.code} />
                <strong>#{r.id}</strong>
                <span className={`status-chip status-${r.status}`}>{t(statusKey(r.status))}</span>
              </div>
              <div>{pick(r.category.nameVi, r.category.nameEn)}</div>
              {r.description && <p className="clamp">{r.description}</p>}
              <p className="muted small-print">
                {fmt.dateTime(r.createdAt)}
                {r.agency && ` · ${pick(r.agency.nameVi, r.agency.nameEn)}`}
              </p>
            </Link>
          </li>
        ))}
      </ul>
      {page.state === 'loading' && <Loading />}
      {page.state === 'error' && <ErrorState error={page.error} onRetry={page.reload} />}
      {page.state === 'ready' && items.length === 0 && <p className="muted">{t('state.empty')}</p>}
      {page.state === 'ready' && page.data.nextCursor && (
        <button
          type="button"
          className="button big"
          onClick={() => setCursor(page.data.nextCursor ?? undefined)}
        >
          {t('map.more')}
        </button>
      )}
    </>
  );
}

function ReportPoints(props: { status: StatusFilter; category: string }) {
  const { t, fmt } = useT();
  const points = useResource(`${props.status}|${props.category}`, (signal) =>
    citizenApi.publicMap(
      {
        ...(statusQuery[props.status] ? { status: statusQuery[props.status] } : {}),
        ...(props.category ? { category: props.category } : {}),
      },
      signal,
    ),
  );
  const items = points.data?.items ?? [];
  return (
    <>
      <LazyMap
        label={t('map.region')}
        points={items}
        start="province"
        onSelect={(id) => navigate(`/citizen/reports/${id}`)}
      />
      {points.state === 'error' && <ErrorState error={points.error} onRetry={points.reload} />}
      {points.data && (
        <p className="muted small-print" role="status">
          {t('map.count', { n: fmt.number(items.length) })}{' '}
          {points.data.truncated && t('map.truncated', { n: fmt.number(items.length) })}
        </p>
      )}
    </>
  );
}

export default function PublicMap() {
  const { t, pick } = useT();
  const { categories } = useCategories();
  const [view, setView] = useState<'map' | 'list'>('map');
  const [status, setStatus] = useState<StatusFilter>('all');
  const [category, setCategory] = useState('');
  return (
    <>
      <h1>{t('map.title')}</h1>
      <p className="muted">{t('map.intro')}</p>
      <div className="segmented" role="tablist" aria-label={t('map.title')}>
        {(['map', 'list'] as const).map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={view === v}
            className={`button${view === v ? ' primary' : ''}`}
            data-testid={`view-${v}`}
            onClick={() => setView(v)}
          >
            {v === 'map' ? t('map.viewMap') : t('map.viewList')}
          </button>
        ))}
      </div>
      <div className="filters-row">
        <label className="field">
          {t('map.filterStatus')}
          <select value={status} onChange={(e) => setStatus(e.target.value as StatusFilter)}>
            <option value="all">{t('map.all')}</option>
            <option value="open">{t('map.open')}</option>
            <option value="done">{t('map.done')}</option>
          </select>
        </label>
        <label className="field">
          {t('map.filterCategory')}
          <select value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">{t('map.all')}</option>
            {(categories ?? []).map((c) => (
              <option key={c.code} value={c.code}>
                {pick(c.nameVi, c.nameEn)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {view === 'map' ? (
        <ReportPoints status={status} category={category} />
      ) : (
        <ReportList key={`${status}|${category}`} status={status} category={category} />
      )}
    </>
  );
}
