/** The server's settings for its browser apps, fetched once per page (GET /api/v1/ui-config). */
import { useEffect, useState } from 'react';
import { api } from './api';
import type { UiConfig } from './api';
import { DEFAULT_TIME_ZONE } from './i18n/format';

let pending: Promise<UiConfig> | null = null;

export const defaultUiConfig: UiConfig = { basemapUrl: null, timezone: DEFAULT_TIME_ZONE };

export function loadUiConfig(): Promise<UiConfig> {
  pending ??= api.uiConfig().catch((err: unknown) => {
    pending = null; // try again next time
    throw err;
  });
  return pending;
}

/** The settings: the defaults while loading, and when the server cannot say ('failed'). */
export function useUiConfig(): { config: UiConfig; state: 'loading' | 'ready' | 'failed' } {
  const [result, setResult] = useState<{ config: UiConfig; state: 'loading' | 'ready' | 'failed' }>(
    { config: defaultUiConfig, state: 'loading' },
  );
  useEffect(() => {
    let live = true;
    loadUiConfig().then(
      (config) => live && setResult({ config, state: 'ready' }),
      () => live && setResult({ config: defaultUiConfig, state: 'failed' }),
    );
    return () => {
      live = false;
    };
  }, []);
  return result;
}
