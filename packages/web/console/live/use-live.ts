/** React hooks over the page's live connection. */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { StoredEvent } from '@cityops/contracts';
import { liveHub, type LiveSnapshot } from './live-hub';

/** How the live connection is doing; re-renders only when that changes. */
export function useLiveStatus(): LiveSnapshot {
  return useSyncExternalStore(
    (cb) => liveHub.onStatus(cb),
    () => liveHub.snapshot(),
  );
}

/**
 * Calls `listener` with each batch of live events while the component is
 * mounted. The latest listener is used without re-subscribing.
 */
export function useLiveEvents(listener: (batch: readonly StoredEvent[]) => void): void {
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => liveHub.subscribe((batch) => ref.current(batch)), []);
}
