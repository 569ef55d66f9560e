/**
 * The cameras screen: the list with health (filter by health and group), the
 * status board, and a panel for the chosen camera (snapshot, live view).
 * `/cameras?camera=<id>` opens with that camera.
 */
import { useEffect, useMemo, useState } from 'react';
import { useResource } from '../../ui/api/use-resource';
import { ErrorState, Loading } from '../../ui/components/states';
import { Link } from '../../ui/router';
import { statusColours } from '../../ui/status';
import { useSession } from '../session';
import { useT } from '../i18n';
import { camerasApi, healthStatuses, type CameraHealthStatus } from './api';
import { CameraPanel } from './CameraPanel';
import { healthLabel, reasonText } from './labels';
import { StatusBoard } from './StatusBoard';
import './cameras.css';

const REFRESH_MS = 30_000;

export default function CamerasPage() {
  const i18n = useT();
  const { t, fmt } = i18n;
  const { can } = useSession();
  const [status, setStatus] = useState<CameraHealthStatus | ''>('');
  const [group, setGroup] = useState('');
  const [picked, setPicked] = useState<string | null>(() =>
    new URLSearchParams(window.location.search).get('camera'),
  );
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  const all = useResource(`cameras:${tick}`, (signal) => camerasApi.all({}, signal));
  const groups = useResource('camera-groups', (signal) => camerasApi.groups(signal));
  const members = useResource(`group:${group}`, (signal) =>
    group
      ? camerasApi.all({ group }, signal).then((cs) => new Set(cs.map((c) => c.id)))
      : Promise.resolve(null),
  );
  const cameras = all.data ?? [];
  const shown = useMemo(
    () =>
      cameras
        .filter((c) => !status || c.health.status === status)
        .filter((c) => !members.data || members.data.has(c.id))
        .sort(
          (a, b) =>
            healthStatuses.indexOf(a.health.status) - healthStatuses.indexOf(b.health.status) ||
            a.name.localeCompare(b.name),
        ),
    [cameras, status, members.data],
  );
  const counts = useMemo(() => {
    const n: Record<CameraHealthStatus, number> = {
      online: 0,
      degraded: 0,
      offline: 0,
      unknown: 0,
    };
    for (const c of cameras) n[c.health.status]++;
    return n;
  }, [cameras]);
  const current = picked ? cameras.find((c) => c.id === picked) : undefined;

  return (
    <div className="page cameras-page">
      <div className="cameras-head">
        <div>
          <h1>{t('cameras.title')}</h1>
          <p className="muted">{t('cameras.intro')}</p>
        </div>
        <Link className="button" href="/camera-wall">
          {t('nav.cameraWall')}
        </Link>
      </div>
      <ul className="camera-counts" aria-label={t('cameras.filterStatus')}>
        {healthStatuses.map((s) => (
          <li key={s} data-testid={`camera-count-${s}`}>
            <span className="dot" style={{ background: statusColours[s] }} aria-hidden="true" />
            {healthLabel(s, i18n)}: <strong>{fmt.number(counts[s])}</strong>
          </li>
        ))}
      </ul>
      <div className="cameras-layout">
        <section aria-labelledby="camera-list-title" className="camera-list">
          <h2 id="camera-list-title">{t('cameras.list')}</h2>
          <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
            <label>
              {t('cameras.filterStatus')}
              <select
                value={status}
                onChange={(e) => setStatus(e.target.value as CameraHealthStatus | '')}
                data-testid="cameras-status"
              >
                <option value="">{t('common.all')}</option>
                {healthStatuses.map((s) => (
                  <option key={s} value={s}>
                    {healthLabel(s, i18n)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('cameras.filterGroup')}
              <select
                value={group}
                onChange={(e) => setGroup(e.target.value)}
                data-testid="cameras-group"
              >
                <option value="">{t('cameras.allGroups')}</option>
                {(groups.data ?? []).map((g) => (
                  <option key={g.key} value={g.key}>
                    {g.name} ({fmt.number(g.cameras)})
                  </option>
                ))}
              </select>
            </label>
          </form>
          {all.state === 'loading' && !all.data && <Loading />}
          {all.state === 'error' && <ErrorState error={all.error} onRetry={all.reload} />}
          {all.data && cameras.length === 0 && (
            <p className="state state-empty">{t('cameras.empty')}</p>
          )}
          {all.data && cameras.length > 0 && shown.length === 0 && (
            <p className="state state-empty">{t('cameras.emptyFilter')}</p>
          )}
          {shown.length > 0 && (
            <>
              <p className="muted small" aria-live="polite">
                {t('cameras.count', { n: fmt.number(shown.length) })}
              </p>
              <ul className="camera-rows" data-testid="camera-list">
                {shown.slice(0, 500).map((c) => {
                  const reason = reasonText(c.health.reason, i18n);
                  return (
                    <li key={c.id}>
                      <button
                        type="button"
                        className="camera-row"
                        aria-current={c.id === picked ? 'true' : undefined}
                        onClick={() => setPicked(c.id)}
                        data-testid="camera-row"
                        data-status={c.health.status}
                      >
                        <span
                          className="dot"
                          style={{ background: statusColours[c.health.status] }}
                          aria-hidden="true"
                        />
                        <span className="camera-row-name">
                          {c.name} <span className="muted">{c.code}</span>
                        </span>
                        <span className="camera-row-status">
                          {healthLabel(c.health.status, i18n)}
                          {reason && <span className="muted small"> — {reason}</span>}
                        </span>
                      </button>
                    </li>
                  );
                })}
              </ul>
            </>
          )}
        </section>
        {current ? (
          <CameraPanel camera={current} onClose={() => setPicked(null)} />
        ) : (
          can('cameras:read') && <StatusBoard cameras={cameras} onPick={(id) => setPicked(id)} />
        )}
      </div>
    </div>
  );
}
