/**
 * Report categories: what ships (ten categories in Vietnamese and English),
 * administration through /api/v1/report-categories, and routing: a unit's
 * route first, then the category's rule (the unit's People's Committee, or a
 * named agency), falling back to none so the IOC assigns.
 */
import { beforeAll, expect, it } from 'vitest';
import type { ReportCategory, ReportDetail } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps, type Caller } from '../support/app.js';
import {
  act,
  createAgencies,
  GIA_SANG_COMMITTEE,
  places,
  tempDataDir,
  WARD_COMMITTEE,
} from './harness.js';

describeEachDb('reports: categories and routing', (kind) => {
  const t = useTestCityOps(kind, { env: { CITYOPS_DATA_DIR: tempDataDir() } });
  let operator: Caller;

  beforeAll(async () => {
    await createAgencies(t().admin);
    operator = await t().userWith('operator');
  });

  const report = async (
    categoryCode: string,
    at: [number, number],
    attributes: Record<string, string> = {},
  ) => {
    const res = await operator.post('/api/v1/reports', {
      categoryCode,
      description: 'test',
      lat: at[1],
      lon: at[0],
      attributes,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<ReportDetail>();
  };

  it('ships ten categories with names, deadline classes and working days', async () => {
    const items = (await t().anonymous.get('/api/v1/report-categories')).json<{
      items: ReportCategory[];
    }>().items;
    expect(items).toHaveLength(10);
    const byCode = new Map(items.map((c) => [c.code, c]));
    expect(byCode.get('traffic_signals')).toMatchObject({
      deadlineClass: 'urgent',
      workingDays: 1,
      routing: 'agency',
      defaultAgencyCode: 'CSGT-TN',
    });
    expect(byCode.get('road_damage')).toMatchObject({
      nameEn: 'Road and pavement damage',
      deadlineClass: 'on_the_spot',
      workingDays: 3,
    });
    expect(byCode.get('other')).toMatchObject({ deadlineClass: 'normal', workingDays: 15 });
    for (const c of items) expect(c.nameVi && c.nameEn && c.group).toBeTruthy();
  });

  it('routes to the ward committee, a named agency, a unit route, or nobody', async () => {
    expect(
      (await report('road_damage', places.phanDinhPhung.at, { hazard_level: 'low' }))
        .suggestedAgency?.code,
    ).toBe(WARD_COMMITTEE);
    expect(
      (await report('road_damage', places.giaSang.at, { hazard_level: 'low' })).suggestedAgency
        ?.code,
    ).toBe(GIA_SANG_COMMITTEE);
    // Bắc Kạn has no committee among the agencies here and road damage names no agency: the IOC assigns.
    const orphan = await report('road_damage', places.bacKan.at, { hazard_level: 'low' });
    expect(orphan.suggestedAgency).toBeNull();
    const noAgency = await operator.post(`/api/v1/reports/${orphan.id}/verify`, {});
    expect(noAgency.statusCode).toBe(200);
    const assign = await operator.post(`/api/v1/reports/${orphan.id}/assign`, {});
    expect(assign.statusCode).toBe(400);
    expect(
      assign.json<{ errors: Array<{ path: string; message: string }> }>().errors[0],
    ).toMatchObject({ path: 'agency' });
    expect(
      (await act(operator, orphan.id, 'assign', { agency: 'URENCO-TN' })).primaryAgency?.code,
    ).toBe('URENCO-TN');
    // Named agency first for `agency` routing; one that does not exist is skipped.
    expect((await report('waste_sanitation', places.phanDinhPhung.at)).suggestedAgency?.code).toBe(
      'URENCO-TN',
    );
    expect((await report('public_security', places.phanDinhPhung.at)).suggestedAgency?.code).toBe(
      WARD_COMMITTEE,
    );

    const routes = await t().admin.request('PUT', '/api/v1/report-categories/road_damage/routes', {
      routes: [{ unitCode: places.bacKan.unit, agencyCode: 'URENCO-TN' }],
    });
    expect(routes.statusCode, routes.body).toBe(200);
    expect(
      (await report('road_damage', places.bacKan.at, { hazard_level: 'low' })).suggestedAgency
        ?.code,
    ).toBe('URENCO-TN');
    const bad = await t().admin.request('PUT', '/api/v1/report-categories/road_damage/routes', {
      routes: [{ unitCode: 'nowhere', agencyCode: 'NOPE' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json<{ errors: Array<{ path: string }> }>()
        .errors.map((e) => e.path)
        .sort(),
    ).toEqual(['routes.0.agencyCode', 'routes.0.unitCode']);
    expect(
      (
        await operator.request('PUT', '/api/v1/report-categories/road_damage/routes', {
          routes: [],
        })
      ).statusCode,
    ).toBe(403);
  });

  it('lets administrators create, change and withdraw categories, checking them', async () => {
    const body = {
      code: 'pavement_parking',
      nameVi: 'Đỗ xe trên vỉa hè',
      nameEn: 'Parking on the pavement',
      group: 'order',
      keywords: ['đỗ xe', 'parking'],
      deadlineClass: 'normal',
      defaultAgencyCode: 'CSGT-TN',
      routing: 'agency',
      attributes: [
        {
          code: 'plate',
          datatype: 'string',
          order: 1,
          descriptionVi: 'Biển số',
          descriptionEn: 'Plate',
        },
        {
          code: 'vehicle',
          datatype: 'singlevaluelist',
          order: 2,
          required: true,
          descriptionVi: 'Loại xe',
          descriptionEn: 'Vehicle',
          values: [{ key: 'car', nameVi: 'Ô tô', nameEn: 'Car' }],
        },
      ],
    };
    expect((await operator.post('/api/v1/report-categories', body)).statusCode).toBe(403);
    const created = await t().admin.post('/api/v1/report-categories', body);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json<ReportCategory>()).toMatchObject({
      code: 'pavement_parking',
      workingDays: 15,
      active: true,
    });
    expect((await t().admin.post('/api/v1/report-categories', body)).statusCode).toBe(409);
    const invalid = await t().admin.post('/api/v1/report-categories', {
      ...body,
      code: 'x2',
      defaultAgencyCode: 'NOPE',
      attributes: [{ ...body.attributes[1], values: [] }],
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path)).toContain(
      'attributes.0.values',
    );
    const services = (await t().anonymous.get('/open311/v2/services.json')).json<
      Array<{ service_code: string }>
    >();
    expect(services.map((s) => s.service_code)).toContain('pavement_parking');

    const patched = await t().admin.patch('/api/v1/report-categories/pavement_parking', {
      deadlineClass: 'urgent',
      active: false,
    });
    expect(patched.json<ReportCategory>()).toMatchObject({
      deadlineClass: 'urgent',
      workingDays: 1,
      active: false,
    });
    const listed = (await t().anonymous.get('/api/v1/report-categories')).json<{
      items: ReportCategory[];
    }>().items;
    expect(listed.map((c) => c.code)).not.toContain('pavement_parking');
    const all = (await t().admin.get('/api/v1/report-categories?includeInactive=true')).json<{
      items: ReportCategory[];
    }>().items;
    expect(all.map((c) => c.code)).toContain('pavement_parking');
    const [lon, lat] = places.phanDinhPhung.at;
    const refused = await operator.post('/api/v1/reports', {
      categoryCode: 'pavement_parking',
      description: 'x',
      lat,
      lon,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe(
      'categoryCode',
    );
    const audit = (await t().admin.get('/api/v1/audit?entity=pavement_parking')).json<{
      items: Array<{ action: string }>;
    }>().items;
    expect(audit.map((a) => a.action).sort()).toEqual([
      'report_category.create',
      'report_category.update',
    ]);
  });
});
