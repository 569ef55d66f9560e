/** The camera status board: online share by ward over the last 7 days, and the longest outages. */
import { useMemo } from 'react';
import { useResource } from '../../ui/api/use-resource';
import { ErrorState, Loading } from '../../ui/components/states';
import { useT } from '../i18n';
import { useUnitNames } from '../components/unit-names';
import { camerasApi, type Camera } from './api';
import { durationText } from './labels';

const WEEK_MS = 7 * 24 * 3600 * 1000;

export function StatusBoard(props: { cameras: readonly Camera[]; onPick: (id: string) => void }) {
  const i18n = useT();
  const { t, fmt } = i18n;
  // The period starts on the hour, so that the key (and the load) stays put between renders.
  const from = useMemo(
    () => new Date(Math.floor((Date.now() - WEEK_MS) / 3_600_000) * 3_600_000),
    [],
  );
  const uptime = useResource(`uptime:${from.toISOString()}`, (signal) =>
    camerasApi.uptime(from, signal),
  );
  const unitNames = useUnitNames();
  const unitName = (code: string | null) => {
    if (!code) return t('cameras.board.noWard');
    const u = unitNames.get(code);
    return u ? i18n.pick(u.nameVi, u.nameEn) : code;
  };
  const byId = useMemo(() => new Map(props.cameras.map((c) => [c.id, c])), [props.cameras]);

  return (
    <section
      className="camera-board"
      aria-labelledby="camera-board-title"
      data-testid="camera-board"
    >
      <h2 id="camera-board-title">{t('cameras.board')}</h2>
      <p className="muted small">{t('cameras.board.period')}</p>
      {uptime.state === 'loading' && !uptime.data && <Loading />}
      {uptime.state === 'error' && (
        <ErrorState error={uptime.error} onRetry={uptime.reload} compact />
      )}
      {uptime.data && uptime.data.wards.length === 0 && (
        <p className="state state-empty">{t('cameras.board.empty')}</p>
      )}
      {uptime.data && uptime.data.wards.length > 0 && (
        <>
          <table className="data" data-testid="camera-board-wards">
            <thead>
              <tr>
                <th scope="col">{t('cameras.board.ward')}</th>
                <th scope="col">{t('cameras.board.cameras')}</th>
                <th scope="col">{t('cameras.board.online')}</th>
                <th scope="col">{t('cameras.board.offline')}</th>
              </tr>
            </thead>
            <tbody>
              {[...uptime.data.wards]
                .sort((a, b) => (a.uptimePercent ?? 101) - (b.uptimePercent ?? 101))
                .map((w) => (
                  <tr key={w.adminUnit ?? '-'}>
                    <th scope="row">{unitName(w.adminUnit)}</th>
                    <td>{fmt.number(w.cameras)}</td>
                    <td>
                      {w.uptimePercent === null ? (
                        t('cameras.board.noData')
                      ) : (
                        <span className="uptime">
                          <span
                            className="uptime-bar"
                            style={{ width: `${Math.max(0, Math.min(100, w.uptimePercent))}%` }}
                            aria-hidden="true"
                          />
                          {fmt.number(Math.round(w.uptimePercent * 10) / 10)}%
                        </span>
                      )}
                    </td>
                    <td>{durationText(w.offlineSeconds, i18n)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
          <h3>{t('cameras.board.outages')}</h3>
          {uptime.data.longestOutages.length === 0 ? (
            <p className="state state-empty">{t('cameras.board.noOutages')}</p>
          ) : (
            <table className="data" data-testid="camera-board-outages">
              <thead>
                <tr>
                  <th scope="col">{t('cameras.board.camera')}</th>
                  <th scope="col">{t('cameras.board.started')}</th>
                  <th scope="col">{t('cameras.board.duration')}</th>
                </tr>
              </thead>
              <tbody>
                {uptime.data.longestOutages.map((o) => {
                  const c = byId.get(o.cameraId);
                  return (
                    <tr key={`${o.cameraId}:${o.startedAt}`}>
                      <th scope="row">
                        {c ? (
                          <button
                            type="button"
                            className="link-button"
                            onClick={() => props.onPick(c.id)}
                          >
                            {c.name}
                          </button>
                        ) : (
                          o.cameraId
                        )}
                      </th>
                      <td>{fmt.dateTime(o.startedAt)}</td>
                      <td>
                        {durationText(o.seconds, i18n)}
                        {o.endedAt === null && ` (${t('cameras.board.ongoing')})`}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
