/**
 * One report: its status, what happened (the public history), photos, the
 * answer, and for the citizen who sent it the rating of the answer. A report
 * of this device is read with its own token; any other as the public sees it.
 */
import { useState } from 'react';
import type { FormEvent } from 'react';
import type { ReportPhoto, ReportStatus } from '@cityops/contracts';
import { ApiError } from '../../ui/api/errors';
import { useResource } from '../../ui/api/use-resource';
import { ErrorState, Loading } from '../../ui/components/states';
import { Link, navigate } from '../../ui/router';
import { stepKey, statusKey } from '../../ui/reports/report-messages';
import { citizenApi, type CitizenReport, type PublicReportDetail } from '../api';
import { useT } from '../i18n';
import { LazyMap } from '../map/LazyMap';
import {
  followReport,
  markSeen,
  refreshMyReports,
  unfollowReport,
  useMyReports,
  watching,
} from '../state/my-reports';
import { CategoryIcon, Icon } from '../../ui/reports/icons';

type Detail =
  | { kind: 'own'; report: CitizenReport; token: string }
  | { kind: 'public'; report: PublicReportDetail };

function Photos(props: { photos: ReportPhoto[]; title: string }) {
  const { t } = useT();
  const [open, setOpen] = useState<ReportPhoto | null>(null);
  if (props.photos.length === 0) return null;
  return (
    <section aria-label={props.title}>
      <h2>{props.title}</h2>
      <ul className="photo-strip">
        {props.photos.map((p, i) => (
          <li key={p.id}>
            <button type="button" className="thumb" onClick={() => setOpen(p)}>
              <img src={p.thumbUrl} alt={t('detail.photo', { n: i + 1 })} loading="lazy" />
            </button>
          </li>
        ))}
      </ul>
      {open && (
        <div className="lightbox" role="dialog" aria-modal="true" onClick={() => setOpen(null)}>
          <img src={open.url} alt={t('detail.photo', { n: props.photos.indexOf(open) + 1 })} />
          <button type="button" className="button" autoFocus onClick={() => setOpen(null)}>
            {t('state.close')}
          </button>
        </div>
      )}
    </section>
  );
}

function Rating(props: {
  report: CitizenReport;
  token: string;
  onRated: (r: CitizenReport) => void;
}) {
  const { t } = useT();
  const [satisfied, setSatisfied] = useState<boolean | null>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (satisfied === null) return;
    setBusy(true);
    setError(null);
    try {
      const r = await citizenApi.rate(
        props.token,
        props.report.id,
        satisfied,
        comment.trim() || undefined,
      );
      markSeen(r.id, r.status);
      props.onRated(r);
      void refreshMyReports();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="section rating" onSubmit={(e) => void send(e)} data-testid="rating-form">
      <fieldset>
        <legend>
          <h2>{t('detail.rateTitle')}</h2>
        </legend>
        <div className="rating-choices">
          <label
            className={`rating-choice${satisfied === true ? ' chosen' : ''}`}
            data-testid="rate-satisfied"
          >
            <input
              type="radio"
              name="satisfied"
              className="sr-only"
              checked={satisfied === true}
              onChange={() => setSatisfied(true)}
            />
            <Icon name="up" /> {t('detail.satisfied')}
          </label>
          <label
            className={`rating-choice${satisfied === false ? ' chosen' : ''}`}
            data-testid="rate-not-satisfied"
          >
            <input
              type="radio"
              name="satisfied"
              className="sr-only"
              checked={satisfied === false}
              onChange={() => setSatisfied(false)}
            />
            <Icon name="down" /> {t('detail.notSatisfied')}
          </label>
        </div>
      </fieldset>
      <label className="field">
        {t('detail.comment')}
        <textarea
          rows={3}
          maxLength={1000}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
        />
      </label>
      {error !== null && <ErrorState error={error} compact />}
      <button type="submit" className="button primary big" disabled={busy || satisfied === null}>
        {t('detail.sendRating')}
      </button>
    </form>
  );
}

