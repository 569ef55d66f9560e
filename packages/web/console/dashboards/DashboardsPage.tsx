/**
 * Dashboards: the registered layouts of widgets, filtered by admin unit and
 * period, refreshed every minute. Each widget exports its data (CSV) and its
 * chart (PNG). Widgets whose query the user may not run are left out.
 */
import { useEffect, useMemo, useState } from 'react';
import { useUnitNames } from '../components/unit-names';
import { useSession } from '../session';
import { useT } from '../i18n';
import type { ConsoleKey } from '../messages';
import './builtin';
import { textOf, type QueryParams } from './model';
import { allDashboards, queryById } from './registry';
import { Widget } from './Widget';

const periods = {
  '24h': { hours: 24, bucket: 'hour', label: 'dash.period24h' },
  '7d': { hours: 24 * 7, bucket: 'hour', label: 'dash.period7d' },
  '30d': { hours: 24 * 30, bucket: 'day', label: 'dash.period30d' },
} as const satisfies Record<string, { hours: number; bucket: 'hour' | 'day'; label: ConsoleKey }>;
type PeriodId = keyof typeof periods;

const REFRESH_MS = 60_000;

export function paramsFor(period: PeriodId, adminUnit: string, now = Date.now()): QueryParams {
  // Whole minutes, so that widgets refreshed together ask the same thing.
  const to = new Date(Math.ceil(now / 60_000) * 60_000);
  const p = periods[period];
  return {
    ...(adminUnit ? { adminUnit } : {}),
    from: new Date(to.getTime() - p.hours * 3_600_000).toISOString(),
    to: to.toISOString(),
    bucket: p.bucket,
  };
}

export default function DashboardsPage() {
  const i18n = useT();
  const { t, pick } = i18n;
  const { can } = useSession();
  const units = useUnitNames();
  const layouts = allDashboards();
  const [layoutId, setLayoutId] = useState(layouts[0]?.id ?? '');
  const [period, setPeriod] = useState<PeriodId>('24h');
  const [unit, setUnit] = useState('');
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const timer = window.setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, []);

  const params = useMemo(() => paramsFor(period, unit), [period, unit, tick]);
  const layout = layouts.find((l) => l.id === layoutId) ?? layouts[0];
  const unitOptions = useMemo(
    () =>
      [...units.entries()]
        .map(([code, u]) => ({ code, name: pick(u.nameVi, u.nameEn) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    [units, pick],
  );
  const widgets =
    layout?.widgets.filter((w) => {
      const q = queryById(w.query);
      return q && can(q.permission);
    }) ?? [];

  return (
    <div className="page dashboards-page">
      <div className="page-head">
        <h1>{layout ? textOf(layout.title, i18n) : t('nav.dashboards')}</h1>
      </div>
      <div className="filters" role="group" aria-label={t('feed.filters')}>
        {layouts.length > 1 && (
          <label>
            {t('dash.layout')}
            <select value={layoutId} onChange={(e) => setLayoutId(e.target.value)}>
              {layouts.map((l) => (
                <option key={l.id} value={l.id}>
                  {textOf(l.title, i18n)}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('field.adminUnit')}
          <select value={unit} onChange={(e) => setUnit(e.target.value)} data-testid="dash-unit">
            <option value="">{t('dash.wholeProvince')}</option>
            {unitOptions.map((u) => (
              <option key={u.code} value={u.code}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('dash.period')}
          <select
            value={period}
            onChange={(e) => setPeriod(e.target.value as PeriodId)}
            data-testid="dash-period"
          >
            {(Object.keys(periods) as PeriodId[]).map((p) => (
              <option key={p} value={p}>
                {t(periods[p].label)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button" onClick={() => setTick((n) => n + 1)}>
          {t('dash.refresh')}
        </button>
      </div>
      <div className="widget-grid">
        {widgets.map((w) => (
          <Widget key={`${layout!.id}/${w.id}`} spec={w} params={params} refresh={tick} />
        ))}
      </div>
    </div>
  );
}
