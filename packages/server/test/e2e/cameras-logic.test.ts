/**
 * The camera console's pure logic, without a browser: field-of-view cones
 * (direction, width, length, what is skipped) and the wall's tiles and tours.
 */
import { describe, expect, it } from 'vitest';
import type { Camera } from '@cityops/contracts';
import { cones, fovOf, sector } from '../../../web/console/cameras/fov.js';
import { placeCamera, shownTiles, tourPages } from '../../../web/console/cameras/wall-model.js';

const M = 111_320;
const camera = (id: string, properties: Record<string, unknown>, lonLat = [105.84, 21.59]) =>
  ({
    id,
    type: 'camera',
    geometry: { type: 'Point', coordinates: lonLat },
    properties,
    health: { status: 'offline', reason: null, checkedAt: null, since: null },
  }) as unknown as Camera;

describe('fields of view', () => {
  it('points a cone the way the camera looks, as wide and as long as given', () => {
    const lat = 21.59;
    const ring = sector(105.84, lat, { bearing: 90, angle: 60, range: 200 }).coordinates[0]!;
    expect(ring[0]).toEqual([105.84, lat]);
    expect(ring.at(-1)).toEqual([105.84, lat]);
    const arc = ring.slice(1, -1);
    // Every arc point is 200 m away (flat-earth metres), east of the camera.
    for (const [lon, la] of arc) {
      const dx = (lon! - 105.84) * M * Math.cos((lat * Math.PI) / 180);
      const dy = (la! - lat) * M;
      expect(Math.hypot(dx, dy)).toBeCloseTo(200, 6);
      expect(dx).toBeGreaterThan(0);
    }
    // The edges are at 60° and 120° from north.
    const bearingOf = ([lon, la]: number[]) =>
      (Math.atan2((lon! - 105.84) * Math.cos((lat * Math.PI) / 180), la! - lat) * 180) / Math.PI;
    expect(bearingOf(arc[0]!)).toBeCloseTo(60, 6);
    expect(bearingOf(arc.at(-1)!)).toBeCloseTo(120, 6);
  });

  it('draws a cone per camera with a point and a whole field of view, coloured by health', () => {
    const fc = cones([
      camera('a', { fov: { bearing: 0, angle: 90, range: 100 } }),
      camera('b', {}),
      camera('c', { fov: { bearing: 0, angle: 0, range: 100 } }),
      camera('d', { fov: { bearing: 'north', angle: 90, range: 100 } }),
    ]);
    expect(fc.features.map((f) => f.properties)).toEqual([{ id: 'a', health: 'offline' }]);
    expect(fovOf({ fov: { bearing: 10, angle: 400, range: 5 } })).toEqual({
      bearing: 10,
      angle: 360,
      range: 5,
    });
  });
});

describe('camera wall', () => {
  it('pages a tour through a group, the last page padded with empty tiles', () => {
    const cams = ['1', '2', '3', '4', '5', '6'];
    expect(tourPages(6, 4)).toBe(2);
    expect(tourPages(0, 4)).toBe(1);
    expect(shownTiles(4, [], { cameras: cams, page: 0 })).toEqual(['1', '2', '3', '4']);
    expect(shownTiles(4, [], { cameras: cams, page: 1 })).toEqual(['5', '6', null, null]);
    expect(shownTiles(4, [], { cameras: cams, page: 2 })).toEqual(['1', '2', '3', '4']);
  });

  it('shows the saved tiles, cut or padded to the layout', () => {
    expect(shownTiles(1, ['a', 'b'], null)).toEqual(['a']);
    expect(shownTiles(4, ['a', null, 'c'], null)).toEqual(['a', null, 'c', null]);
  });

  it('moves a camera rather than showing it twice', () => {
    expect(placeCamera(4, ['a', 'b'], 3, 'a')).toEqual([null, 'b', null, 'a']);
    expect(placeCamera(4, ['a', 'b'], 1, null)).toEqual(['a', null, null, null]);
  });
});
