/**
 * The map's base style. Without a configured basemap it is a plain background,
 * so the map works with no Internet at all; with CITYOPS_BASEMAP_URL it is that
 * style (a style JSON URL) or raster tiles (a URL with {z}/{x}/{y}).
 */
import type { StyleSpecification } from 'maplibre-gl';
import type { Theme } from '../../ui/theme';

export interface MapColours {
  background: string;
  unitLine: string;
  unitFill: string;
  unitLabel: string;
  unitLabelHalo: string;
  selection: string;
  cluster: string;
  clusterText: string;
  pointStroke: string;
}

export const mapColours: Record<Theme, MapColours> = {
  dark: {
    background: '#0f1829',
    unitLine: '#5f80b5',
    unitFill: '#3a5f9a',
    unitLabel: '#c9d6ea',
    unitLabelHalo: '#0f1829',
    selection: '#ffd166',
    cluster: '#3d7fd9',
    clusterText: '#ffffff',
    pointStroke: '#0b1220',
  },
  light: {
    background: '#e8eef6',
    unitLine: '#4f6f9f',
    unitFill: '#7d9cc8',
    unitLabel: '#1d2c44',
    unitLabelHalo: '#ffffff',
    selection: '#b35c00',
    cluster: '#0a5cc2',
    clusterText: '#ffffff',
    pointStroke: '#ffffff',
  },
};

export const BACKGROUND_LAYER = 'background';

/** A style that needs nothing from the network. */
export function plainStyle(theme: Theme): StyleSpecification {
  return {
    version: 8,
    sources: {},
    layers: [
      {
        id: BACKGROUND_LAYER,
        type: 'background',
        paint: { 'background-color': mapColours[theme].background },
      },
    ],
  };
}

/** The style for a configured basemap URL, or the plain one. */
export function baseStyle(basemapUrl: string | null, theme: Theme): StyleSpecification | string {
  if (!basemapUrl) return plainStyle(theme);
  if (!basemapUrl.includes('{z}')) return basemapUrl;
  const style = plainStyle(theme);
  style.sources.basemap = { type: 'raster', tiles: [basemapUrl], tileSize: 256, maxzoom: 19 };
  style.layers.push({ id: 'basemap', type: 'raster', source: 'basemap' });
  return style;
}
