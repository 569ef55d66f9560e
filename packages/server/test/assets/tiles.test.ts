/**
 * Map layers: the GeoJSON layer and the vector tiles, decoded with
 * @mapbox/vector-tile on both databases (ST_AsMVT on PostgreSQL, geojson-vt +
 * vt-pbf on PGlite), including the thinning of dense tiles.
 */
import { beforeAll, expect, it } from 'vitest';
import type { Asset } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import { systemActor } from '../../src/core/auth/principal.js';
import { decodeTile, type DecodedFeature } from './tile-decode.js';
import {
  buildCamera,
  createAsset,
  offset,
  pathsOf,
  places,
  point,
  square,
  tileOf,
  type LonLat,
  type Problem,
} from './factories.js';

/** Where a point falls inside its tile, in tile units (0…4096). */
function pixelOf([lon, lat]: LonLat, t: { z: number; x: number; y: number }) {
  const n = 2 ** t.z;
  const r = (lat * Math.PI) / 180;
  const fx = ((lon + 180) / 360) * n - t.x;
  const fy = ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n - t.y;
  return { x: fx * 4096, y: fy * 4096 };
}

describeEachDb('assets: map layers and vector tiles', (kind) => {
  const t = useTestCityOps(kind);
  const centre = offset(places.giaSang.at, 200, 200);
  const tile14 = tileOf(centre, 14);
  const url = (layer: string, z: { z: number; x: number; y: number }, q = '') =>
    `/api/v1/tiles/${layer}/${z.z}/${z.x}/${z.y}.mvt${q}`;
  let camera: Asset;
  let school: Asset;
  let sensor: Asset;
  /** A dense cluster far from the others: 5,001 points in about 300 m × 300 m. */
  const dense = places.bacKan.at;

  beforeAll(async () => {
    const { admin, cityops } = t();
    camera = await createAsset(admin, buildCamera({ code: 'TL-CAM', geometry: point(centre) }));
    school = await createAsset(admin, {
      type: 'school',
      code: 'TL-SCHOOL',
      name: 'Trường THCS',
      geometry: square(offset(centre, 50, 50), 60),
    });
    sensor = await createAsset(admin, {
      code: 'TL-SENSOR',
      geometry: point(offset(centre, -80, 30)),
      status: 'online',
    });
    const items = Array.from({ length: 5001 }, (_, i) => ({
      type: 'sensor' as const,
      code: `DENSE-${i}`,
      name: `Dense ${i}`,
      geometry: point(offset(dense, (i % 71) * 4, Math.floor(i / 71) * 4)),
    }));
    expect((await cityops.assets.service.importItems(systemActor, items)).created).toBe(5001);
  });

  it('serves a vector tile whose features carry id, type, code, name and status', async () => {
    const res = await t().admin.get(url('assets', tile14));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    const layers = decodeTile(res);
    expect(Object.keys(layers)).toEqual(['assets']);
    const byCode: Record<string, DecodedFeature> = Object.fromEntries(
      layers.assets!.map((f) => [String(f.properties.code), f]),
    );
    expect(Object.keys(byCode).sort()).toEqual(['TL-CAM', 'TL-SCHOOL', 'TL-SENSOR']);
    expect(byCode['TL-CAM']!.properties).toEqual({
      id: camera.id,
      type: 'camera',
      code: 'TL-CAM',
      name: camera.name,
      status: 'unknown',
    });
    expect(byCode['TL-SENSOR']!.properties).toMatchObject({ id: sensor.id, status: 'online' });
    expect(byCode['TL-SCHOOL']!.type).toBe(3);
    expect(byCode['TL-CAM']!.type).toBe(1);
    const expected = pixelOf(centre, tile14);
    expect(Math.abs(byCode['TL-CAM']!.first.x - expected.x)).toBeLessThanOrEqual(2);
    expect(Math.abs(byCode['TL-CAM']!.first.y - expected.y)).toBeLessThanOrEqual(2);
    expect(JSON.stringify(layers)).not.toContain('S3cret-cam-pass');
  });

  it('serves one type as its own layer, and filters the assets layer by type', async () => {
    const { admin } = t();
    const cams = decodeTile(await admin.get(url('camera', tile14)));
    expect(Object.keys(cams)).toEqual(['camera']);
    expect(cams.camera!.map((f) => f.properties.code)).toEqual(['TL-CAM']);
    const filtered = decodeTile(await admin.get(url('assets', tile14, '?type=school,sensor')));
    expect(filtered.assets!.map((f) => f.properties.code).sort()).toEqual([
      'TL-SCHOOL',
      'TL-SENSOR',
    ]);
    expect(school.adminUnit).toBe(places.giaSang.unit);
  });

  it('answers 204 for an empty tile', async () => {
    const { admin } = t();
    const sea = tileOf([110, 15], 10);
    expect((await admin.get(url('assets', sea))).statusCode).toBe(204);
    expect((await admin.get(url('hospital', tile14))).statusCode).toBe(204);
  });

  it('renders low zooms, where the whole province is one tile', async () => {
    const { admin } = t();
    for (const z of [0, 4, 8]) {
      const res = await admin.get(url('assets', tileOf(centre, z)));
      expect(res.statusCode, `z${z}`).toBe(200);
      expect(decodeTile(res).assets!.length).toBeGreaterThan(0);
    }
  });

  it('thins a tile holding more than 4,000 assets, each feature weighted', async () => {
    const { admin } = t();
    const dense14 = tileOf(offset(dense, 140, 140), 14);
    const features = decodeTile(await admin.get(url('assets', dense14))).assets!;
    // About one in eight of 5,001 (binomial: 625 ± 70 at four standard deviations).
    expect(features.length).toBeGreaterThan(450);
    expect(features.length).toBeLessThan(800);
    expect(features.every((f) => f.properties.weight === 8)).toBe(true);
    // Zoomed in far enough, every asset is drawn and none is weighted.
    const dense18 = tileOf(offset(dense, 2, 2), 18);
    const close = decodeTile(await admin.get(url('assets', dense18))).assets!;
    expect(close.length).toBeGreaterThan(0);
    expect(close.length).toBeLessThan(4000);
    expect(close.some((f) => 'weight' in f.properties)).toBe(false);
  });

  it('refuses bad tile coordinates and layers, naming the parameter', async () => {
    const { admin } = t();
    const cases: Array<[string, string]> = [
      ['/api/v1/tiles/assets/23/0/0.mvt', 'z'],
      ['/api/v1/tiles/assets/-1/0/0.mvt', 'z'],
      ['/api/v1/tiles/assets/2/4/0.mvt', 'x'],
      ['/api/v1/tiles/assets/2/0/4.mvt', 'y'],
      ['/api/v1/tiles/assets/2/1.5/0.mvt', 'x'],
      ['/api/v1/tiles/volcanoes/2/0/0.mvt', 'layer'],
      ['/api/v1/tiles/camera/2/0/0.mvt?type=school', 'type'],
      ['/api/v1/tiles/assets/2/0/0.mvt?colour=red', 'colour'],
    ];
    for (const [u, path] of cases) {
      const res = await admin.get(u);
      expect(res.statusCode, u).toBe(400);
      expect(pathsOf(res.json<Problem>()), u).toEqual([path]);
    }
    expect((await t().anonymous.get(url('assets', tile14))).statusCode).toBe(401);
  });

  it('answers small sets as a GeoJSON layer', async () => {
    const [lon, lat] = centre;
    const res = await t().admin.get(
      `/api/v1/layers/assets.geojson?bbox=${lon - 0.01},${lat - 0.01},${lon + 0.01},${lat + 0.01}`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/geo+json');
    const fc = res.json<{
      type: string;
      features: Array<{ geometry: { type: string }; properties: Record<string, unknown> }>;
    }>();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.map((f) => f.properties.code).sort()).toEqual([
      'TL-CAM',
      'TL-SCHOOL',
      'TL-SENSOR',
    ]);
    expect(fc.features.find((f) => f.properties.code === 'TL-CAM')!.properties).toEqual({
      id: camera.id,
      type: 'camera',
      code: 'TL-CAM',
      name: camera.name,
      status: 'unknown',
      adminUnit: places.giaSang.unit,
    });
  });

  it('refuses a GeoJSON layer of more than 5,000 features, pointing to the tiles', async () => {
    const res = await t().admin.get('/api/v1/layers/assets.geojson?type=sensor');
    expect(res.statusCode).toBe(400);
    const body = res.json<Problem>();
    expect(pathsOf(body)).toEqual(['bbox']);
    expect(body.errors![0]!.message).toMatch(/vector tiles/);
  });

  it("names each type's source for the map, counted in the caller's scope", async () => {
    type Catalogue = {
      maxFeatures: number;
      types: Array<{ type: string; count: number | null; source: string }>;
    };
    const res = await t().admin.get('/api/v1/layers/assets');
    expect(res.statusCode, res.body).toBe(200);
    const all = res.json<Catalogue>();
    expect(all.maxFeatures).toBe(5000);
    const byType = new Map(all.types.map((x) => [x.type, x]));
    // 5,002 sensors: past the limit, from the tiles; the others as GeoJSON, counted exactly.
    expect(byType.get('sensor')).toEqual({ type: 'sensor', count: null, source: 'tiles' });
    expect(byType.get('camera')).toEqual({ type: 'camera', count: 1, source: 'geojson' });
    expect(byType.get('school')).toEqual({ type: 'school', count: 1, source: 'geojson' });
    expect(byType.get('clinic')).toEqual({ type: 'clinic', count: 0, source: 'geojson' });
    // An operator of Gia Sàng sees only its three assets: its sensor is a small layer.
    const ward = await t().userWith('operator', { units: [places.giaSang.unit] });
    const mine = (await ward.get('/api/v1/layers/assets')).json<Catalogue>();
    const wardTypes = new Map(mine.types.map((x) => [x.type, x]));
    expect(wardTypes.get('sensor')).toEqual({ type: 'sensor', count: 1, source: 'geojson' });
    expect(wardTypes.get('camera')?.count).toBe(1);
    expect((await t().admin.get('/api/v1/layers/assets?type=sensor')).statusCode).toBe(400);
    expect((await t().anonymous.get('/api/v1/layers/assets')).statusCode).toBe(401);
  });

  it('publishes the tile URL template in the OpenAPI document', async () => {
    const doc = (await t().anonymous.get('/api/v1/openapi.json')).json<{
      paths: Record<string, unknown>;
    }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/tiles/{layer}/{z}/{x}/{y}.mvt',
        '/api/v1/layers/assets.geojson',
        '/api/v1/assets',
        '/api/v1/assets/{id}',
        '/api/v1/assets/import',
        '/api/v1/assets/export.csv',
        '/api/v1/assets/export.geojson',
      ]),
    );
  });
});
