/**
 * POST /api/v1/cameras/import: the 409 demo cameras from a CSV fixture
 * (fixtures/cameras-409.csv, made from the demo generator), XLSX written with
 * exceljs, all or nothing with a report naming row and column, credentials
 * sealed and never echoed.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import type { Camera } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import { sql } from '../../src/core/db/sql.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface Refusal {
  status: number;
  errors: Array<{ path: string; message: string }>;
  report: { problems: Array<{ row: number; field: string; reason: string }>; total: number };
}

async function xlsxOf(rows: Array<Array<string | number>>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Cameras');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describeEachDb('cameras: import', (kind) => {
  const t = useTestCityOps(kind);
  const csv = (body: string, q = '') =>
    t().admin.request('POST', `/api/v1/cameras/import${q}`, body, { 'content-type': 'text/csv' });

  it('imports the 409 demo cameras from CSV', async () => {
    const { admin, cityops } = t();
    const text = await fs.readFile(path.join(here, 'fixtures/cameras-409.csv'), 'utf8');
    const res = await csv(text);
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(201);
    expect(res.json<{ created: number }>().created).toBe(409);
    const [n] = await cityops.db.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM assets WHERE type = 'camera' AND code LIKE 'CAM-%'`,
    );
    expect(n!.n).toBe(409);
    const page = await admin.get('/api/v1/cameras?group=purpose:traffic&limit=1000');
    const traffic = page.json<{ items: Camera[] }>().items;
    expect(traffic.length).toBeGreaterThan(50);
    expect(traffic[0]!.properties).toHaveProperty('fov');
    // Importing again refuses every row, naming the code; upsert updates them.
    const again = await csv(text);
    expect(again.statusCode).toBe(400);
    expect(again.json<Refusal>().report.total).toBe(409);
    expect(again.json<Refusal>().report.problems[0]).toMatchObject({ row: 2, field: 'code' });
    const upsert = await csv(text, '?mode=upsert');
    expect(upsert.statusCode, upsert.body.slice(0, 500)).toBe(200);
    expect(upsert.json<{ updated: number }>().updated).toBe(409);
  });

  it('refuses the whole file with every bad row named by row and column, storing nothing', async () => {
    const { cityops } = t();
    const body = [
      'code,name,lon,lat,streamUrl,snapshotUrl,purpose,fovBearing,fovAngle,fovRange,username,password',
      'BAD-1,Good one,105.84,21.59,rtsp://10.0.0.1/a,,security,,,,u,Secret-Not-Echoed-1',
      'BAD-2,Bad stream,105.84,21.59,http//10.0.0.2/stream,,security,,,,u,Secret-Not-Echoed-1',
      'BAD-3,,200,21.59,,ftp://x/snap.jpg,parking,10,20,,,',
      'BAD-1,Twice,105.84,21.59,,,,,,,,',
    ].join('\n');
    const res = await csv(body);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const r = res.json<Refusal>();
    const got = r.report.problems.map((p) => `${p.row}:${p.field}`);
    expect(got).toEqual(
      expect.arrayContaining([
        '3:streamUrl',
        '4:name',
        '4:lon',
        '4:snapshotUrl',
        '4:purpose',
        '4:fovRange',
        '5:code',
      ]),
    );
    expect(r.report.problems.find((p) => p.row === 3)!.reason).toMatch(/rtsp:\/\//);
    expect(r.errors).toContainEqual(expect.objectContaining({ path: 'row 3: streamUrl' }));
    expect(res.body).not.toContain('Secret-Not-Echoed-1');
    const [n] = await cityops.db.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM assets WHERE code LIKE 'BAD-%'`,
    );
    expect(n!.n).toBe(0);
    const header = await csv('code,name,lon,lat,colour\nX,Y,1,2,red');
    expect(header.statusCode).toBe(400);
    expect(header.json<Refusal>().report.problems[0]).toMatchObject({ row: 1, field: 'colour' });
  });

  it('imports XLSX, sealing the credentials', async () => {
    const { admin, cityops } = t();
    const file = await xlsxOf([
      ['code', 'name', 'type', 'lon', 'lat', 'streamUrl', 'username', 'password', 'groups'],
      [
        'XL-1',
        'Cổng chợ',
        'camera',
        105.8442,
        21.5925,
        'rtsp://10.1.1.1/s',
        'op',
        'Xlsx-Pa55',
        'Chợ;Cổng',
      ],
      ['XL-2', 'Ngã tư', 'anpr_camera', 105.845, 21.593, 'rtsp://10.1.1.2/s', '', '', ''],
    ]);
    const res = await admin.request('POST', '/api/v1/cameras/import', file, {
      'content-type': XLSX,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<{ created: number }>().created).toBe(2);
    const [row] = await cityops.db.query<{ s: string; groups: unknown }>(
      sql`SELECT secrets::text AS s, properties->'groups' AS groups FROM assets WHERE code = 'XL-1'`,
    );
    expect(row!.s).not.toContain('Xlsx-Pa55');
    expect(row!.groups).toEqual(['Chợ', 'Cổng']);
    const bad = await xlsxOf([
      ['code', 'name', 'lon', 'lat', 'onvifUrl'],
      ['XL-3', 'Sai', 105.84, 21.59, 'onvif://10.0.0.3'],
    ]);
    const refused = await admin.request('POST', '/api/v1/cameras/import', bad, {
      'content-type': XLSX,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<Refusal>().report.problems).toEqual([
      expect.objectContaining({ row: 2, field: 'onvifUrl' }),
    ]);
    const garbage = await admin.request('POST', '/api/v1/cameras/import', Buffer.from('nope'), {
      'content-type': XLSX,
    });
    expect(garbage.statusCode).toBe(400);
    const viewer = await t().userWith('viewer');
    expect(
      (
        await viewer.request('POST', '/api/v1/cameras/import', 'code,name,lon,lat\n', {
          'content-type': 'text/csv',
        })
      ).statusCode,
    ).toBe(403);
  });
});
