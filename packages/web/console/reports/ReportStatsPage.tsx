/**
 * Statistics of report handling per agency or per commune over a period,
 * with the rates of Decision 766/QĐ-TTg, and CSV/XLSX downloads of the same
 * through signed, expiring links (plain links: no token in the browser's
 * download, and the link can be opened again until it expires).
 */
import { useState } from 'react';
import type { ReportExportFormat, ReportExportLink, ReportStatsRow } from '@cityops/contracts';
import { useResource } from '../../ui/api/use-resource';
import { ErrorState, Loading } from '../../ui/components/states';
import { todayIn } from '../../ui/i18n/format';
import { useT } from '../i18n';
import { reportsApi, type StatsQuery } from './api';
import { download } from './download';

export default function ReportStatsPage() {
  const { t, fmt, pick, locale, timeZone } = useT();
  const today = todayIn(timeZone);
  const [groupBy, setGroupBy] = useState<StatsQuery['groupBy']>('agency');
  const [from, setFrom] = useState(`${today.slice(0, 8)}01`);
  const [to, setTo] = useState(today);
  const [busy, setBusy] = useState(false);
  const [fileError, setFileError] = useState<unknown>(null);
  const [link, setLink] = useState<
    (ReportExportLink & { format: ReportExportFormat; key: string }) | null
  >(null);
  const query: StatsQuery = { groupBy, from, to };
  const stats = useResource(`${groupBy}|${from}|${to}`, (signal) =>
    reportsApi.stats(query, signal),
  );

  const pct = (v: number | null) =>
    v === null ? '—' : `${fmt.number(Math.round(v * 1000) / 10)} %`;
  const num = (v: number | null) => (v === null ? '—' : fmt.number(Math.round(v * 10) / 10));
  const get = async (format: ReportExportFormat) => {
    setBusy(true);
    setFileError(null);
    try {
      const made = await reportsApi.statsExportLink({ ...query, lang: locale }, format);
      setLink({ ...made, format, key: `${groupBy}|${from}|${to}|${locale}` });
      download(made.url);
    } catch (err) {
      setFileError(err);
    } finally {
      setBusy(false);
    }
  };

  const row = (r: ReportStatsRow, total = false) => (
    <tr key={r.key ?? (total ? 'total' : 'none')} className={total ? 'total-row' : undefined}>
      <th scope="row">
        {total
          ? t('rep.stats.total')
          : r.key === null
            ? t('rep.unknownUnit')
            : pick(r.nameVi, r.nameEn)}
      </th>
      <td>{fmt.number(r.received)}</td>
      <td>{fmt.number(r.handled)}</td>
      <td>{fmt.number(r.handledOnTime)}</td>
      <td>{fmt.number(r.handledLate)}</td>
      <td>{fmt.number(r.dueUnhandled)}</td>
      <td>{fmt.number(r.overdueNow)}</td>
      <td>
        <strong>{pct(r.onTimeRate)}</strong>
      </td>
      <td>{num(r.avgHandlingWorkingDays)}</td>
      <td>{fmt.number(r.rated)}</td>
      <td>{pct(r.satisfactionRate)}</td>
      <td>
        <strong>{pct(r.satisfaction766)}</strong>
      </td>
    </tr>
  );

  return (
    <section aria-labelledby="stats-title">
      <h2 id="stats-title">{t('rep.stats.title')}</h2>
      <p className="muted">{t('rep.stats.intro')}</p>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('rep.stats.groupBy')}
          <select
            value={groupBy}
            data-testid="stats-group"
            onChange={(e) => setGroupBy(e.target.value as StatsQuery['groupBy'])}
          >
            <option value="agency">{t('rep.stats.byAgency')}</option>
            <option value="unit">{t('rep.stats.byUnit')}</option>
          </select>
        </label>
        <label>
          {t('rep.stats.from')}
          <input
            type="date"
            value={from}
            max={to}
            onChange={(e) => e.target.value && setFrom(e.target.value)}
          />
        </label>
        <label>
          {t('rep.stats.to')}
          <input
            type="date"
            value={to}
            min={from}
            onChange={(e) => e.target.value && setTo(e.target.value)}
          />
        </label>
        <div className="download-group" role="group" aria-label={t('rep.stats.download')}>
          <span className="muted">{t('rep.stats.download')}</span>
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void get('csv')}
            data-testid="stats-csv"
          >
            ⤓ {t('rep.stats.csv')}
          </button>
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void get('xlsx')}
            data-testid="stats-xlsx"
          >
            ⤓ {t('rep.stats.xlsx')}
          </button>
        </div>
      </form>
      {link?.key === `${groupBy}|${from}|${to}|${locale}` && (
        <p className="muted small" data-testid="stats-link">
          <a href={link.url} download data-testid={`stats-link-${link.format}`}>
            {t('rep.stats.linkText', { format: t(`rep.stats.${link.format}`) })}
          </a>{' '}
          {t('rep.stats.linkExpires', { at: fmt.time(new Date(link.expiresAt)) })}
        </p>
      )}
      {fileError !== null && <ErrorState error={fileError} compact />}
      {stats.state === 'error' && <ErrorState error={stats.error} onRetry={stats.reload} />}
      {stats.state === 'loading' && !stats.data && <Loading />}
      {stats.data && stats.data.rows.length === 0 && <p className="muted">{t('rep.stats.none')}</p>}
      {stats.data && stats.data.rows.length > 0 && (
        <div className="table-wrap" aria-busy={stats.state === 'loading'}>
          <table className="data stats-table" data-testid="stats-table">
            <thead>
              <tr>
                <th scope="col">{t('rep.stats.name')}</th>
                <th scope="col">{t('rep.stats.received')}</th>
                <th scope="col">{t('rep.stats.handled')}</th>
                <th scope="col">{t('rep.stats.onTime')}</th>
                <th scope="col">{t('rep.stats.late')}</th>
                <th scope="col">{t('rep.stats.dueUnhandled')}</th>
                <th scope="col">{t('rep.stats.overdueNow')}</th>
                <th scope="col">{t('rep.stats.onTimeRate')}</th>
                <th scope="col">{t('rep.stats.avgDays')}</th>
                <th scope="col">{t('rep.stats.rated')}</th>
                <th scope="col">{t('rep.stats.satisfactionRate')}</th>
                <th scope="col">{t('rep.stats.satisfaction766')}</th>
              </tr>
            </thead>
            <tbody>
              {stats.data.rows.map((r) => row(r))}
              {row(stats.data.total, true)}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
