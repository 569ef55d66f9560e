/**
 * Open311 GeoReport v2, POST requests and GET tokens: the API key (field or
 * Bearer, scope open311), every required argument and its error, locations
 * inside and outside the province, attributes of every datatype, batch
 * services with tokens, media uploads, and no personal data in any answer.
 */
import { beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import {
  apiKey,
  createAgencies,
  FakeClock,
  places,
  postForm,
  tempDataDir,
  act,
} from '../reports/harness.js';
import { jpegWithGps, multipartBody } from '../files/images.js';
import { expectOpen311Error, expectSchema, parseXml } from './validate.js';

type Created = Array<{
  service_request_id?: string;
  token?: string;
  service_notice: string | null;
  account_id: string | null;
}>;

describeEachDb('open311: POST requests and tokens', (kind) => {
  const clock = new FakeClock();
  const t = useTestCityOps(kind, { clock, env: { CITYOPS_DATA_DIR: tempDataDir() } });
  let key = '';
  const [lon, lat] = places.phanDinhPhung.at;
  const base = () => ({
    api_key: key,
    service_code: 'road_damage',
    lat: String(lat),
    long: String(lon),
    'attribute[hazard_level]': 'high',
  });
  const post = (form: Record<string, string | string[]>, format = 'json', headers = {}) =>
    postForm(t(), `/open311/v2/requests.${format}`, form, headers);

  beforeAll(async () => {
    await createAgencies(t().admin);
    key = await apiKey(t().admin);
  });

  it('creates a request from a form and answers its id (realtime)', async () => {
    const res = await post({
      ...base(),
      description: 'Ổ gà sâu',
      account_id: 'acc-7',
      jurisdiction_id: 'thainguyen.gov.vn',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const [created] = res.json<Created>();
    expect(created!.service_request_id).toMatch(/^\d+$/);
    expect(created!.token).toBeUndefined();
    expect(created!.service_notice).toBe('Thời hạn xử lý: 3 ngày làm việc.');
    expect(created!.account_id).toBe('acc-7');
    const got = await t().anonymous.get(`/open311/v2/requests/${created!.service_request_id}.json`);
    expectSchema('requests', got.json());
    expect(got.json<Array<Record<string, unknown>>>()[0]).toMatchObject({
      status: 'open',
      service_code: 'road_damage',
      description: 'Ổ gà sâu',
      lat,
      long: lon,
      agency_responsible: 'Cơ quan UBND-PHAN-DINH-PHUNG',
      requested_datetime: '2026-03-02T02:00:00Z',
      // Monday 09:00: 3 working days → Thursday 5/3, end of day in Hà Nội.
      expected_datetime: '2026-03-05T16:59:59Z',
    });
  });

  it('answers in XML too', async () => {
    const res = await post(base(), 'xml');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    const doc = parseXml(res.body) as {
      service_requests: { request: Array<{ service_request_id: string; account_id: string }> };
    };
    expect(doc.service_requests.request[0]!.service_request_id).toMatch(/^\d+$/);
    expect(doc.service_requests.request[0]!.account_id).toBe('');
  });

  it('takes the API key as a Bearer header', async () => {
    const { api_key: _k, ...form } = base();
    const res = await post(form, 'json', { authorization: `Bearer ${key}` });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('answers 403 for a missing, unknown or wrongly scoped api_key', async () => {
    const { api_key: _k, ...form } = base();
    expectOpen311Error(await post(form), 403, /api_key is missing/);
    expectOpen311Error(await post({ ...form, api_key: 'cok_not-a-key' }), 403, /Invalid api_key/);
    expectOpen311Error(
      await post({ ...form, api_key: await apiKey(t().admin, 'read') }),
      403,
      /Invalid api_key/,
    );
    expectOpen311Error(await post(form, 'json', { authorization: 'Bearer cok_nope' }), 403);
    const xml = await post(form, 'xml');
    expect(xml.statusCode).toBe(403);
    expect(
      (parseXml(xml.body) as { errors: { error: Array<{ code: string }> } }).errors.error[0]!.code,
    ).toBe('403');
  });

  it('answers 400 when service_code is missing or empty, 404 when unknown', async () => {
    const { service_code: _c, ...form } = base();
    expectOpen311Error(await post(form), 400, /service_code was not provided/);
    expectOpen311Error(
      await post({ ...form, service_code: '' }),
      400,
      /service_code was not provided/,
    );
    expectOpen311Error(
      await post({ ...form, service_code: 'nope' }),
      404,
      /service_code nope was not found/,
    );
  });

  it('needs a location: lat and long together, or an address, or an address id', async () => {
    const { lat: _a, long: _b, ...noLocation } = base();
    expectOpen311Error(await post(noLocation), 400, /location is required/);
    expectOpen311Error(
      await post({ ...noLocation, lat: String(lat) }),
      400,
      /lat and long must be sent together/,
    );
    expectOpen311Error(
      await post({ ...noLocation, lat: 'north', long: String(lon) }),
      400,
      /lat must be a number/,
    );
    expectOpen311Error(
      await post({ ...noLocation, lat: '95', long: String(lon) }),
      400,
      /within ±90/,
    );
    expect(
      (await post({ ...noLocation, address_string: '12 Hoàng Văn Thụ, Phan Đình Phùng' }))
        .statusCode,
    ).toBe(200);
    expect((await post({ ...noLocation, address_id: 'DC-000123' })).statusCode).toBe(200);
  });

  it('refuses a point outside the province, saying so', async () => {
    const [hLon, hLat] = places.hanoi.at;
    const errors = expectOpen311Error(
      await post({ ...base(), lat: String(hLat), long: String(hLon) }),
      400,
    );
    expect(errors[0]!.description).toMatch(/outside Thái Nguyên province/);
  });

  it('checks attributes against the service definition, naming attribute[code]', async () => {
    const { 'attribute[hazard_level]': _h, ...form } = base();
    expectOpen311Error(await post(form), 400, /attribute\[hazard_level\]: required/);
    expectOpen311Error(
      await post({ ...form, 'attribute[hazard_level]': 'extreme' }),
      400,
      /attribute\[hazard_level\]: not among the values/,
    );
    expectOpen311Error(
      await post({ ...base(), 'attribute[area_m2]': 'big' }),
      400,
      /attribute\[area_m2\]: not a number/,
    );
    expectOpen311Error(
      await post({ ...base(), 'attribute[colour]': 'red' }),
      400,
      /attribute\[colour\]: not an attribute/,
    );
    expectOpen311Error(
      await post({
        ...base(),
        service_code: 'urban_order',
        'attribute[encroachment_kind]': 'pavement',
        'attribute[observed_at]': 'yesterday',
      }),
      400,
      /attribute\[observed_at\]: not an ISO 8601/,
    );
    // A multivaluelist as attribute[code][]; a number; an empty value is an absent one.
    const ok = await post({
      ...base(),
      'attribute[damage_kind][]': ['pothole', 'crack'],
      'attribute[area_m2]': '2.5',
      'attribute[hazard_level]': 'medium',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const id = ok.json<Created>()[0]!.service_request_id!;
    const got = (await t().anonymous.get(`/open311/v2/requests/${id}.json?extensions=true`)).json<
      Array<{ attributes: Array<{ code: string; value: unknown }> }>
    >();
    expect(got[0]!.attributes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'damage_kind', value: ['pothole', 'crack'] }),
        expect.objectContaining({ code: 'area_m2', value: '2.5' }),
        expect.objectContaining({ code: 'hazard_level', value: 'medium' }),
      ]),
    );
    expect((await post({ ...base(), 'attribute[area_m2]': '' })).statusCode).toBe(200);
    // A text attribute keeps its line breaks; a string one may not have any.
    const { 'attribute[hazard_level]': _h2, ...located } = base();
    const noise = { ...located, service_code: 'noise', 'attribute[noise_source]': 'karaoke' };
    const multiline = await post({ ...noise, 'attribute[when_heard]': 'Tối thứ Bảy\nsau 22 giờ' });
    expect(multiline.statusCode, multiline.body).toBe(200);
    const lights = {
      ...located,
      service_code: 'street_lighting',
      'attribute[lighting_fault]': 'off',
    };
    expectOpen311Error(
      await post({ ...lights, 'attribute[pole_number]': 'A\nB' }),
      400,
      /one line/,
    );
  });

  it('refuses a description over 4,000 characters, a bad e-mail or media_url, another jurisdiction', async () => {
    expectOpen311Error(await post({ ...base(), description: 'x'.repeat(4001) }), 400, /4,000/);
    expectOpen311Error(await post({ ...base(), email: 'not-an-email' }), 400, /email/);
    expectOpen311Error(
      await post({ ...base(), media_url: 'javascript:alert(1)' }),
      400,
      /media_url/,
    );
    expectOpen311Error(
      await post({ ...base(), jurisdiction_id: 'sfgov.org' }),
      404,
      /jurisdiction_id/,
    );
    expect(
      (await post({ ...base(), description: 'y'.repeat(4000), jurisdiction_id: '' })).statusCode,
    ).toBe(200);
  });

  it('keeps HTML as text: a JSON string, escaped in XML', async () => {
    const html = '<script>alert("x")</script> & <b>ổ gà</b>';
    const res = await post({ ...base(), description: html });
    const id = res.json<Created>()[0]!.service_request_id!;
    const json = (await t().anonymous.get(`/open311/v2/requests/${id}.json`)).json<
      Array<{ description: string }>
    >();
    expect(json[0]!.description).toBe(html);
    const xml = (await t().anonymous.get(`/open311/v2/requests/${id}.xml`)).body;
    expect(xml).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;ổ gà&lt;/b&gt;',
    );
    expect(xml).not.toContain('<script>');
  });

  it('never shows the personal data given with a request', async () => {
    const res = await post({
      ...base(),
      first_name: 'Nguyễn',
      last_name: 'Văn A',
      phone: '0912345678',
      email: 'van.a@example.vn',
      device_id: 'DEVICE-XYZ-123',
      account_id: 'acct-1',
    });
    const id = res.json<Created>()[0]!.service_request_id!;
    for (const url of [
      `/open311/v2/requests/${id}.json?extensions=true`,
      `/open311/v2/requests/${id}.xml?extensions=true`,
      '/open311/v2/requests.json?extensions=true',
      '/open311/v2/requests.xml',
    ]) {
      const body = (await t().anonymous.get(url)).body;
      for (const secret of [
        '0912345678',
        'van.a@example.vn',
        'DEVICE-XYZ-123',
        'Nguyễn',
        'Văn A',
        'acct-1',
      ])
        expect(body, `${url} shows ${secret}`).not.toContain(secret);
    }
    const reporter = (await t().admin.get(`/api/v1/reports/${id}/reporter`)).json<
      Record<string, unknown>
    >();
    expect(reporter).toMatchObject({
      name: 'Nguyễn Văn A',
      phone: '0912345678',
      email: 'van.a@example.vn',
      deviceId: 'DEVICE-XYZ-123',
      accountId: 'acct-1',
    });
  });

  it('answers a token for a batch service, which tokens/{token} turns into the request id', async () => {
    const patch = await t().admin.patch('/api/v1/report-categories/other', {
      open311Type: 'batch',
    });
    expect(patch.statusCode, patch.body).toBe(200);
    const services = (await t().anonymous.get('/open311/v2/services.json')).json<
      Array<{ service_code: string; type: string }>
    >();
    expect(services.find((s) => s.service_code === 'other')!.type).toBe('batch');
    const res = await post({
      api_key: key,
      service_code: 'other',
      address_string: 'Chợ Thái',
      description: 'Biển báo hỏng',
    });
    const [created] = res.json<Created>();
    expect(created!.service_request_id).toBeUndefined();
    expect(created!.token).toMatch(/^[\w-]{10,}$/);
    for (const format of ['json', 'xml']) {
      const tok = await t().anonymous.get(`/open311/v2/tokens/${created!.token}.${format}`);
      expect(tok.statusCode).toBe(200);
      if (format === 'json') {
        const [pair] = tok.json<Array<{ service_request_id: string; token: string }>>();
        expect(pair!.token).toBe(created!.token);
        expect(
          (await t().anonymous.get(`/open311/v2/requests/${pair!.service_request_id}.json`))
            .statusCode,
        ).toBe(200);
      } else {
        expect(tok.body).toContain(`<token>${created!.token}</token>`);
      }
    }
    expectOpen311Error(
      await t().anonymous.get('/open311/v2/tokens/unknown-token.json'),
      404,
      /token unknown-token/,
    );
    await t().admin.patch('/api/v1/report-categories/other', { open311Type: 'realtime' });
  });

  it('takes a photo as multipart `media`, shown as media_url once the report is verified', async () => {
    const jpeg = await jpegWithGps();
    const { payload, headers } = multipartBody(
      { field: 'media', name: 'photo.jpg', type: 'image/jpeg', bytes: jpeg },
      Object.entries(base()),
    );
    const res = await t().cityops.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      payload,
      headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    const id = res.json<Created>()[0]!.service_request_id!;
    const before = (await t().anonymous.get(`/open311/v2/requests/${id}.json`)).json<
      Array<{ media_url: string | null }>
    >();
    expect(before[0]!.media_url).toBeNull();
    await act(t().admin, id, 'verify');
    clock.advance(5000); // past the list cache
    const after = (await t().anonymous.get(`/open311/v2/requests/${id}.json?extensions=true`)).json<
      Array<{ media_url: string; extended_attributes: { photos: Array<{ thumb_url: string }> } }>
    >();
    expectSchema('requests', after);
    expect(after[0]!.media_url).toMatch(
      new RegExp(`^http://localhost:80/api/v1/citizen/public/reports/${id}/photos/[0-9a-f-]{36}$`),
    );
    const photo = await t().anonymous.get(new URL(after[0]!.media_url).pathname);
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/jpeg');
    expect(photo.rawPayload.includes('CityOpsTestCam')).toBe(false);
    expect(
      (
        await t().anonymous.get(
          new URL(after[0]!.extended_attributes.photos[0]!.thumb_url).pathname + '?size=thumb',
        )
      ).statusCode,
    ).toBe(200);
  });

  it('refuses a media file that is not a photo (415)', async () => {
    const { payload, headers } = multipartBody(
      {
        field: 'media',
        name: 'notes.jpg',
        type: 'image/jpeg',
        bytes: Buffer.from('%PDF-1.4 not an image at all'),
      },
      Object.entries(base()),
    );
    const res = await t().cityops.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      payload,
      headers,
    });
    expectOpen311Error(res, 415, /JPEG, PNG, WebP and HEIC/);
  });
});
