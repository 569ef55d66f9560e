/**
 * The live view of one camera, lazy: the player (and hls.js with it) loads
 * only when a live view is opened. The player is its own module
 * (./LivePlayer.tsx); while a build has none, the tile says live view is not
 * available and keeps showing snapshots.
 */
import { Suspense, lazy, type ComponentType } from 'react';
import { useT } from '../i18n';
import { Loading } from '../../ui/components/states';

export interface LiveViewProps {
  cameraId: string;
  /** A name for the video element (the camera's). */
  label: string;
  /** Smaller stream and no controls, for wall tiles. */
  compact?: boolean;
}

type PlayerModule = {
  default?: ComponentType<LiveViewProps>;
  LivePlayer?: ComponentType<LiveViewProps>;
};

const modules = import.meta.glob<PlayerModule>('./LivePlayer.tsx');
const loadPlayer = modules['./LivePlayer.tsx'];

export const liveViewAvailable = loadPlayer !== undefined;

const Player = loadPlayer
  ? lazy(async () => {
      const m = await loadPlayer();
      const C = m.default ?? m.LivePlayer;
      if (!C) throw new Error('LivePlayer.tsx exports no component');
      return { default: C };
    })
  : null;

export function LiveView(props: LiveViewProps) {
  const { t } = useT();
  if (!Player)
    return (
      <p className="state state-empty" data-testid="live-unavailable">
        {t('cameras.liveUnavailable')}
      </p>
    );
  return (
    <Suspense fallback={<Loading />}>
      <Player {...props} />
    </Suspense>
  );
}
