/**
 * The queue as a map (loaded lazily: it brings MapLibre): the console's map
 * (theme, language, basemap, commune boundaries, the no-WebGL notice) with
 * the located reports under the queue's filters as points coloured by
 * status; a click on one opens it. The points come from
 * GET /api/v1/reports/map (the newest 5,000 under the filters, in the
 * user's scope).
 */
import { useEffect, useRef, useState } from 'react';
import type { ExpressionSpecification, GeoJSONSource, MapMouseEvent } from 'maplibre-gl';
import type { FeatureCollection, Point } from 'geojson';
import type { ReportMapPoint } from '@cityops/contracts';
import { api } from '../../ui/api';
import { useResource } from '../../ui/api/use-resource';
import { ErrorState } from '../../ui/components/states';
import { navigate } from '../../ui/router';
import { statusKey } from '../../ui/reports/report-messages';
import { reportStatusColours, reportStatusOrder } from '../../ui/reports/status';
import { MapFailure, unitsExtent, useCityMap } from '../map/use-city-map';
import { bboxOf } from '../map/geometry';
import type { CityMap } from '../map/city-map';
import { useT } from '../i18n';
import { reportsApi, type ReportListQuery } from './api';

const SOURCE = 'queue-reports';
const LAYER = 'queue-reports';
/** Simplification of boundaries, in degrees (≈ 20 m), as the Map page draws them. */
const BOUNDARY_TOLERANCE = 0.0002;

const statusColour = [
  'match',
  ['get', 'status'],
  ...Object.entries(reportStatusColours).flat(),
  '#868e96',
] as unknown as ExpressionSpecification;

const asGeoJson = (points: readonly ReportMapPoint[]): FeatureCollection<Point> => ({
  type: 'FeatureCollection',
  features: points.map((p) => ({
    type: 'Feature',
    id: Number(p.id),
    geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
    properties: { id: p.id, status: p.status, category: p.category },
  })),
});

/** The report layer over the boundaries, once the map's own layers are in; clicks open a report. */
async function addReportLayer(cityMap: CityMap): Promise<boolean> {
  if (!(await cityMap.live())) return false;
  const m = cityMap.map;
  if (m.getSource(SOURCE)) return true;
  m.addSource(SOURCE, { type: 'geojson', data: asGeoJson([]) });
  m.addLayer({
    id: LAYER,
    type: 'circle',
    source: SOURCE,
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 4, 14, 8],
      'circle-color': statusColour,
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 1.5,
    },
  });
  m.on('click', LAYER, (e: MapMouseEvent & { features?: Array<{ properties: unknown }> }) => {
    const id = (e.features?.[0]?.properties as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string') navigate(`/reports/${id}`);
  });
  m.on('mouseenter', LAYER, () => (m.getCanvas().style.cursor = 'pointer'));
  m.on('mouseleave', LAYER, () => (m.getCanvas().style.cursor = ''));
  return true;
}

export default function QueueMap(props: { query: ReportListQuery; queryKey: string }) {
  const { t, fmt } = useT();
  const container = useRef<HTMLDivElement>(null);
  const [mapError, setMapError] = useState(false);
  const { cityMap, failure } = useCityMap(container, {
    onAsset: () => undefined,
    onUnit: () => undefined,
    onNothing: () => undefined,
    onError: () => setMapError(true),
  });
  const [layerReady, setLayerReady] = useState<CityMap | null>(null);
  /** Whether the view was fitted to points (the boundaries then no longer move it). */
  const fitted = useRef(false);
  const points = useResource(props.queryKey, (signal) => reportsApi.map(props.query, signal));

  // The commune boundaries, as on the Map page; the view fits them until points come.
  useEffect(() => {
    if (!cityMap) return;
    const ctl = new AbortController();
    api.adminUnits.layer({ level: 'commune', tolerance: BOUNDARY_TOLERANCE }, ctl.signal).then(
      async (units) => {
        await cityMap.setUnits(units);
        const box = unitsExtent(units);
        if (!ctl.signal.aborted && box && !fitted.current) cityMap.fitBox(box);
      },
      () => undefined, // The reports are drawn without the boundaries.
    );
    void addReportLayer(cityMap).then((ok) => ok && !ctl.signal.aborted && setLayerReady(cityMap));
    return () => ctl.abort();
  }, [cityMap]);

  // The points, and a view that takes them all in.
  const data = points.data;
  useEffect(() => {
    if (!cityMap || layerReady !== cityMap || !data) return;
    void cityMap.map.getSource<GeoJSONSource>(SOURCE)?.setData(asGeoJson(data.items));
    const box = bboxOf({
      type: 'MultiPoint',
      coordinates: data.items.map((p) => [p.lon, p.lat]),
    });
    if (box) {
      cityMap.fitBox(box);
      fitted.current = true;
    }
    cityMap.map.getContainer().dataset.points = String(data.items.length);
  }, [cityMap, layerReady, data]);

  return (
    <div className="queue-map-wrap">
      <p className="muted small" role="status" data-testid="queue-map-count">
        {points.state === 'loading'
          ? t('state.loading')
          : data
            ? t(data.truncated ? 'rep.map.truncated' : 'rep.map.count', {
                n: fmt.number(data.items.length),
              })
            : null}
      </p>
      {points.state === 'error' && (
        <ErrorState error={points.error} onRetry={points.reload} compact />
      )}
      {mapError && <p className="muted small">{t('rep.map.partial')}</p>}
      <div className="queue-map">
        <div
          ref={container}
          className="queue-map-canvas"
          role="region"
          aria-label={t('rep.map.label')}
          data-testid="queue-map"
        />
        <MapFailure failure={failure} />
      </div>
      <ul className="queue-map-legend" aria-label={t('rep.map.legend')}>
        {reportStatusOrder.map((s) => (
          <li key={s}>
            <span className="dot" style={{ background: reportStatusColours[s] }} />
            {t(statusKey(s))}
          </li>
        ))}
      </ul>
    </div>
  );
}
