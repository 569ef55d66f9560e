/**
 * Requests to show an asset on the map (a new critical alert, a "show on
 * map" button). Every map on the page (the map page, the wall's map) listens
 * and flies there; with no map open nothing happens.
 */
type FocusListener = (assetId: string) => void;

const listeners = new Set<FocusListener>();

export function requestFocus(assetId: string): void {
  for (const l of listeners) l(assetId);
}

export function onFocusRequest(listener: FocusListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
