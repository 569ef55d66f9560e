/**
 * Open311 GeoReport v2, GET requests and GET requests/{id}: the 90-day
 * default window and its limit, the 1,000-record limit, every filter of the
 * spec (service_request_id overriding the rest, service_code, start_date,
 * end_date, status) and the extensions (page, page_size, agency_responsible,
 * bbox, extensions=true), statuses as Open311 sees them, JSON checked against
 * the public schema, and XML.
 */
import { beforeAll, expect, it } from 'vitest';
import { sql } from '../../src/core/db/sql.js';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import {
  act,
  apiKey,
  createAgencies,
  FakeClock,
  places,
  postForm,
  tempDataDir,
  WARD_COMMITTEE,
} from '../reports/harness.js';
import { expectOpen311Error, expectSchema, parseXml } from './validate.js';

type Req = Record<string, unknown> & {
  service_request_id: string;
  status: string;
  notes?: Array<{ type: string; description: string }>;
};

describeEachDb('open311: GET requests', (kind) => {
  const clock = new FakeClock(Date.parse('2026-03-02T02:00:00Z'));
  const t = useTestCityOps(kind, { clock, env: { CITYOPS_DATA_DIR: tempDataDir() } });
  const ids: Record<string, string> = {};
  const get = async (url: string) => {
    clock.advance(3000); // answers are cached for 2 s
    return t().anonymous.get(url);
  };
  const list = async (query = '') => {
    const res = await get(`/open311/v2/requests.json${query}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<Req[]>();
    if (body.length) expectSchema('requests', body);
    return body;
  };

  beforeAll(async () => {
    await createAgencies(t().admin);
    const key = await apiKey(t().admin);
    const create = async (name: string, form: Record<string, string>) => {
      const [lon, lat] = form.at === 'bacKan' ? places.bacKan.at : places.phanDinhPhung.at;
      const { at: _a, ...rest } = form;
      const res = await postForm(t(), '/open311/v2/requests.json', {
        api_key: key,
        lat: String(lat),
        long: String(lon),
        ...rest,
      });
      expect(res.statusCode, res.body).toBe(200);
      ids[name] = res.json<Array<{ service_request_id: string }>>()[0]!.service_request_id;
      clock.advance(60_000);
    };
    // 95 days before "now": outside the default window.
    clock.set('2025-11-27T02:00:00Z');
    await create('old', { service_code: 'other', description: 'old one' });
    clock.set('2026-03-01T02:00:00Z');
    await create('road', { service_code: 'road_damage', 'attribute[hazard_level]': 'low' });
    await create('light', { service_code: 'street_lighting', 'attribute[lighting_fault]': 'off' });
    await create('water', {
      service_code: 'water_drainage',
      'attribute[water_issue]': 'flooding',
      at: 'bacKan',
    });
    await create('rejected', { service_code: 'other', description: 'spam text' });
    await create('answered', { service_code: 'road_damage', 'attribute[hazard_level]': 'high' });
    await create('dup', { service_code: 'road_damage', 'attribute[hazard_level]': 'high' });
    clock.set('2026-03-02T02:00:00Z');
    const admin = t().admin;
    await act(admin, ids.rejected!, 'reject', { reason: 'Nội dung không phải phản ánh' });
    await act(admin, ids.answered!, 'verify');
    await act(admin, ids.answered!, 'assign');
    await act(admin, ids.answered!, 'start');
    await act(admin, ids.answered!, 'answer', { text: 'Đã vá ổ gà' });
    await act(admin, ids.dup!, 'merge', { into: ids.road! });
  });

  it('lists the last 90 days by default, newest first, with nothing personal', async () => {
    const items = await list();
    expect(items.map((r) => r.service_request_id)).toEqual(
      ['dup', 'answered', 'rejected', 'water', 'light', 'road'].map((n) => ids[n]),
    );
    expect(items.every((r) => !('phone' in r) && !('email' in r) && !('device_id' in r))).toBe(
      true,
    );
    expect(items[0]).not.toHaveProperty('notes');
    expect(items[0]).not.toHaveProperty('extended_attributes');
  });

  it('maps the workflow to open and closed, with status notes', async () => {
    const byId = new Map((await list()).map((r) => [r.service_request_id, r]));
    expect(byId.get(ids.road!)).toMatchObject({ status: 'open', status_notes: null });
    expect(byId.get(ids.rejected!)).toMatchObject({
      status: 'closed',
      status_notes: 'Nội dung không phải phản ánh',
      description: null,
    });
    expect(byId.get(ids.answered!)).toMatchObject({
      status: 'closed',
      status_notes: 'Đã vá ổ gà',
      agency_responsible: 'Cơ quan UBND-PHAN-DINH-PHUNG',
    });
    expect(byId.get(ids.dup!)).toMatchObject({
      status: 'closed',
      status_notes: `Duplicate of service request ${ids.road}`,
    });
    expect(byId.get(ids.answered!)!.updated_datetime).toBe('2026-03-02T02:00:00Z');
  });

  it('filters by status (open, closed, both; comma list or repeated) and refuses others', async () => {
    expect((await list('?status=open')).map((r) => r.service_request_id).sort()).toEqual(
      [ids.road, ids.light, ids.water].sort(),
    );
    expect((await list('?status=closed')).length).toBe(3);
    expect((await list('?status=open,closed')).length).toBe(6);
    expect((await list('?status=open&status=closed')).length).toBe(6);
    expect((await list('?status=')).length).toBe(6);
    expectOpen311Error(
      await get('/open311/v2/requests.json?status=pending'),
      400,
      /status must be open or closed/,
    );
  });

  it('filters by service_code, one or a comma list', async () => {
    expect((await list('?service_code=street_lighting')).map((r) => r.service_request_id)).toEqual([
      ids.light,
    ]);
    expect((await list('?service_code=street_lighting,water_drainage')).length).toBe(2);
    expect(await list('?service_code=no_such_service')).toEqual([]);
    expect(
      (await list('?service_code=road_damage&status=open')).map((r) => r.service_request_id),
    ).toEqual([ids.road]);
  });

  it('windows by start_date and end_date (W3C), at most 90 days apart', async () => {
    expect(
      (await list('?start_date=2025-11-01T00:00:00Z&end_date=2025-12-01T00:00:00Z')).map(
        (r) => r.service_request_id,
      ),
    ).toEqual([ids.old]);
    for (const start of ['2025-11-20T00:00:00%2B07:00', '2025-11-20T00:00:00+07:00'])
      expect((await list(`?start_date=${start}`)).map((r) => r.service_request_id)).toEqual([
        ids.old,
      ]);
    expect((await list('?end_date=2026-03-01T02:01:30Z')).map((r) => r.service_request_id)).toEqual(
      [ids.light, ids.road],
    );
    expect((await list('?start_date=&end_date=')).length).toBe(6);
    expectOpen311Error(
      await get(
        '/open311/v2/requests.json?start_date=2025-01-01T00:00:00Z&end_date=2025-06-01T00:00:00Z',
      ),
      400,
      /90 days/,
    );
    expectOpen311Error(
      await get(
        '/open311/v2/requests.json?start_date=2026-03-01T00:00:00Z&end_date=2026-02-01T00:00:00Z',
      ),
      400,
      /before start_date/,
    );
    expectOpen311Error(
      await get('/open311/v2/requests.json?start_date=yesterday'),
      400,
      /start_date must be a W3C/,
    );
    expectOpen311Error(
      await get('/open311/v2/requests.json?end_date=2026-03-01T10:00:00'),
      400,
      /time zone/,
    );
  });

  it('lets service_request_id (comma list) override every other argument', async () => {
    const got = await list(
      `?service_request_id=${ids.old},${ids.light},999999&status=closed&service_code=noise`,
    );
    expect(got.map((r) => r.service_request_id).sort()).toEqual([ids.old, ids.light].sort());
    expect(await list('?service_request_id=abc')).toEqual([]);
  });

  it('filters by agency_responsible (code or name) and bbox (extensions)', async () => {
    expect((await list(`?agency_responsible=${WARD_COMMITTEE}`)).length).toBeGreaterThanOrEqual(3);
    expect((await list('?agency_responsible=NUOC-TN')).map((r) => r.service_request_id)).toEqual([
      ids.water,
    ]);
    const [lon, lat] = places.bacKan.at;
    expect(
      (await list(`?bbox=${lon - 0.01},${lat - 0.01},${lon + 0.01},${lat + 0.01}`)).map(
        (r) => r.service_request_id,
      ),
    ).toEqual([ids.water]);
    expectOpen311Error(await get('/open311/v2/requests.json?bbox=1,2,3'), 400, /bbox/);
  });

  it('adds attributes, extended_attributes and the public history with extensions=true', async () => {
    const [r] = await list(`?service_request_id=${ids.answered}&extensions=true`);
    expect(r!.extended_attributes).toMatchObject({
      status_detail: 'answered',
      channel: 'open311',
      admin_unit: places.phanDinhPhung.unit,
    });
    expect(r!.notes!.map((n) => n.type)).toEqual([
      'submitted',
      'verified',
      'assigned',
      'started',
      'answered',
    ]);
    expect(r!.notes!.find((n) => n.type === 'answered')!.description).toBe('Đã vá ổ gà');
    expect((r!.extended_attributes as { notes: unknown }).notes).toEqual(r!.notes);
    expect(r!.notes![0]).toMatchObject({ type: 'submitted', description: 'Đã gửi phản ánh' });
  });

  it('answers one request as an array of one, 404 for an unknown id', async () => {
    const res = await get(`/open311/v2/requests/${ids.road}.json`);
    const body = res.json<Req[]>();
    expectSchema('requests', body);
    expect(body).toHaveLength(1);
    expectOpen311Error(
      await get('/open311/v2/requests/999999.json'),
      404,
      /service_request_id 999999/,
    );
    expectOpen311Error(await get('/open311/v2/requests/abc.json'), 404);
    const xml = await get(`/open311/v2/requests/${ids.road}.xml`);
    const doc = parseXml(xml.body) as {
      service_requests: { request: Array<{ service_request_id: string; status: string }> };
    };
    expect(doc.service_requests.request).toHaveLength(1);
    expect(doc.service_requests.request[0]).toMatchObject({
      service_request_id: ids.road,
      status: 'open',
    });
  });

  it('lists in XML with the same content', async () => {
    const res = await get('/open311/v2/requests.xml?status=open');
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    const doc = parseXml(res.body) as {
      service_requests: {
        request: Array<{ service_request_id: string; lat: string; long: string }>;
      };
    };
    expect(doc.service_requests.request.map((r) => r.service_request_id).sort()).toEqual(
      [ids.road, ids.light, ids.water].sort(),
    );
    expect(Number(doc.service_requests.request[0]!.lat)).toBeGreaterThan(21);
  });

  it('returns at most 1,000 requests, pages with page and page_size', async () => {
    // 1,005 requests on one day of May 2025, written straight to the table.
    await t().testDb.db.query(sql`
      INSERT INTO reports (status, category_code, description, channel, deadline_class, due_date,
        deadline_at, created_at, updated_at)
      SELECT 'received', 'other', 'bulk ' || i, 'staff', 'normal', '2025-05-30',
        '2025-05-30T16:59:59Z', timestamptz '2025-05-10T00:00:00Z' + i * interval '1 second',
        timestamptz '2025-05-10T00:00:00Z' + i * interval '1 second'
      FROM generate_series(1, 1005) i`);
    const window = '?start_date=2025-05-01T00:00:00Z&end_date=2025-05-31T00:00:00Z';
    const all = await list(window);
    expect(all).toHaveLength(1000);
    expect(all[0]!.description).toBe('bulk 1005');
    const page2 = await list(`${window}&page_size=400&page=3`);
    expect(page2).toHaveLength(205);
    expect(page2[0]!.description).toBe('bulk 205');
    expect(await list(`${window}&page_size=400&page=4`)).toEqual([]);
    expectOpen311Error(
      await get(`/open311/v2/requests.json${window}&page_size=1001`),
      400,
      /page_size/,
    );
    expectOpen311Error(await get(`/open311/v2/requests.json${window}&page=0`), 400, /page/);
  });

  it('writes date-times in whole seconds of UTC (the fraction dropped) and coordinates exactly', async () => {
    const [row] = await t().testDb.db.query<{ id: number }>(sql`
      INSERT INTO reports (status, category_code, description, channel, deadline_class, due_date,
        deadline_at, created_at, updated_at, geom)
      VALUES ('received', 'other', 'fractions', 'staff', 'normal', '2024-01-13',
        '2024-01-12T23:59:59.5Z', '2024-01-10T08:15:30.999999+07:00', '2024-01-10T01:15:31.000001Z',
        ST_SetSRID(ST_MakePoint(105.8512345678901, 21.591234567890123), 4326))
      RETURNING id`);
    const [r] = await list(`?service_request_id=${row!.id}`);
    expect(r).toMatchObject({
      requested_datetime: '2024-01-10T01:15:30Z',
      updated_datetime: '2024-01-10T01:15:31Z',
      expected_datetime: '2024-01-12T23:59:59Z',
      lat: 21.591234567890123,
      long: 105.8512345678901,
    });
  });
});
