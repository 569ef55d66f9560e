/**
 * The camera wall: 1, 4, 9 or 16 tiles of live video (snapshots where live
 * view is not allowed or not available), laid out and saved per user, and
 * tours that page through a camera group. Full screen, for a control room's
 * monitor; everything on it is reachable from the keyboard.
 */
import { useEffect, useMemo, useState } from 'react';
import { wallLayouts } from '@cityops/contracts';
import { useResource } from '../../ui/api/use-resource';
import { LanguageSwitch } from '../../ui/components/LanguageSwitch';
import { ThemeSwitch } from '../../ui/components/ThemeSwitch';
import { ErrorState, Loading } from '../../ui/components/states';
import { Link } from '../../ui/router';
import { statusColours } from '../../ui/status';
import { Clock } from '../shell/TopBar';
import { useSession } from '../session';
import { useT } from '../i18n';
import { camerasApi, type Camera, type CameraWall } from './api';
import { healthLabel } from './labels';
import { LiveView, liveViewAvailable } from './live';
import { Snapshot } from './Snapshot';
import { placeCamera, shownTiles, tourPages } from './wall-model';
import './cameras.css';

const CURRENT_KEY = 'cityops.cameraWall.current';
const SNAPSHOT_EVERY_MS = 10_000;

interface Draft {
  id: string | null;
  name: string;
  layout: number;
  tiles: Array<string | null>;
  tour: { group: string; seconds: number } | null;
}

const blank = (name: string): Draft => ({ id: null, name, layout: 4, tiles: [], tour: null });
const fromWall = (w: CameraWall): Draft => ({
  id: w.id,
  name: w.name,
  layout: w.layout,
  tiles: [...w.tiles],
  tour: w.tour,
});

function remember(id: string | null): void {
  try {
    if (id) localStorage.setItem(CURRENT_KEY, id);
    else localStorage.removeItem(CURRENT_KEY);
  } catch {
    // Storage disabled: the wall opens on the first saved layout next time.
  }
}

function remembered(): string | null {
  try {
    return localStorage.getItem(CURRENT_KEY);
  } catch {
    return null;
  }
}

function Tile(props: {
  index: number;
  camera: Camera | null | undefined;
  cameraId: string | null;
}) {
  const i18n = useT();
  const { t } = i18n;
  const { can } = useSession();
  const c = props.camera;
  return (
    <figure className="wall-tile" data-testid="wall-tile" data-camera={props.cameraId ?? ''}>
      <div className="wall-tile-video">
        {!props.cameraId && <p className="state state-empty">{t('wall.cameras.emptyTile')}</p>}
        {props.cameraId && !c && (
          <p className="state state-empty">{t('wall.cameras.unavailable')}</p>
        )}
        {c &&
          (can('cameras:live') && liveViewAvailable ? (
            <LiveView cameraId={c.id} label={c.name} compact />
          ) : can('cameras:snapshot') ? (
            <Snapshot cameraId={c.id} name={c.name} everyMs={SNAPSHOT_EVERY_MS} size="thumb" />
          ) : null)}
      </div>
      <figcaption>
        <span className="muted">{t('wall.cameras.tile', { n: props.index + 1 })}</span>{' '}
        {c && (
          <>
            <span
              className="dot"
              style={{ background: statusColours[c.health.status] }}
              aria-hidden="true"
            />
            <span className="wall-tile-name">{c.name}</span>{' '}
            <span className="sr-only">{healthLabel(c.health.status, i18n)}</span>
          </>
        )}
      </figcaption>
    </figure>
  );
}

