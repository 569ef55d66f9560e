/**
 * The map, loaded on first use with the server's basemap setting; offline it
 * says so instead of failing when MapLibre has not been loaded yet.
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import type { ReportMapProps } from '../../ui/reports/ReportMap';
import { citizenApi } from '../api';
import { useT } from '../i18n';
import { useOnline } from '../state/online';
import { ScreenBoundary } from '../screens/ScreenBoundary';

const ReportMap = lazy(() => import('../../ui/reports/ReportMap'));

/** Whether a map was drawn in this page: offline, only then can one be drawn again. */
let drawn = false;

export function LazyMap(props: Omit<ReportMapProps, 'basemapUrl' | 'onDrawn'>) {
  const { t } = useT();
  const online = useOnline();
  const [basemap, setBasemap] = useState<{ url: string | null } | null>(null);
  useEffect(() => {
    let live = true;
    citizenApi.uiConfig().then(
      (c) => live && setBasemap({ url: c.basemapUrl }),
      () => live && setBasemap({ url: null }),
    );
    return () => {
      live = false;
    };
  }, []);
  const unavailable = <p className="map-note muted">{t('map.offline')}</p>;
  if (!online && !drawn) return unavailable;
  const loading = <div className="report-map map-loading">{t('map.loading')}</div>;
  if (!basemap) return loading;
  return (
    <ScreenBoundary fallback={unavailable}>
      <Suspense fallback={loading}>
        <ReportMap {...props} basemapUrl={basemap.url} onDrawn={() => (drawn = true)} />
      </Suspense>
    </ScreenBoundary>
  );
}
