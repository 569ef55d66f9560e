/**
 * A map of reports for both apps (load it lazily: it brings MapLibre): a plain
 * background that needs no Internet (or the server's basemap,
 * CITYOPS_BASEMAP_URL), report points coloured by status, and in `pick` mode
 * a marker placed by a tap or a drag. Exposed as window.__cityopsReportMap
 * for the end-to-end tests.
 */
import { useEffect, useRef, useState } from 'react';
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { ExpressionSpecification, StyleSpecification } from 'maplibre-gl';
import type { FeatureCollection, Point } from 'geojson';
import type { ReportStatus } from '@cityops/contracts';
import { reportStatusColours } from './status';

maplibregl.setWorkerUrl(workerUrl);

/** Thái Nguyên city centre, and a view of the whole province. */
export const CITY = { lon: 105.8442, lat: 21.5925 };
const PROVINCE = { center: [105.95, 22.0] as [number, number], zoom: 7.6 };

export interface MapReportPoint {
  id: string;
  lat: number;
  lon: number;
  status: ReportStatus;
}

export interface ReportMapProps {
  label: string;
  /** The server's basemap (null: the plain background). */
  basemapUrl?: string | null;
  /** Called once the map exists (MapLibre and its worker are then loaded). */
  onDrawn?: () => void;
  points?: readonly MapReportPoint[];
  /** `pick`: a marker at `value`, moved by a tap or a drag. */
  pick?: {
    value: { lat: number; lon: number } | null;
    onPick: (lat: number, lon: number) => void;
  };
  onSelect?: (id: string) => void;
  /** Where to look first when there is no marker: a point, the city, or the whole province. */
  start?: 'city' | 'province';
  center?: { lat: number; lon: number };
  onUnavailable?: () => void;
  className?: string;
}

const statusColour: ExpressionSpecification = [
  'match',
  ['get', 'status'],
  ...Object.entries(reportStatusColours).flat(),
  '#868e96',
] as unknown as ExpressionSpecification;

function style(basemapUrl: string | null): StyleSpecification | string {
  const plain: StyleSpecification = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#e8eef6' } }],
  };
  if (!basemapUrl) return plain;
  if (!basemapUrl.includes('{z}')) return basemapUrl;
  plain.sources.basemap = { type: 'raster', tiles: [basemapUrl], tileSize: 256, maxzoom: 19 };
  plain.layers.push({ id: 'basemap', type: 'raster', source: 'basemap' });
  return plain;
}

const asGeoJson = (points: readonly MapReportPoint[]): FeatureCollection<Point> => ({
  type: 'FeatureCollection',
  features: points.map((p) => ({
    type: 'Feature',
    id: Number(p.id),
    geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
    properties: { id: p.id, status: p.status },
  })),
});

export default function ReportMap(props: ReportMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<maplibregl.Map | null>(null);
  const [loaded, setLoaded] = useState(false);
  const marker = useRef<maplibregl.Marker | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!container.current) return;
    const basemapUrl = latest.current.basemapUrl ?? null;
    const v = latest.current.pick?.value ?? latest.current.center;
    let m: maplibregl.Map;
    try {
      m = new maplibregl.Map({
        container: container.current,
        style: style(basemapUrl),
        center: v
          ? [v.lon, v.lat]
          : latest.current.start === 'province'
            ? PROVINCE.center
            : [CITY.lon, CITY.lat],
        zoom: v ? 16 : latest.current.start === 'province' ? PROVINCE.zoom : 13,
        maxZoom: 19,
        attributionControl: basemapUrl ? { compact: true } : false,
      });
    } catch {
      // No WebGL: the caller offers another way (GPS, the list).
      setFailed(true);
      latest.current.onUnavailable?.();
      return;
    }
    latest.current.onDrawn?.();
    setMap(m);
    (window as unknown as { __cityopsReportMap?: maplibregl.Map }).__cityopsReportMap = m;
    m.getCanvas().setAttribute('aria-label', latest.current.label);
    m.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    // Without a listener MapLibre prints errors to the console; a missing tile is no error here.
    m.on('error', () => undefined);
    m.on('load', () => {
      m.addSource('reports', { type: 'geojson', data: asGeoJson(latest.current.points ?? []) });
      m.addLayer({
        id: 'reports',
        type: 'circle',
        source: 'reports',
        paint: {
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 7, 4, 14, 8],
          'circle-color': statusColour,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1.5,
        },
      });
      setLoaded(true);
    });
    m.on('click', (e) => {
      const p = latest.current;
      if (p.pick) {
        p.pick.onPick(e.lngLat.lat, e.lngLat.lng);
        return;
      }
      if (!m.getLayer('reports') || !p.onSelect) return;
      const hit = m.queryRenderedFeatures(
        [
          [e.point.x - 8, e.point.y - 8],
          [e.point.x + 8, e.point.y + 8],
        ],
        { layers: ['reports'] },
      )[0];
      const id = hit?.properties?.id as string | undefined;
      if (id) p.onSelect(id);
    });
    m.on('mousemove', (e) => {
      if (!m.getLayer('reports') || latest.current.pick) return;
      const n = m.queryRenderedFeatures(e.point, { layers: ['reports'] }).length;
      m.getCanvas().style.cursor = n ? 'pointer' : '';
    });
    return () => {
      m.remove();
      marker.current = null;
    };
  }, []);

  // The points.
  useEffect(() => {
    if (!map || !loaded) return;
    void map.getSource<maplibregl.GeoJSONSource>('reports')?.setData(asGeoJson(props.points ?? []));
  }, [map, loaded, props.points]);

  // The picked place.
  const value = props.pick?.value;
  useEffect(() => {
    const m = map;
    if (!m || !value) return;
    if (!marker.current) {
      marker.current = new maplibregl.Marker({ color: '#d9480f', draggable: true })
        .setLngLat([value.lon, value.lat])
        .addTo(m);
      marker.current.on('dragend', () => {
        const at = marker.current?.getLngLat();
        if (at) latest.current.pick?.onPick(at.lat, at.lng);
      });
    } else marker.current.setLngLat([value.lon, value.lat]);
    const inView = m.getBounds().contains([value.lon, value.lat]);
    if (!inView || m.getZoom() < 14)
      m.jumpTo({ center: [value.lon, value.lat], zoom: Math.max(m.getZoom(), 16) });
  }, [map, value?.lat, value?.lon]);

  if (failed) return null;
  return (
    <div
      ref={container}
      className={props.className ?? 'report-map'}
      role="region"
      aria-label={props.label}
      data-testid="report-map"
    />
  );
}
