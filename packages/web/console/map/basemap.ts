/**
 * Which basemap the map draws, a setting of each browser: the plain
 * background (works with no Internet; the default) or the one the server is
 * configured with (CITYOPS_BASEMAP_URL), when it has one.
 */
import { useCallback, useState } from 'react';

export type BasemapChoice = 'plain' | 'server';

const KEY = 'cityops.map.basemap';

function stored(): BasemapChoice {
  try {
    return localStorage.getItem(KEY) === 'plain' ? 'plain' : 'server';
  } catch {
    return 'server';
  }
}

/** The choice; 'server' only takes effect when the server has a basemap. */
export function useBasemap(): [BasemapChoice, (c: BasemapChoice) => void] {
  const [choice, setChoice] = useState<BasemapChoice>(stored);
  const set = useCallback((c: BasemapChoice) => {
    setChoice(c);
    try {
      localStorage.setItem(KEY, c);
    } catch {
      // Storage disabled: the choice lasts for this page only.
    }
  }, []);
  return [choice, set];
}
