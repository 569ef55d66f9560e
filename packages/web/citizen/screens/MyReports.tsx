/**
 * My reports: those waiting to be sent (the offline queue), those sent from
 * this device or with this phone, and those followed; notifications can be
 * turned on here.
 */
import { useState } from 'react';
import type { ReactNode } from 'react';
import type { ReportStatus } from '@cityops/contracts';
import { ErrorState, Loading } from '../../ui/components/states';
import { Link } from '../../ui/router';
import { statusKey } from '../../ui/reports/report-messages';
import type { PublicReport } from '../api';
import { useT } from '../i18n';
import { removeQueued, retryQueued, useOutbox } from '../outbox/outbox';
import type { OutboxItem } from '../outbox/db';
import { useIdentity } from '../state/identity';
import { refreshMyReports, unfollowReport, useMyReports, watching } from '../state/my-reports';
import { disablePush, enablePush, usePushState } from '../state/push';
import { ApiError } from '../../ui/api/errors';
import { CategoryIcon, Icon } from '../../ui/reports/icons';

function StatusChip(props: { status: ReportStatus }) {
  const { t } = useT();
  return (
    <span className={`status-chip status-${props.status}`} data-testid="status-chip">
      {t(statusKey(props.status))}
    </span>
  );
}

function Queued(props: { items: readonly OutboxItem[] }) {
  const { t, pick, fmt } = useT();
  if (props.items.length === 0) return null;
  return (
    <section aria-labelledby="queued-title" data-testid="queued">
      <h2 id="queued-title">{t('mine.queued')}</h2>
      <ul className="cards">
        {props.items.map((i) => (
          <li key={i.id} className="card queued" data-testid="queued-item">
            <div className="card-head">
              <CategoryIcon code={i.draft.categoryCode} />
              <strong>{pick(i.categoryName.vi, i.categoryName.en)}</strong>
              <span className={`status-chip outbox-${i.state}`}>
                {i.state === 'failed'
                  ? t('mine.failedState')
                  : i.state === 'sending'
                    ? t('mine.sendingState')
                    : t('mine.queuedState')}
              </span>
            </div>
            <p className="clamp">{i.draft.description}</p>
            <p className="muted small-print">{fmt.dateTime(i.createdAt)}</p>
            {i.error && <p className="form-error">{i.error}</p>}
            {i.state === 'failed' && (
              <div className="row">
                <button type="button" className="button" onClick={() => void retryQueued(i.id)}>
                  {t('mine.retry')}
                </button>
                <button type="button" className="button" onClick={() => void removeQueued(i.id)}>
                  {t('mine.delete')}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ReportCard(props: {
  report: Pick<PublicReport, 'id' | 'status' | 'category' | 'description' | 'createdAt'>;
  extra?: ReactNode;
}) {
  const { pick, fmt } = useT();
  const r = props.report;
  return (
    <li className="card" data-testid={`report-${r.id}`}>
      <Link href={`/citizen/reports/${r.id}`} className="card-link">
        <div className="card-head">
          <CategoryIcon code={r.category.code} />
          <strong>#{r.id}</strong>
          <StatusChip status={r.status} />
        </div>
        <div>{pick(r.category.nameVi, r.category.nameEn)}</div>
        {r.description && <p className="clamp">{r.description}</p>}
        <p className="muted small-print">{fmt.dateTime(r.createdAt)}</p>
      </Link>
      {props.extra}
    </li>
  );
}

/** Notifications on or off: web push for the reports of this device's tokens and those followed. */
function NotificationSwitch(props: { hasToken: boolean }) {
  const { t, locale } = useT();
  const state = usePushState();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (state === 'unsupported' || state === 'blocked')
    return (
      <p className="muted" data-testid="notify-switch" data-state={state}>
        {state === 'blocked' ? t('mine.notifyBlocked') : t('mine.notifyUnsupported')}
      </p>
    );
  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="notify-switch" data-testid="notify-switch" data-state={state}>
      <p className="muted">{state === 'on' ? t('mine.notifyOnNote') : t('mine.notifyOffNote')}</p>
      {state === 'off' && !props.hasToken ? (
        <p className="muted">{t('mine.notifyNeedReport')}</p>
      ) : (
        <button
          type="button"
          className="button big"
          aria-pressed={state === 'on'}
          disabled={busy}
          data-testid="notify-toggle"
          onClick={() =>
            void run(() => (state === 'on' ? disablePush() : enablePush(langOf(locale))))
          }
        >
          <Icon name="bell" /> {state === 'on' ? t('mine.notifyOff') : t('mine.notifyOn')}
        </button>
      )}
      {error !== null && (
        <p className="form-error" role="alert">
          {t('mine.notifyFailed', { reason: error })}
        </p>
      )}
    </div>
  );
}

const langOf = (locale: string): 'vi' | 'en' => (locale === 'en' ? 'en' : 'vi');

export default function MyReports() {
  const { t } = useT();
  const me = useIdentity();
  const mine = useMyReports();
  const queue = useOutbox().filter((i) => i.state !== 'sent');
  const params = new URLSearchParams(window.location.search);
  const empty = mine.own.length === 0 && mine.watched.length === 0 && queue.length === 0;
  const sent = mine.own.filter((o) => !o.report.following);
  const followed = mine.own.filter((o) => o.report.following);
  const [unfollowError, setUnfollowError] = useState<string | null>(null);
  const claimed = Number(params.get('claimed') ?? 0);

  return (
    <>
      <div className="title-row">
        <h1>{t('mine.title')}</h1>
        <button
          type="button"
          className="button"
          onClick={() => void refreshMyReports()}
          data-testid="refresh-mine"
        >
          ↻ {t('mine.refresh')}
        </button>
      </div>
      {params.has('queued') && (
        <p className="success" role="status" data-testid="queued-note">
          {t('form.queued')}
        </p>
      )}
      {claimed > 0 && (
        <p className="success" role="status" data-testid="claimed-note">
          {t('signIn.claimed', { n: claimed })}
        </p>
      )}
      <Queued items={queue} />
      {mine.state === 'loading' && mine.own.length === 0 && <Loading />}
      {mine.state === 'error' && (
        <ErrorState error={mine.error} onRetry={() => void refreshMyReports()} />
      )}
      {sent.length > 0 && (
        <section aria-labelledby="own-title">
          <h2 id="own-title">{t('mine.own')}</h2>
          <ul className="cards" data-testid="own-reports">
            {sent.map((o) => (
              <ReportCard
                key={o.report.id}
                report={o.report}
                extra={
                  o.report.canRate ? (
                    <p className="note">
                      <Link href={`/citizen/reports/${o.report.id}`}>{t('mine.rateNow')}</Link>
                    </p>
                  ) : undefined
                }
              />
            ))}
          </ul>
        </section>
      )}
      {(mine.watched.length > 0 || followed.length > 0) && (
        <section aria-labelledby="watched-title">
          <h2 id="watched-title">{t('mine.following')}</h2>
          {unfollowError !== null && (
            <p className="form-error" role="alert">
              {t('mine.unfollowFailed', { reason: unfollowError })}
            </p>
          )}
          <ul className="cards" data-testid="watched-reports">
            {followed.map((o) => (
              <ReportCard
                key={o.report.id}
                report={o.report}
                extra={
                  <button
                    type="button"
                    className="button"
                    onClick={() => {
                      setUnfollowError(null);
                      unfollowReport(o.report.id).catch((err: unknown) =>
                        setUnfollowError(err instanceof ApiError ? err.message : String(err)),
                      );
                    }}
                  >
                    {t('mine.unfollow')}
                  </button>
                }
              />
            ))}
            {mine.watched.map((r) => (
              <ReportCard
                key={r.id}
                report={r}
                extra={
                  <button type="button" className="button" onClick={() => watching.remove(r.id)}>
                    {t('mine.unfollow')}
                  </button>
                }
              />
            ))}
          </ul>
        </section>
      )}
      {mine.state === 'ready' && empty && <p className="muted">{t('mine.none')}</p>}
      <section className="section account">
        {me.phone ? (
          <p>
            {t('mine.signedIn', { phone: me.phone.number })}{' '}
            <Link href="/citizen/sign-in">{t('mine.signOut')}</Link>
          </p>
        ) : (
          <>
            <p className="muted">{t('mine.signInHint')}</p>
            <Link href="/citizen/sign-in" className="button big" data-testid="sign-in-link">
              {t('mine.signIn')}
            </Link>
          </>
        )}
        <NotificationSwitch hasToken={!!me.phone || me.followTokens.length > 0} />
      </section>
    </>
  );
}
