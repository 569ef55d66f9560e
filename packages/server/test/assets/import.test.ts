/** Imports (CSV, GeoJSON, multipart), all or nothing with a report, and export → import round trips. */
import { expect, it } from 'vitest';
import type { Asset, AssetImportResult } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps, type Caller } from '../support/app.js';
import {
  buildCamera,
  createAsset,
  listAll,
  offset,
  pathsOf,
  places,
  point,
  square,
  type Problem,
} from './factories.js';

const IMPORT_LIMIT = 3 * 1024 * 1024;

function postCsv(caller: Caller, csv: string, query = '') {
  return caller.request('POST', `/api/v1/assets/import${query}`, csv, {
    'content-type': 'text/csv',
  });
}

/** A multipart/form-data body holding one file. */
function multipart(filename: string, type: string, content: string) {
  const boundary = '----cityops-test-boundary';
  const body =
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
    `Content-Type: ${type}\r\n\r\n${content}\r\n--${boundary}--\r\n`;
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const [lonA, latA] = places.phanDinhPhung.at;
const [lonB, latB] = places.giaSang.at;

describeEachDb('assets: import', (kind) => {
  const t = useTestCityOps(kind, { env: { CITYOPS_IMPORT_LIMIT: String(IMPORT_LIMIT) } });
  const byPrefix = (prefix: string) => listAll(t().admin, `/api/v1/assets?q=${prefix}`);

  it('imports a CSV file with every kind of column', async () => {
    const { admin } = t();
    const wkt = `POLYGON((${lonB} ${latB}, ${lonB + 0.001} ${latB}, ${lonB + 0.001} ${latB + 0.001}, ${lonB} ${latB}))`;
    const csv = [
      'Type,CODE,name,lon,lat,wkt,status,agencyCode,tags,properties,properties.students,properties.level,properties.fov,properties.password',
      `sensor,CSV-1,"Cảm biến mưa, số 1",${lonA},${latA},,online,,rain;flood,"{""unit"":""mm""}",,,,`,
      `school,CSV-2,Trường Gia Sàng,,,"${wkt}",,,,,420,primary,,`,
      `camera,CSV-3,Camera cổng trường,${lonB},${latB},,,,,,,,"{""bearing"":10,""angle"":60,""range"":50}",Pa55-word`,
    ].join('\n');
    const res = await postCsv(admin, csv);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<AssetImportResult>()).toMatchObject({ created: 3, updated: 0 });
    const found = Object.fromEntries((await byPrefix('CSV-')).map((a) => [a.code, a]));
    expect(found['CSV-1']).toMatchObject({
      name: 'Cảm biến mưa, số 1',
      status: 'online',
      tags: ['rain', 'flood'],
      properties: { unit: 'mm' },
      adminUnit: places.phanDinhPhung.unit,
    });
    expect(found['CSV-2']).toMatchObject({
      geometry: { type: 'Polygon' },
      properties: { students: 420, level: 'primary' },
      adminUnit: places.giaSang.unit,
      status: 'unknown',
    });
    expect(found['CSV-3']!.properties).toEqual({ fov: { bearing: 10, angle: 60, range: 50 } });
    expect(JSON.stringify(found)).not.toContain('Pa55-word');
    expect(await t().cityops.assets.service.writeOnlyValues(found['CSV-3']!.id)).toEqual({
      password: 'Pa55-word',
    });
  });

  it('refuses a file with bad rows among good ones, stores nothing and reports each line and field', async () => {
    const { admin } = t();
    await admin.post('/api/v1/assets', {
      type: 'sensor',
      code: 'BAD-EXISTS',
      name: 'Already here',
      geometry: point(places.phanDinhPhung.at),
    });
    const bowtie = `POLYGON((${lonB} ${latB}, ${lonB + 0.001} ${latB + 0.001}, ${lonB + 0.001} ${latB}, ${lonB} ${latB + 0.001}, ${lonB} ${latB}))`;
    const csv = [
      'type,code,name,lon,lat,wkt,agencyCode,properties.students',
      `sensor,BAD-1,Good one,${lonA},${latA},,,`,
      `sensor,BAD-2,Bad longitude,abc,${latA},,,`,
      `sensor,BAD-3,Latitude out of range,${lonA},95,,,`,
      `volcano,BAD-4,Unknown type,${lonA},${latA},,,`,
      `school,BAD-5,Wrong property,${lonB},${latB},,,many`,
      `sensor,BAD-1,Same code again,${lonA},${latA},,,`,
      `sensor,BAD-7,No such agency,${lonA},${latA},,NOPE,`,
      `school,BAD-8,Self-intersecting,,,"${bowtie}",,`,
      `school,BAD-9,Broken WKT,,,"POLYGON((1 2, 3",,`,
      `sensor,BAD-EXISTS,Exists already,${lonA},${latA},,,`,
      `sensor,BAD-11,Good too,${lonA},${latA},,,`,
    ].join('\n');
    const res = await postCsv(admin, csv);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json<Problem>();
    expect(body.report!.total).toBe(9);
    expect(body.report!.problems.map((p) => [p.line, p.field])).toEqual([
      [3, 'lon'],
      [4, 'lat'],
      [5, 'type'],
      [6, 'properties.students'],
      [7, 'code'],
      [8, 'agencyCode'],
      [9, 'wkt'],
      [10, 'wkt'],
      [11, 'code'],
    ]);
    expect(body.report!.problems[6]!.reason).toMatch(/Self-intersection/);
    expect(body.report!.problems[4]!.reason).toMatch(/line 2/);
    expect(pathsOf(body)).toContain('line 3: lon');
    expect(pathsOf(body)).toContain('line 6: properties.students');
    expect(await byPrefix('BAD-')).toHaveLength(1);
  });

  it('stores nothing when a bad row comes after batches already written', async () => {
    const { admin } = t();
    const lines = ['type,code,name,lon,lat'];
    for (let i = 0; i < 5001; i++) lines.push(`sensor,LATE-${i},Row ${i},${lonA},${latA}`);
    lines.push(`sensor,LATE-BAD,Bad row,${lonA},not-a-latitude`);
    const res = await postCsv(admin, lines.join('\n'));
    expect(res.statusCode).toBe(400);
    expect(res.json<Problem>().report!.problems).toEqual([
      { line: 5003, field: 'lat', reason: 'not a number' },
    ]);
    expect(await byPrefix('LATE-')).toHaveLength(0);
  });

  it('reports every code already stored, in the first batch or a later one, beside other problems', async () => {
    const { admin } = t();
    await createAsset(admin, {
      type: 'sensor',
      code: 'TAKEN-1',
      geometry: point(places.phanDinhPhung.at),
    });
    await createAsset(admin, {
      type: 'sensor',
      code: 'TAKEN-2',
      geometry: point(places.phanDinhPhung.at),
    });
    const lines = ['type,code,name,lon,lat,agencyCode'];
    for (let i = 0; i < 5003; i++) lines.push(`sensor,TK-${i},Row ${i},${lonA},${latA},`);
    lines[2] = `sensor,TAKEN-1,Taken,${lonA},${latA},`;
    lines[5002] = `sensor,TAKEN-2,Taken too,${lonA},${latA},`;
    lines[5003] = `sensor,TK-AGENCY,Unknown agency,${lonA},${latA},NO-SUCH`;
    const res = await postCsv(admin, lines.join('\n'));
    expect(res.statusCode).toBe(400);
    const exists = expect.stringMatching(/sensor with this code exists/) as string;
    expect(res.json<Problem>().report!.problems).toEqual([
      { line: 3, field: 'code', reason: exists },
      { line: 5003, field: 'code', reason: exists },
      { line: 5004, field: 'agencyCode', reason: 'no agency has the code NO-SUCH' },
    ]);
    expect(await byPrefix('TK-')).toHaveLength(0);
    // A taken code in a batch that has other problems too.
    const small = [
      'type,code,name,lon,lat,agencyCode',
      `sensor,TK-A,Unknown agency,${lonA},${latA},NO-SUCH`,
      `sensor,TAKEN-2,Taken,${lonA},${latA},`,
    ].join('\n');
    const both = await postCsv(admin, small);
    expect(both.json<Problem>().report!.problems).toEqual([
      { line: 2, field: 'agencyCode', reason: 'no agency has the code NO-SUCH' },
      { line: 3, field: 'code', reason: exists },
    ]);
  });

  it('reports problems of the header and of the CSV itself', async () => {
    const { admin } = t();
    const header = await postCsv(admin, 'type,code,colour,lon\nsensor,H-1,red,1\n');
    expect(header.statusCode).toBe(400);
    expect(
      header
        .json<Problem>()
        .report!.problems.map((p) => p.field)
        .sort(),
    ).toEqual(['colour', 'lon', 'name']);
    const ragged = await postCsv(admin, `type,code,name,lon,lat\nsensor,R-1,x,${lonA}\n`);
    expect(ragged.json<Problem>().report!.problems).toEqual([
      { line: 2, field: '(row)', reason: 'has 4 cells where the header has 5' },
    ]);
    const quote = await postCsv(admin, `type,code,name,lon,lat\nsensor,"Q-1,x,${lonA},${latA}\n`);
    expect(quote.statusCode).toBe(400);
    expect(quote.json<Problem>().report!.problems[0]!.field).toBe('(file)');
    const empty = await postCsv(admin, 'type,code,name,lon,lat\n');
    expect(empty.statusCode).toBe(400);
    expect(pathsOf(empty.json<Problem>())).toEqual(['(file)']);
  });

  it('updates existing assets with mode=upsert, keeping what the file leaves out', async () => {
    const { admin, cityops } = t();
    const camera = await createAsset(admin, buildCamera({ code: 'UPS-CAM', status: 'online' }));
    const csv = [
      'type,code,name,lon,lat,properties.purpose',
      `camera,UPS-CAM,Camera đã đổi tên,${lonB},${latB},security`,
      `sensor,UPS-NEW,New sensor,${lonA},${latA},`,
    ].join('\n');
    const refused = await postCsv(admin, csv);
    expect(refused.statusCode).toBe(400);
    expect(refused.json<Problem>().report!.problems).toEqual([
      { line: 2, field: 'code', reason: expect.stringMatching(/mode=upsert/) as string },
    ]);
    const res = await postCsv(admin, csv, '?mode=upsert');
    expect(res.statusCode).toBe(201);
    expect(res.json<AssetImportResult>()).toMatchObject({ created: 1, updated: 1 });
    const after = (await admin.get(`/api/v1/assets/${camera.id}`)).json<Asset>();
    expect(after).toMatchObject({
      name: 'Camera đã đổi tên',
      status: 'online',
      adminUnit: places.giaSang.unit,
    });
    // The row's properties replace the asset's; write-only values stay unless given.
    expect(after.properties).toEqual({ purpose: 'security' });
    expect(await cityops.assets.service.writeOnlyValues(camera.id)).toEqual({
      username: 'cam-admin',
      password: 'S3cret-cam-pass',
    });
    const again = await postCsv(admin, csv.split('\n').slice(0, 2).join('\n'), '?mode=upsert');
    expect(again.statusCode).toBe(200);
    expect(again.json<AssetImportResult>()).toMatchObject({ created: 0, updated: 1 });
  });

  it('imports GeoJSON as the body, naming features in its report', async () => {
    const { admin } = t();
    const feature = (code: string, geometry: unknown, extra: Record<string, unknown> = {}) => ({
      type: 'Feature',
      geometry,
      properties: { type: 'poi', code, name: `Địa điểm ${code}`, ...extra },
    });
    const good = {
      type: 'FeatureCollection',
      features: [
        feature('GJ-1', point(offset(places.giaSang.at, 10, 10)), { tags: 'park;green' }),
        feature('GJ-2', square(offset(places.giaSang.at, 100, 100)), {
          properties: { opening: '6-22' },
        }),
      ],
    };
    const res = await admin.request('POST', '/api/v1/assets/import', JSON.stringify(good), {
      'content-type': 'application/geo+json',
    });
    expect(res.statusCode, res.body).toBe(201);
    const found = await byPrefix('GJ-');
    expect(found.map((a) => [a.code, a.adminUnit, a.tags])).toEqual([
      ['GJ-1', places.giaSang.unit, ['park', 'green']],
      ['GJ-2', places.giaSang.unit, []],
    ]);

    const bad = {
      type: 'FeatureCollection',
      features: [
        feature('GJ-3', point(places.giaSang.at)),
        feature('GJ-4', point([200, 10])),
        { type: 'Feature', geometry: point(places.giaSang.at), properties: { code: 'GJ-5' } },
        feature('GJ-6', point(places.giaSang.at), { colour: 'red' }),
      ],
    };
    const refused = await admin.post('/api/v1/assets/import', bad);
    expect(refused.statusCode).toBe(400);
    const body = refused.json<Problem>();
    expect(body.report!.problems.map((p) => [p.line, p.field])).toEqual([
      [2, 'geometry.coordinates.0'],
      [3, 'properties.type'],
      [3, 'properties.name'],
      [4, 'properties.colour'],
    ]);
    expect(pathsOf(body)).toContain('feature 4: properties.colour');
    expect(await byPrefix('GJ-3')).toHaveLength(0);

    const notCollection = await admin.post('/api/v1/assets/import', { type: 'Feature' });
    expect(notCollection.statusCode).toBe(400);
    const malformed = await admin.request('POST', '/api/v1/assets/import', '{"type":', {
      'content-type': 'application/geo+json',
    });
    expect(malformed.statusCode).toBe(400);
  });

  it('takes a multipart upload', async () => {
    const { admin } = t();
    const csv = `type,code,name,lon,lat\nsensor,MP-1,Uploaded,${lonA},${latA}\n`;
    const { body, headers } = multipart('assets.csv', 'text/csv', csv);
    const res = await admin.request('POST', '/api/v1/assets/import', body, headers);
    expect(res.statusCode, res.body).toBe(201);
    expect(await byPrefix('MP-1')).toHaveLength(1);
    const geo = multipart(
      'places.geojson',
      'application/octet-stream',
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            geometry: point(places.bacKan.at),
            properties: { type: 'poi', code: 'MP-2', name: 'Bắc Kạn' },
          },
        ],
      }),
    );
    const res2 = await admin.request('POST', '/api/v1/assets/import', geo.body, geo.headers);
    expect(res2.statusCode, res2.body).toBe(201);
  });

  it('accepts files larger than the JSON limit, up to the import limit, and refuses larger ones', async () => {
    const { admin } = t();
    const big = 'x'.repeat(1_500_000);
    const csv = `type,code,name,lon,lat,properties.notes\nsensor,BIG-1,Big,${lonA},${latA},${big}\n`;
    expect((await postCsv(admin, csv)).statusCode).toBe(201);
    // The JSON API keeps its own, smaller limit.
    const json = await admin.request(
      'POST',
      '/api/v1/assets',
      JSON.stringify({
        type: 'sensor',
        code: 'BIG-2',
        name: 'x',
        geometry: point(places.phanDinhPhung.at),
        properties: { notes: big },
      }),
      { 'content-type': 'application/json' },
    );
    expect(json.statusCode).toBe(413);
    const tooBig = `type,code,name,lon,lat,properties.notes\nsensor,BIG-3,Big,${lonA},${latA},${'x'.repeat(IMPORT_LIMIT)}\n`;
    const res = await postCsv(admin, tooBig);
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const { body, headers } = multipart('big.csv', 'text/csv', tooBig);
    expect((await admin.request('POST', '/api/v1/assets/import', body, headers)).statusCode).toBe(
      413,
    );
    expect(await byPrefix('BIG-')).toHaveLength(1);
  });

  it('refuses other media types, unknown modes, and callers without assets:import', async () => {
    const { admin } = t();
    const xml = await admin.request('POST', '/api/v1/assets/import', '<assets/>', {
      'content-type': 'application/xml',
    });
    expect(xml.statusCode).toBe(415);
    const mode = await postCsv(admin, 'type,code,name,lon,lat\n', '?mode=replace');
    expect(mode.statusCode).toBe(400);
    expect(pathsOf(mode.json<Problem>())).toEqual(['mode']);
    const operator = await t().userWith('operator');
    expect((await postCsv(operator, 'type,code,name,lon,lat\n')).statusCode).toBe(403);
  });

  it('writes one audit entry per import with its counts', async () => {
    const { admin } = t();
    const csv = `type,code,name,lon,lat\nsensor,AUD-1,a,${lonA},${latA}\nsensor,AUD-2,b,${lonA},${latA}\n`;
    const res = await postCsv(admin, csv);
    const { importId } = res.json<AssetImportResult>();
    const entries = (await admin.get(`/api/v1/audit?entity=${importId}`)).json<{
      items: Array<{ action: string; entityType: string; after: Record<string, unknown> }>;
    }>().items;
    const created = (await byPrefix('AUD-')).map((a) => a.id);
    expect(entries).toEqual([
      expect.objectContaining({
        action: 'asset.import',
        entityType: 'asset_import',
        after: expect.objectContaining({
          source: 'csv',
          mode: 'create',
          created: 2,
          updated: 0,
          firstCreatedId: created[0],
          lastCreatedId: created[1],
          createdIds: created,
        }) as unknown,
      }),
    ]);
  });

  it('places imported assets in the same admin units as admin_unit_at()', async () => {
    const { cityops } = t();
    const { sql } = await import('../../src/core/db/sql.js');
    const items = [];
    // A grid over the province and beyond it, and a few polygons placed by a point on them.
    for (let lon = 105.3; lon <= 106.45; lon += 0.05) {
      for (let lat = 21.2; lat <= 22.85; lat += 0.05) {
        const at: [number, number] = [Number(lon.toFixed(4)), Number(lat.toFixed(4))];
        items.push({
          type: 'poi' as const,
          code: `GRID-${at.join('_')}`,
          name: 'g',
          geometry: point(at),
        });
      }
    }
    for (const place of Object.values(places)) {
      items.push({
        type: 'poi' as const,
        code: `GRID-SQ-${place.unit}`,
        name: 's',
        geometry: square(place.at, 500),
      });
    }
    const { systemActor } = await import('../../src/core/auth/principal.js');
    await cityops.assets.service.importItems(systemActor, items);
    const rows = await cityops.db.query<{
      code: string;
      unit: string | null;
      expected: string | null;
    }>(sql`
      SELECT code, admin_unit_code AS unit, admin_unit_at(geom, ${cityops.geo.service.today()}::date) AS expected
      FROM assets WHERE code LIKE 'GRID-%'`);
    expect(rows).toHaveLength(items.length);
    expect(rows.filter((r) => r.unit !== r.expected)).toEqual([]);
    // The grid reaches outside the province (no unit) and into many communes.
    expect(rows.some((r) => r.unit === null)).toBe(true);
    expect(new Set(rows.map((r) => r.unit)).size).toBeGreaterThan(50);
  });

  it('stores the new assets of a batch in spatial order, their ids still in file order', async () => {
    const { cityops } = t();
    const { sql } = await import('../../src/core/db/sql.js');
    const { systemActor } = await import('../../src/core/auth/principal.js');
    // Two neighbourhoods 60 km apart, the file alternating between them row by row.
    const n = 400;
    const items = Array.from({ length: n }, (_, i) => {
      const place = i % 2 === 0 ? places.phanDinhPhung : places.bacKan;
      return {
        type: 'poi' as const,
        code: `ORD-${String(i).padStart(3, '0')}`,
        name: place.unit,
        geometry: point(offset(place.at, (i * 37) % 300, (i * 53) % 300)),
      };
    });
    await cityops.assets.service.importItems(systemActor, items);
    const stored = await cityops.db.query<{ code: string; name: string }>(
      sql`SELECT code, name FROM assets WHERE code LIKE 'ORD-%' ORDER BY ctid`,
    );
    expect(stored).toHaveLength(n);
    // In file order the table would switch neighbourhood on every row; in spatial order
    // each neighbourhood lies together (a Hilbert curve may enter one twice at most).
    const switches = stored.filter((r, i) => i > 0 && r.name !== stored[i - 1]!.name).length;
    expect(switches).toBeGreaterThanOrEqual(1);
    expect(switches).toBeLessThanOrEqual(3);
    // Ids (time-ordered) keep the file's order: lists and the audit's id range follow it.
    const byId = await cityops.db.query<{ code: string }>(
      sql`SELECT code FROM assets WHERE code LIKE 'ORD-%' ORDER BY id`,
    );
    expect(byId.map((r) => r.code)).toEqual(items.map((i) => i.code));
  });

  it('refuses bad items given to the service by other modules', async () => {
    const { cityops } = t();
    const { systemActor } = await import('../../src/core/auth/principal.js');
    const { ImportRejectedError } = await import('../../src/assets/index.js');
    const err: unknown = await cityops.assets.service
      .importItems(systemActor, [
        { type: 'sensor', code: 'SVC-1', name: 'ok', geometry: point(places.giaSang.at) },
        { type: 'sensor', code: 'SVC-2', name: '', geometry: point(places.giaSang.at) },
      ])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportRejectedError);
    expect((err as InstanceType<typeof ImportRejectedError>).errors).toEqual([
      { path: 'item 2: name', message: expect.any(String) as string },
    ]);
  });
});
