/**
 * One report for staff: its facts and deadline (working days, Vietnam time),
 * description and details, photos, the full history with internal notes,
 * the place on a map, the reporter behind an audited button, and the actions
 * and edits the server says the user may take (`allowedActions`, `may`).
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import type { ReportDetail, Reporter } from '@cityops/contracts';
import { useResource } from '../../ui/api/use-resource';
import { ApiError } from '../../ui/api/errors';
import { ErrorState, Loading } from '../../ui/components/states';
import { Link } from '../../ui/router';
import { classKey, stepKey } from '../../ui/reports/report-messages';
import { useUiConfig } from '../../ui/ui-config';
import { useSession } from '../session';
import { useT } from '../i18n';
import { ActionPanel } from './ActionPanel';
import { reportsApi } from './api';
import { useLookups } from './lookups';
import { PhotoGallery } from './photos';
import { DeadlineFlags, queueHref, StatusBadge } from './ReportQueue';
import { CategoryIcon } from '../../ui/reports/icons';

const ReportMap = lazy(() => import('../../ui/reports/ReportMap'));

/**
 * The reporter behind an audited button, and the sharing with the agency:
 * each shown only when the server says the user may (`may` of the detail).
 */
function ReporterBox(props: { report: ReportDetail; onShared: (r: ReportDetail) => void }) {
  const { t } = useT();
  const r = props.report;
  const [reporter, setReporter] = useState<Reporter | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mayAsk = r.may.readReporter;
  const mayShare = r.may.shareReporter;
  if (!mayAsk && !mayShare) return null;

  const show = async () => {
    setBusy(true);
    setError(null);
    try {
      setReporter(await reportsApi.reporter(r.id));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const share = async (value: boolean) => {
    setError(null);
    try {
      props.onShared(await reportsApi.patch(r.id, { shareReporterWithAgency: value }));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  const rows: Array<[string, string | null]> = reporter
    ? [
        [t('rep.reporterName'), reporter.name],
        [t('rep.reporterPhone'), reporter.phone],
        [t('rep.reporterEmail'), reporter.email],
        [t('rep.reporterAccount'), reporter.citizenId],
      ]
    : [];
  return (
    <section className="detail-section" aria-labelledby="reporter-title">
      <h2 id="reporter-title">{t('rep.reporter')}</h2>
      {r.personalDataErased ? (
        <p className="muted">{t('rep.reporterErased')}</p>
      ) : !r.hasReporter ? (
        <p className="muted">{t('rep.reporterNone')}</p>
      ) : reporter ? (
        <dl className="facts" data-testid="reporter">
          {rows
            .filter(([, v]) => v)
            .map(([k, v]) => (
              <div key={k} className="fact">
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
        </dl>
      ) : (
        mayAsk && (
          <>
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => void show()}
              data-testid="show-reporter"
            >
              {t('rep.reporterShow')}
            </button>
            <p className="muted small">{t('rep.reporterAudit')}</p>
          </>
        )
      )}
      {mayShare && r.hasReporter && !r.personalDataErased && (
        <label className="inline-check">
          <input
            type="checkbox"
            data-testid="share-reporter"
            checked={r.shareReporterWithAgency}
            onChange={(e) => void share(e.target.checked)}
          />
          {t('rep.share')}
        </label>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** An internal note added to the history outside any action (IOC staff; the server checks). */
function InternalNoteForm(props: { report: ReportDetail; onSaved: (r: ReportDetail) => void }) {
  const { t } = useT();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      props.onSaved(await reportsApi.patch(props.report.id, { internalNote: text.trim() }));
      setText('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="note-form" onSubmit={(e) => void save(e)} data-testid="note-form">
      <label className="action-field">
        <span>{t('rep.noteAdd')}</span>
        <textarea
          rows={2}
          maxLength={2000}
          value={text}
          onChange={(e) => setText(e.target.value)}
          data-testid="note-text"
        />
      </label>
      <p className="muted small">{t('rep.noteHint')}</p>
      {error !== null && <ErrorState error={error} compact />}
      <button
        type="submit"
        className="button"
        disabled={busy || !text.trim()}
        data-testid="note-submit"
      >
        {t('rep.noteSave')}
      </button>
    </form>
  );
}

export default function ReportView(props: { id: string }) {
  const { t, pick, fmt } = useT();
  const { session } = useSession();
  const { config } = useUiConfig();
  const lookups = useLookups();
  const res = useResource(props.id, (signal) => reportsApi.get(props.id, signal));
  const [report, setReport] = useState<ReportDetail | null>(null);
  useEffect(() => {
    if (res.state === 'ready') setReport(res.data);
  }, [res.state, res.data]);

  const back = (
    <Link href={queueHref()} className="back-link">
      ‹ {t('rep.back')}
    </Link>
  );
  if (res.state === 'error' && !report)
    return (
      <div className="page">
        {back}
        <ErrorState error={res.error} onRetry={res.reload} />
      </div>
    );
  const r = report?.id === props.id ? report : null;
  if (!r) return <Loading />;

  const category = lookups.categories.find((c) => c.code === r.category.code);
  const unit = lookups.communes.find((u) => u.code === r.adminUnit);
  const attrs = Object.entries(r.attributes);
  const attrLabel = (code: string, value: string | string[]) => {
    const def = category?.attributes.find((a) => a.code === code);
    const name = def ? pick(def.descriptionVi, def.descriptionEn) : code;
    const values = (Array.isArray(value) ? value : [value]).map((v) => {
      const found = def?.values.find((x) => x.key === v);
      return found ? pick(found.nameVi, found.nameEn) : v;
    });
    return [name, values.join(', ')] as const;
  };
  const ext = r.extension;

  return (
    <div className="page report-view" data-testid="report-view">
      {back}
      <div className="report-head">
        <h1>
          <CategoryIcon code={r.category.code} /> {t('rep.detailTitle', { id: r.id })}
        </h1>
        <StatusBadge status={r.status} />
        <DeadlineFlags report={r} />
      </div>
      <div className="report-columns">
        <div>
          <dl className="facts">
            <div className="fact">
              <dt>{t('rep.col.category')}</dt>
              <dd>{pick(r.category.nameVi, r.category.nameEn)}</dd>
            </div>
            <div className="fact">
              <dt>{t('rep.field.channel')}</dt>
              <dd>{t(`rep.channel.${r.channel}`)}</dd>
            </div>
            <div className="fact">
              <dt>{t('rep.col.received')}</dt>
              <dd>{fmt.dateTime(r.createdAt)}</dd>
            </div>
            <div className="fact">
              <dt>{t('rep.field.class')}</dt>
              <dd>{t(classKey(r.deadlineClass))}</dd>
            </div>
            <div className="fact">
              <dt>{t('rep.field.deadline')}</dt>
              <dd data-testid="deadline">
                {t('rep.field.deadlineWorking', {
                  date: fmt.date(r.dueDate),
                  n: category?.workingDays ?? '—',
                })}
              </dd>
            </div>
            {r.escalatedAt && (
              <div className="fact">
                <dt>{t('rep.overdue')}</dt>
                <dd>{t('rep.field.escalated', { at: fmt.dateTime(r.escalatedAt) })}</dd>
              </div>
            )}
            <div className="fact">
              <dt>{t('rep.field.unit')}</dt>
              <dd>
                {unit ? pick(unit.nameVi, unit.nameEn) : (r.adminUnit ?? t('rep.unknownUnit'))}
              </dd>
            </div>
            {r.address && (
              <div className="fact">
                <dt>{t('rep.field.address')}</dt>
                <dd>{r.address}</dd>
              </div>
            )}
            <div className="fact">
              <dt>{t('rep.field.agency')}</dt>
              <dd data-testid="primary-agency">
                {r.primaryAgency ? pick(r.primaryAgency.nameVi, r.primaryAgency.nameEn) : '—'}
              </dd>
            </div>
            {!r.primaryAgency && r.suggestedAgency && (
              <div className="fact">
                <dt>{t('rep.field.suggested')}</dt>
                <dd>{pick(r.suggestedAgency.nameVi, r.suggestedAgency.nameEn)}</dd>
              </div>
            )}
            {r.coordinatingAgencies.length > 0 && (
              <div className="fact">
                <dt>{t('rep.field.coordinating')}</dt>
                <dd>{r.coordinatingAgencies.map((a) => pick(a.nameVi, a.nameEn)).join(', ')}</dd>
              </div>
            )}
            {ext && (
              <div className="fact">
                <dt>{t('rep.field.extension')}</dt>
                <dd>
                  {t('rep.field.extensionText', {
                    days: ext.days,
                    reason: ext.reason,
                    status: t(`rep.ext.${ext.status}`),
                  })}
                </dd>
              </div>
            )}
            {r.duplicates > 0 && (
              <div className="fact">
                <dt>{t('rep.field.duplicates')}</dt>
                <dd>{r.duplicates}</dd>
              </div>
            )}
            {r.mergedInto && (
              <div className="fact">
                <dt>{t('rep.field.mergedInto')}</dt>
                <dd>
                  <Link href={`/reports/${r.mergedInto}`}>#{r.mergedInto}</Link>
                </dd>
              </div>
            )}
          </dl>
          <p className="report-description">{r.description}</p>
          {attrs.length > 0 && (
            <section className="detail-section">
              <h2>{t('rep.field.attributes')}</h2>
              <dl className="facts">
                {attrs.map(([code, value]) => {
                  const [name, text] = attrLabel(code, value);
                  return (
                    <div key={code} className="fact">
                      <dt>{name}</dt>
                      <dd>{text}</dd>
                    </div>
                  );
                })}
              </dl>
            </section>
          )}
          {r.rejectionReason && (
            <p className="note">
              <strong>{t('rep.field.rejection')}:</strong> {r.rejectionReason}
            </p>
          )}
          <PhotoGallery
            photos={r.photos.filter((p) => p.kind === 'report')}
            title={t('rep.photos')}
          />
          {r.answer && (
            <section className="detail-section answer-box" data-testid="answer">
              <h2>{t('rep.field.answer')}</h2>
              <p>{r.answer.text}</p>
              <p className="muted small">{fmt.dateTime(r.answer.at)}</p>
            </section>
          )}
          <PhotoGallery
            photos={r.photos.filter((p) => p.kind === 'answer')}
            title={t('rep.answerPhotos')}
          />
          {r.rating && (
            <section className="detail-section" data-testid="rating">
              <h2>{t('rep.field.rating')}</h2>
              <p>
                <strong>
                  {r.rating.satisfied ? t('rep.rating.satisfied') : t('rep.rating.notSatisfied')}
                </strong>
                {r.rating.comment && ` — ${r.rating.comment}`}
              </p>
              <p className="muted small">{fmt.dateTime(r.rating.at)}</p>
            </section>
          )}
          <section className="detail-section">
            <h2>{t('rep.history')}</h2>
            <ol className="history" data-testid="history">
              {r.history.map((h) => {
                const k = stepKey(h.action);
                return (
                  <li key={h.id}>
                    <time dateTime={h.at}>{fmt.dateTime(h.at)}</time>{' '}
                    <strong>{k ? t(k) : h.action}</strong>
                    <span className="muted">
                      {' — '}
                      {h.actorName ?? h.actor.label ?? t(`report.actor.${h.actor.type}`)}
                    </span>
                    {h.note && <p>{h.note}</p>}
                    {h.internalNote && (
                      <p className="internal">
                        <span className="muted">{t('rep.internal')}: </span>
                        {h.internalNote}
                      </p>
                    )}
                  </li>
                );
              })}
            </ol>
            {r.may.addInternalNote && <InternalNoteForm report={r} onSaved={setReport} />}
          </section>
        </div>
        <aside>
          {session.status === 'signed-in' && session.permissions.includes('reports:act') && (
            <ActionPanel report={r} onChange={setReport} />
          )}
          {r.location && (
            <section className="detail-section">
              <h2>{t('rep.field.location')}</h2>
              <Suspense fallback={<div className="report-map">{t('state.loading')}</div>}>
                <ReportMap
                  label={t('rep.field.location')}
                  className="report-map"
                  basemapUrl={config.basemapUrl}
                  points={[{ id: r.id, ...r.location, status: r.status }]}
                  center={r.location}
                />
              </Suspense>
              <p className="muted small">
                {fmt.number(Number(r.location.lat.toFixed(5)))},{' '}
                {fmt.number(Number(r.location.lon.toFixed(5)))}
              </p>
            </section>
          )}
          <ReporterBox report={r} onShared={setReport} />
        </aside>
      </div>
    </div>
  );
}