export default function ReportDetail(props: { id: string }) {
  const { t, pick, fmt } = useT();
  const mine = useMyReports();
  const own = mine.own.find((o) => o.report.id === props.id);
  const settled = mine.state === 'ready' || mine.state === 'error';
  const [rated, setRated] = useState<CitizenReport | null>(null);
  const [following, setFollowing] = useState(() => watching.has(props.id));
  const [followBusy, setFollowBusy] = useState(false);
  const [followError, setFollowError] = useState<string | null>(null);
  /** Follows on the server when the device has a citizen token, else on this device. */
  const toggleFollow = async (now: boolean, status: ReportStatus) => {
    setFollowBusy(true);
    setFollowError(null);
    try {
      if (now) {
        await unfollowReport(props.id);
        setFollowing(false);
      } else {
        const done = await followReport(props.id, status);
        setFollowing(done.where === 'device');
        if (done.id !== props.id) navigate(`/citizen/reports/${done.id}?followed=1`);
      }
    } catch (err) {
      setFollowError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setFollowBusy(false);
    }
  };
  const params = new URLSearchParams(window.location.search);

  const key = `${props.id}|${own?.token ?? (settled ? 'public' : 'wait')}`;
  const res = useResource<Detail | null>(key, async (signal) => {
    if (own) {
      const report = await citizenApi.mineOne(own.token, props.id, signal);
      return { kind: 'own', report, token: own.token };
    }
    if (!settled) return null;
    return { kind: 'public', report: await citizenApi.publicOne(props.id, signal) };
  });

  const back = (
    <Link href={own || following ? '/citizen/mine' : '/citizen/map'} className="back-link">
      ‹ {t('detail.back')}
    </Link>
  );
  if (res.state === 'error' && !res.data)
    return (
      <>
        {back}
        <ErrorState error={res.error} onRetry={res.reload} />
      </>
    );
  const d = res.data;
  if (!d) return <Loading />;
  const r = rated && d.kind === 'own' ? rated : d.report;
  const ownReport = d.kind === 'own' ? (rated ?? d.report) : null;
  const reportPhotos = r.photos.filter((p) => p.kind === 'report');
  const answerPhotos = r.photos.filter((p) => p.kind === 'answer');
  const location = r.location;

  return (
    <article className="report-detail" data-testid="report-detail">
      {back}
      <div className="title-row">
        <h1>
          <CategoryIcon code={r.category.code} /> {t('detail.title', { id: r.id })}
        </h1>
        <span className={`status-chip status-${r.status}`} data-testid="detail-status">
          {t(statusKey(r.status))}
        </span>
      </div>
      {params.has('sent') && (
        <p className="success" role="status" data-testid="sent-note">
          {t('form.sent', { id: r.id })}
        </p>
      )}
      {params.has('followed') && (
        <p className="success" role="status">
          {t('form.followed', { id: r.id })}
        </p>
      )}
      {ownReport?.following && <p className="note">{t('detail.followingNote')}</p>}
      {r.mergedInto && (
        <p className="note">
          <Link href={`/citizen/reports/${r.mergedInto}`}>
            {t('detail.merged', { id: r.mergedInto })}
          </Link>
        </p>
      )}
      <dl className="facts">
        <dt>{t('detail.category')}</dt>
        <dd>{pick(r.category.nameVi, r.category.nameEn)}</dd>
        <dt>{t('detail.sent')}</dt>
        <dd>{fmt.dateTime(r.createdAt)}</dd>
        {ownReport && (
          <>
            <dt>{t('detail.deadline')}</dt>
            <dd>{fmt.dateTime(ownReport.deadline)}</dd>
          </>
        )}
        {r.agency && (
          <>
            <dt>{t('detail.agency')}</dt>
            <dd>{pick(r.agency.nameVi, r.agency.nameEn)}</dd>
          </>
        )}
        {r.address && (
          <>
            <dt>{t('detail.address')}</dt>
            <dd>{r.address}</dd>
          </>
        )}
      </dl>
      {r.description && <p className="description">{r.description}</p>}
      <Photos photos={reportPhotos} title={t('detail.photos')} />
      {ownReport && reportPhotos.length === 0 && r.status === 'received' && (
        <p className="muted small-print">{t('detail.photosLater')}</p>
      )}

      {r.answer && (
        <section className="section answer" aria-labelledby="answer-title" data-testid="answer">
          <h2 id="answer-title">{t('detail.answer')}</h2>
          <p>{r.answer.text}</p>
          <p className="muted small-print">
            {t('detail.answeredAt', { at: fmt.dateTime(r.answer.at) })}
          </p>
          <Photos photos={answerPhotos} title={t('detail.photos')} />
        </section>
      )}

      {ownReport?.canRate && d.kind === 'own' && (
        <Rating report={ownReport} token={d.token} onRated={setRated} />
      )}
      {ownReport?.rating && (
        <p className="success" role="status" data-testid="rated">
          {ownReport.rating.satisfied ? t('detail.ratedSatisfied') : t('detail.ratedNot')}
          {rated && ` — ${t('detail.rated')}`}
          {rated?.status === 'in_progress' && ` ${t('detail.reopened')}`}
        </p>
      )}

      <section aria-labelledby="history-title">
        <h2 id="history-title">{t('detail.history')}</h2>
        <ol className="timeline" data-testid="history">
          {[...r.history].reverse().map((h) => {
            const k = stepKey(h.action);
            return (
              <li key={h.id}>
                <time dateTime={h.at}>{fmt.dateTime(h.at)}</time>
                <strong>{k ? t(k) : h.action}</strong>
                {h.actor.label && <span className="muted"> — {h.actor.label}</span>}
                {h.note && <p>{h.note}</p>}
              </li>
            );
          })}
        </ol>
      </section>

      {location && (
        <section aria-label={t('detail.onMap')}>
          <LazyMap
            label={t('detail.onMap')}
            className="report-map small"
            points={[{ id: r.id, lat: location.lat, lon: location.lon, status: r.status }]}
            start="city"
            center={location}
          />
        </section>
      )}

      {(d.kind === 'public' || (d.kind === 'own' && d.report.following)) && (
        <>
          <button
            type="button"
            className="button big"
            data-testid="follow-toggle"
            disabled={followBusy}
            onClick={() => void toggleFollow(d.kind === 'own' || following, r.status)}
          >
            {d.kind === 'own' || following ? t('detail.unfollow') : t('detail.follow')}
          </button>
          {d.kind === 'public' && following && (
            <p className="muted" data-testid="follow-local">
              {t('detail.followLocal')}
            </p>
          )}
          {followError !== null && (
            <p className="form-error" role="alert">
              {t('detail.followFailed', { reason: followError })}
            </p>
          )}
        </>
      )}
    </article>
  );
}