export default function CameraWallPage() {
  const i18n = useT();
  const { t, fmt } = i18n;
  const walls = useResource('walls', (signal) => camerasApi.walls.list(signal));
  const cams = useResource('wall-cameras', (signal) => camerasApi.all({}, signal));
  const groups = useResource('wall-groups', (signal) => camerasApi.groups(signal));
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [paused, setPaused] = useState(false);
  const [page, setPage] = useState(0);

  // First load: the remembered wall, else the first saved one, else a new one.
  useEffect(() => {
    if (draft || !walls.data) return;
    const want = remembered();
    const w = walls.data.find((x) => x.id === want) ?? walls.data[0];
    setDraft(w ? fromWall(w) : blank(t('wall.cameras.defaultName', { n: 1 })));
  }, [walls.data, draft, t]);

  const byId = useMemo(() => new Map((cams.data ?? []).map((c) => [c.id, c])), [cams.data]);
  const tourGroup = draft?.tour?.group ?? '';
  const tourCams = useResource(`tour:${tourGroup}`, (signal) =>
    tourGroup ? camerasApi.all({ group: tourGroup }, signal) : Promise.resolve([] as Camera[]),
  );
  const layout = draft?.layout ?? 4;
  const pages = draft?.tour ? tourPages(tourCams.data?.length ?? 0, layout) : 1;

  useEffect(() => setPage(0), [tourGroup, layout]);
  useEffect(() => {
    if (!draft?.tour || paused || pages <= 1) return;
    const timer = setInterval(() => setPage((p) => (p + 1) % pages), draft.tour.seconds * 1000);
    return () => clearInterval(timer);
  }, [draft?.tour, paused, pages]);

  if (walls.state === 'error' && !walls.data)
    return (
      <main className="centered">
        <ErrorState error={walls.error} onRetry={walls.reload} />
      </main>
    );
  if (!draft)
    return (
      <main className="centered">
        <Loading />
      </main>
    );

  const change = (patch: Partial<Draft>) => {
    setNotice(null);
    setSaveError(null);
    setDraft({ ...draft, ...patch });
  };
  const setTile = (i: number, id: string | null) =>
    change({ tiles: placeCamera(layout, draft.tiles, i, id) });
  const open = (id: string) => {
    const w = walls.data?.find((x) => x.id === id);
    if (!w) return;
    remember(w.id);
    setConfirmDelete(false);
    setPaused(false);
    setNotice(null);
    setSaveError(null);
    setDraft(fromWall(w));
  };
  const save = async () => {
    setSaving(true);
    setSaveError(null);
    const body = {
      name: draft.name,
      layout: draft.layout,
      // Trailing empty tiles are not kept; a smaller layout drops the tiles past its end.
      tiles: draft.tiles.slice(0, draft.layout),
      tour: draft.tour,
    };
    try {
      const w = draft.id
        ? await camerasApi.walls.replace(draft.id, body)
        : await camerasApi.walls.create(body);
      remember(w.id);
      setDraft(fromWall(w));
      setNotice(t('wall.cameras.savedOk'));
      walls.reload();
    } catch (err) {
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  };
  const remove = async () => {
    if (!draft.id) return;
    try {
      await camerasApi.walls.remove(draft.id);
      remember(null);
      setConfirmDelete(false);
      setDraft(blank(t('wall.cameras.defaultName', { n: walls.data?.length ?? 1 })));
      walls.reload();
    } catch (err) {
      setSaveError(err);
    }
  };

  const shownIds = shownTiles(
    layout,
    draft.tiles,
    draft.tour ? { cameras: (tourCams.data ?? []).map((c) => c.id), page } : null,
  );
  const side = Math.sqrt(layout);
  const cameraOptions = [...(cams.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));

  return (
    <div className="camera-wall" data-testid="camera-wall">
      <header className="wall-bar camera-wall-bar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <h1 className="wall-title">{t('wall.cameras.title')}</h1>
        </div>
        <div className="camera-wall-controls">
          <label>
            <span className="sr-only">{t('wall.cameras.saved')}</span>
            <select
              value={draft.id ?? ''}
              onChange={(e) =>
                e.target.value
                  ? open(e.target.value)
                  : change(
                      blank(t('wall.cameras.defaultName', { n: (walls.data?.length ?? 0) + 1 })),
                    )
              }
              data-testid="wall-select"
            >
              {(walls.data ?? []).length === 0 && !draft.id && (
                <option value="">{t('wall.cameras.none')}</option>
              )}
              {(walls.data ?? []).map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
              {draft.id && <option value="">{t('wall.cameras.new')}</option>}
            </select>
          </label>
          <label>
            <span className="sr-only">{t('wall.cameras.name')}</span>
            <input
              value={draft.name}
              maxLength={80}
              onChange={(e) => change({ name: e.target.value })}
              aria-label={t('wall.cameras.name')}
              data-testid="wall-name"
            />
          </label>
          <span role="group" aria-label={t('wall.cameras.layout')} className="segmented">
            {wallLayouts.map((n) => (
              <button
                key={n}
                type="button"
                className="button small"
                aria-pressed={layout === n}
                aria-label={t('wall.cameras.layoutN', { n })}
                onClick={() => change({ layout: n })}
                data-testid={`wall-layout-${n}`}
              >
                {n}
              </button>
            ))}
          </span>
          <label>
            {t('wall.cameras.tour')}{' '}
            <select
              value={tourGroup}
              onChange={(e) =>
                change({
                  tour: e.target.value
                    ? { group: e.target.value, seconds: draft.tour?.seconds ?? 20 }
                    : null,
                })
              }
              data-testid="wall-tour-group"
            >
              <option value="">{t('wall.cameras.tourNone')}</option>
              {(groups.data ?? []).map((g) => (
                <option key={g.key} value={g.key}>
                  {g.name} ({fmt.number(g.cameras)})
                </option>
              ))}
            </select>
          </label>
          {draft.tour && (
            <>
              <label>
                <span className="sr-only">{t('wall.cameras.tourSeconds')}</span>
                <input
                  type="number"
                  min={5}
                  max={3600}
                  value={draft.tour.seconds}
                  aria-label={t('wall.cameras.tourSeconds')}
                  onChange={(e) =>
                    change({ tour: { group: tourGroup, seconds: Number(e.target.value) || 5 } })
                  }
                  className="narrow"
                  data-testid="wall-tour-seconds"
                />
              </label>
              <button
                type="button"
                className="button small"
                aria-pressed={paused}
                onClick={() => setPaused(!paused)}
                data-testid="wall-tour-pause"
              >
                {paused ? t('wall.cameras.tourPlay') : t('wall.cameras.tourPause')}
              </button>
              <span className="muted small" aria-live="polite" data-testid="wall-tour-page">
                {t('wall.cameras.tourPage', { page: page + 1, pages })}
              </span>
            </>
          )}
          <button
            type="button"
            className="button small primary"
            disabled={saving}
            onClick={() => void save()}
            data-testid="wall-save"
          >
            {saving ? t('wall.cameras.saving') : t('wall.cameras.save')}
          </button>
          {draft.id &&
            (confirmDelete ? (
              <span role="group" aria-label={t('wall.cameras.delete')}>
                {t('wall.cameras.deleteConfirm', { name: draft.name })}{' '}
                <button type="button" className="button small danger" onClick={() => void remove()}>
                  {t('wall.cameras.delete')}
                </button>{' '}
                <button
                  type="button"
                  className="button small"
                  onClick={() => setConfirmDelete(false)}
                >
                  {t('common.cancel')}
                </button>
              </span>
            ) : (
              <button type="button" className="button small" onClick={() => setConfirmDelete(true)}>
                {t('wall.cameras.delete')}
              </button>
            ))}
        </div>
        <div className="top-actions">
          <Clock seconds />
          <button
            type="button"
            className="button small"
            onClick={() =>
              void document.documentElement.requestFullscreen?.().catch(() => undefined)
            }
          >
            {t('wall.cameras.fullscreen')}
          </button>
          <LanguageSwitch />
          <ThemeSwitch />
          <Link href="/cameras" className="button small">
            {t('wall.cameras.exit')}
          </Link>
        </div>
      </header>
      {(notice || saveError !== null) && (
        <div className="camera-wall-messages" role="status">
          {notice && <p>{notice}</p>}
          {saveError !== null && <ErrorState error={saveError} compact />}
        </div>
      )}
      <main className="camera-wall-body" id="main">
        {cams.state === 'error' && !cams.data && (
          <ErrorState error={cams.error} onRetry={cams.reload} />
        )}
        {cams.data && cams.data.length === 0 && (
          <p className="state state-empty">{t('wall.cameras.noCameras')}</p>
        )}
        {draft.tour && tourCams.data && tourCams.data.length === 0 && (
          <p className="state state-empty">{t('wall.cameras.tourEmpty')}</p>
        )}
        <div
          className="wall-grid"
          style={{
            gridTemplateColumns: `repeat(${side}, 1fr)`,
            gridTemplateRows: `repeat(${side}, 1fr)`,
          }}
          data-testid="wall-grid"
          data-layout={layout}
        >
          {shownIds.map((id, i) => (
            <div className="wall-cell" key={`${i}:${id ?? ''}`}>
              <Tile index={i} cameraId={id} camera={id ? byId.get(id) : undefined} />
              {!draft.tour && (
                <label className="wall-cell-pick">
                  <span className="sr-only">{t('wall.cameras.pick', { n: i + 1 })}</span>
                  <select
                    value={id ?? ''}
                    onChange={(e) => setTile(i, e.target.value || null)}
                    aria-label={t('wall.cameras.pick', { n: i + 1 })}
                    data-testid="wall-tile-pick"
                  >
                    <option value="">{t('wall.cameras.emptyTile')}</option>
                    {cameraOptions.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name} — {healthLabel(c.health.status, i18n)}
                      </option>
                    ))}
                  </select>
                </label>
              )}
            </div>
          ))}
        </div>
      </main>
    </div>
  );
}
