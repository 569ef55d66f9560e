/**
 * Video-wall mode: a full-screen layout for the control room's big screen
 * (map, live feed, key figures), and each of them alone at /wall/map,
 * /wall/feed and /wall/figures for one monitor each. Built to run for days:
 * the feed keeps a fixed number of rows, the map is updated in place, and
 * every listener and timer goes with its view.
 */
import { LanguageSwitch } from '../../ui/components/LanguageSwitch';
import { ThemeSwitch } from '../../ui/components/ThemeSwitch';
import { Link, usePath } from '../../ui/router';
import { FeedList } from '../feed/FeedList';
import { useFeed } from '../feed/use-feed';
import { noFilter } from '../live/live-items';
import { LiveIndicator } from '../live/LiveIndicator';
import { Clock, SoundToggle } from '../shell/TopBar';
import { useT } from '../i18n';
import { WallFigures } from './WallFigures';
import { WallMap } from './WallMap';

const FEED_ROWS = 40;

type View = 'all' | 'map' | 'feed' | 'figures';

function WallFeed() {
  const { t } = useT();
  const feed = useFeed(noFilter, FEED_ROWS);
  return (
    <section className="wall-feed" aria-labelledby="wall-feed-title" data-testid="wall-feed">
      <h2 id="wall-feed-title">{t('wall.feed')}</h2>
      <FeedList items={feed.items} compact label={t('wall.feed')} />
    </section>
  );
}

export default function WallPage() {
  const { t } = useT();
  const path = usePath();
  const view: View = path.endsWith('/map')
    ? 'map'
    : path.endsWith('/feed')
      ? 'feed'
      : path.endsWith('/figures')
        ? 'figures'
        : 'all';
  const open = (v: Exclude<View, 'all'>) =>
    window.open(`/wall/${v}`, `cityops-wall-${v}`, 'popup=no');
  return (
    <div className={`wall wall-view-${view}`} data-testid="wall">
      <header className="wall-bar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">CityOps</span>
          <h1 className="wall-title">{t(`wall.title.${view}`)}</h1>
        </div>
        <div className="top-actions">
          <Clock seconds />
          <LiveIndicator />
          {view === 'all' && (
            <span className="wall-windows" role="group" aria-label={t('wall.openWindows')}>
              {(['map', 'feed', 'figures'] as const).map((v) => (
                <button key={v} type="button" className="button small" onClick={() => open(v)}>
                  {t(`wall.open.${v}`)}
                </button>
              ))}
            </span>
          )}
          <SoundToggle />
          <LanguageSwitch />
          <ThemeSwitch />
          <Link href="/map" className="button small">
            {t('wall.exit')}
          </Link>
        </div>
      </header>
      <main className="wall-body" id="main">
        {(view === 'all' || view === 'map') && <WallMap />}
        {(view === 'all' || view === 'figures') && <WallFigures />}
        {(view === 'all' || view === 'feed') && <WallFeed />}
      </main>
    </div>
  );
}
