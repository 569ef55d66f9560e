/** Loading, empty and error states, and the banner shown while the server is unreachable. */
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { api } from '../api';
import { ApiError } from '../api/errors';
import type { CommonKey } from '../i18n/common';
import { useI18n } from '../i18n/i18n';

/** The translated sentence for a failed call. */
export function errorKey(err: unknown): CommonKey {
  if (!(err instanceof ApiError)) return 'error.server';
  if (err.unreachable) return 'error.network';
  switch (err.status) {
    case 400:
      return 'error.validation';
    case 401:
      return 'error.unauthorized';
    case 403:
      return 'error.forbidden';
    case 404:
      return 'error.notFound';
    case 429:
      return 'error.rateLimited';
    default:
      return err.status >= 500 ? 'error.server' : 'error.validation';
  }
}

export function Loading(props: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {props.label ?? t('state.loading')}
    </div>
  );
}

export function Empty(props: { children?: ReactNode }) {
  const { t } = useI18n();
  return <div className="state state-empty">{props.children ?? t('state.empty')}</div>;
}

/** The error of a call: a translated sentence, the server's detail and field errors, and a retry. */
export function ErrorState(props: { error: unknown; onRetry?: () => void; compact?: boolean }) {
  const { t } = useI18n();
  const err = props.error;
  const detail = err instanceof ApiError && !err.unreachable ? err.detail : undefined;
  const fields = err instanceof ApiError ? err.fieldErrors : [];
  return (
    <div className={`state state-error${props.compact ? ' compact' : ''}`} role="alert">
      <p>{t(errorKey(err))}</p>
      {detail && <p className="muted">{t('error.detail', { detail })}</p>}
      {fields.length > 0 && (
        <ul className="field-errors">
          {fields.map((f) => (
            <li key={`${f.path}:${f.message}`}>
              <code>{f.path}</code>: {f.message}
            </li>
          ))}
        </ul>
      )}
      {props.onRetry && (
        <button type="button" className="button" onClick={props.onRetry}>
          {t('state.retry')}
        </button>
      )}
    </div>
  );
}

/** A bar across the top while the last API call got no answer. */
export function ConnectionBanner() {
  const { t } = useI18n();
  const [reachable, setReachable] = useState(() => api.client.isReachable());
  useEffect(() => api.client.onReachability(setReachable), []);
  useEffect(() => {
    if (reachable) return;
    // Probe a public route until the server answers again; the client then flips `reachable`.
    const probe = () => void api.uiConfig().catch(() => undefined);
    const timer = window.setInterval(probe, 5000);
    window.addEventListener('online', probe);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('online', probe);
    };
  }, [reachable]);
  if (reachable) return null;
  return (
    <div className="connection-banner" role="alert" data-testid="connection-banner">
      <span>{t('error.unreachableBanner')}</span>
      <button
        type="button"
        className="button small"
        onClick={() => void api.uiConfig().catch(() => undefined)}
      >
        {t('state.retry')}
      </button>
    </div>
  );
}
