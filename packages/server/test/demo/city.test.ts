/** The demo city generator: deterministic, complete, and every point where it should be. */
import { describe, expect, it } from 'vitest';
import { assetCreateSchema, assetTypeCatalogue } from '@cityops/contracts';
import { buildDemoCity, countByType, type DemoCity } from '../../src/demo/city.js';
import { UnitMap } from '../../src/demo/units.js';
import { contains, regionOf } from '../../src/demo/geometry.js';
import { URBAN_AREAS } from '../../src/demo/areas.js';
import { DEMO_MARKER_EMAIL } from '../../src/demo/users.js';
import { PILOT_TAG } from '../../src/demo/cameras.js';
import { provinceOutline, shippedDemoInput } from './fixture.js';

const input = shippedDemoInput();
const city: DemoCity = buildDemoCity(input);
const map = new UnitMap(input);
const ofType = (type: string) => city.assets.filter((a) => a.asset.type === type);
const positionOf = (a: DemoCity['assets'][number]) => {
  const g = a.asset.geometry;
  if (g.type !== 'Point') throw new Error(`${a.asset.code} is not a point`);
  return g.coordinates;
};

describe('demo city generator', () => {
  it('builds the same city from the same seed, and another from another seed', () => {
    expect(JSON.stringify(buildDemoCity(input))).toBe(JSON.stringify(city));
    const other = buildDemoCity(input, 'another seed');
    expect(JSON.stringify(other.assets)).not.toBe(JSON.stringify(city.assets));
    expect(countByType(other.assets)).toEqual(countByType(city.assets));
  });

  it('has the equipment the province has: 409 cameras, 3 ANPR cameras, the 7-camera pilot', () => {
    const counts = countByType(city.assets);
    console.info('demo assets by type', counts, 'total', city.assets.length);
    expect(counts.camera).toBe(409);
    expect(counts.anpr_camera).toBe(3);
    expect(ofType('camera').filter((a) => a.asset.tags.includes(PILOT_TAG))).toHaveLength(7);
    expect(counts.signal_controller).toBeGreaterThanOrEqual(15);
    const remote = ofType('signal_controller').filter((a) => a.asset.properties.remoteControl);
    expect(remote.length).toBeGreaterThan(0);
    expect(remote.length).toBeLessThan(counts.signal_controller!);
    expect(counts.fire_station).toBeGreaterThanOrEqual(5);
    expect(counts.fire_panel).toBeGreaterThanOrEqual(50);
    expect(counts.school).toBeGreaterThanOrEqual(70);
    expect(counts.clinic).toBeGreaterThanOrEqual(40);
    expect(counts.hospital).toBeGreaterThanOrEqual(3);
    expect(counts.government_office).toBeGreaterThanOrEqual(15);
    expect(counts.sensor).toBeGreaterThanOrEqual(25);
    const kinds = new Set(ofType('sensor').map((a) => a.asset.properties.kind));
    expect(kinds).toEqual(new Set(['air_quality', 'water_level', 'water_quality']));
    const levels = new Set(ofType('school').map((a) => a.asset.properties.level));
    expect(levels.size).toBeGreaterThanOrEqual(5);
  });

  it('makes assets the API accepts: valid input, valid properties, unique codes', () => {
    const codes = new Set<string>();
    for (const { asset } of city.assets) {
      expect(assetCreateSchema.safeParse(asset).success, asset.code).toBe(true);
      const props = assetTypeCatalogue[asset.type].properties.safeParse(asset.properties);
      expect(props.success, `${asset.code}: ${JSON.stringify(props.error?.issues)}`).toBe(true);
      expect(codes.has(asset.code), asset.code).toBe(false);
      codes.add(asset.code);
      expect(asset.tags).toContain('demo');
    }
    expect(new Set(city.assets.map((a) => a.asset.name)).size).toBe(city.assets.length);
    expect(codes.has('CAM-TN-0001')).toBe(true);
    expect(codes.has('CAM-TN-0409')).toBe(true);
  });

  it('refuses to build without admin units', () => {
    expect(() => buildDemoCity({ units: [], formerUnits: [] })).toThrow(/admin units/);
  });

  it('puts every asset well inside the province and the unit it expects', () => {
    const province = regionOf(provinceOutline())!;
    for (const a of city.assets) {
      const p = positionOf(a);
      expect(contains(province, p), a.asset.code).toBe(true);
      expect(map.unitAt(p)?.code, a.asset.code).toBe(a.unit);
    }
  });

  it('concentrates cameras in the urban wards, most of all in central Thái Nguyên', () => {
    const cameras = ofType('camera');
    const inWards = cameras.filter((a) => map.get(a.unit)!.isWard);
    expect(inWards.length / cameras.length).toBeGreaterThan(0.8);
    const byArea = (key: string) => cameras.filter((a) => map.get(a.unit)!.area === key).length;
    const [thaiNguyen, ...others] = URBAN_AREAS.map((a) => byArea(a.key));
    for (const n of others) expect(thaiNguyen).toBeGreaterThan(2 * n);
    const perUnit = new Map<string, number>();
    for (const a of cameras) perUnit.set(a.unit, (perUnit.get(a.unit) ?? 0) + 1);
    const busiest = [...perUnit.entries()].sort((x, y) => y[1] - x[1])[0]![0];
    expect(busiest).toBe(map.unitAt(URBAN_AREAS[0]!.centre)!.code);
    // Every unit of the urban areas has cameras at its People's Committee.
    for (const u of map.units.filter((x) => x.area))
      expect(perUnit.get(u.code), u.code).toBeGreaterThan(0);
  });

  it('puts the ANPR cameras and the pilot in Thái Nguyên, and streams on documentation networks only', () => {
    for (const a of [
      ...ofType('anpr_camera'),
      ...ofType('camera').filter((c) => c.asset.tags.includes(PILOT_TAG)),
    ])
      expect(map.get(a.unit)!.area, a.asset.code).toBe('thai-nguyen');
    const hosts = new Set<string>();
    for (const a of [...ofType('camera'), ...ofType('anpr_camera')]) {
      const p = a.asset.properties as Record<string, string>;
      for (const key of ['streamUrl', 'subStreamUrl', 'snapshotUrl', 'onvifUrl'])
        expect(new URL(p[key]!).hostname, a.asset.code).toMatch(
          /^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+$/,
        );
      hosts.add(new URL(p.streamUrl!).hostname);
      expect(['security', 'traffic', 'environment']).toContain(p.purpose);
    }
    expect(hosts.size).toBe(412);
  });

  it('refers only to its own agencies and units, parents first', () => {
    const codes = new Set<string>();
    for (const a of city.agencies) {
      if (a.parentCode) expect(codes.has(a.parentCode), a.code).toBe(true);
      codes.add(a.code);
      for (const u of a.units) expect(u === '19' || map.get(u) !== undefined, u).toBe(true);
    }
    for (const { asset } of city.assets)
      if (asset.agencyCode) expect(codes.has(asset.agencyCode), asset.code).toBe(true);
    for (const u of city.users) {
      for (const a of u.agencies) expect(codes.has(a)).toBe(true);
      for (const c of u.units) expect(map.get(c)).toBeDefined();
    }
    expect(city.users.at(-1)!.email).toBe(DEMO_MARKER_EMAIL);
    const roles = new Set(city.users.map((u) => u.role));
    expect(roles).toEqual(new Set(['supervisor', 'operator', 'agency_officer', 'viewer']));
  });
});
