/**
 * A small icon per asset type, as SVG path data on a 24×24 grid (even-odd
 * fill). The same paths draw the map's symbols (rasterised once with Path2D,
 * no file to download) and the icons of the layer switcher and lists.
 */
import type { AssetType } from '@cityops/contracts';

export const assetIcons: Record<AssetType, string> = {
  camera:
    'M4 7h11a1 1 0 0 1 1 1v2.5l4-2.5v8l-4-2.5V16a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1z',
  anpr_camera: 'M2 7h20v10H2zM4 9v6h16V9zM6 10h3v4H6zm4.5 0h3v4h-3zm4.5 0h3v4h-3z',
  signal_controller:
    'M8 2h8a1 1 0 0 1 1 1v16a1 1 0 0 1-1 1h-3v2h-2v-2H8a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zm4 2.2a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm0 5a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm0 5a2 2 0 1 0 0 4 2 2 0 0 0 0-4z',
  fire_panel: 'M12 2c1 3 5 5.5 5 10a5 5 0 0 1-10 0c0-2 1-3.5 2-4.5 0 2 1 3 2 3 0-3-1-5 1-8.5z',
  sensor:
    'M12 10a2 2 0 1 1 0 4 2 2 0 0 1 0-4zM7.8 7.8l1.4 1.4a4 4 0 0 0 0 5.6l-1.4 1.4a6 6 0 0 1 0-8.4zM16.2 7.8a6 6 0 0 1 0 8.4l-1.4-1.4a4 4 0 0 0 0-5.6zM5 5l1.4 1.4a8 8 0 0 0 0 11.2L5 19A10 10 0 0 1 5 5zM19 5a10 10 0 0 1 0 14l-1.4-1.4a8 8 0 0 0 0-11.2z',
  fire_station:
    'M3 10l9-7 9 7v11H3zM12 9c.7 2 3 3.5 3 6a3 3 0 0 1-6 0c0-1.3.6-2.2 1.3-2.8 0 1.2.6 1.8 1.2 1.8 0-1.8-.5-3 .5-5z',
  police_station:
    'M12 2l8 3v6c0 5-3.4 9.4-8 11-4.6-1.6-8-6-8-11V5zM12 7l1.2 2.6 2.8.3-2.1 1.9.6 2.8-2.5-1.4-2.5 1.4.6-2.8L8 9.9l2.8-.3z',
  school: 'M12 3L1 9l11 6 9-4.9V17h2V9zM5 13.2v4L12 21l7-3.8v-4L12 17z',
  clinic: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zM10.5 6h3v4.5H18v3h-4.5V18h-3v-4.5H6v-3h4.5z',
  hospital:
    'M4 3h16a1 1 0 0 1 1 1v16a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zM7 7v10h2.5v-3.75h5V17H17V7h-2.5v4.25h-5V7z',
  government_office: 'M12 2l10 5v2H2V7zM4 10h3v8H4zM10.5 10h3v8h-3zM17 10h3v8h-3zM2 19h20v3H2z',
  poi: 'M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zM12 6.5a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5z',
};

/** The map image name of a type's icon. */
export const iconName = (type: AssetType) => `icon-${type}`;

/** A type's icon as pixels for MapLibre's addImage (drawn at 2× for sharp edges). */
export function iconPixels(type: AssetType, colour: string, cssSize = 14): ImageData | null {
  const size = cssSize * 2;
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.scale(size / 24, size / 24);
  ctx.fillStyle = colour;
  ctx.fill(new Path2D(assetIcons[type]), 'evenodd');
  return ctx.getImageData(0, 0, size, size);
}
