/**
 * Open311 GeoReport v2: service discovery, the service list and service
 * definitions, in JSON (checked against the public JSON Schemas) and XML;
 * jurisdiction_id; the error format of unknown resources.
 */
import { expect, it } from 'vitest';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import { expectOpen311Error, expectSchema, parseXml } from './validate.js';

type Service = {
  service_code: string;
  service_name: string;
  metadata: boolean;
  type: string;
  keywords: string | null;
  group: string | null;
};
type Definition = {
  service_code: string;
  attributes: Array<{
    code: string;
    datatype: string;
    required: boolean;
    variable: boolean;
    order: number;
    description: string;
    datatype_description: string | null;
    values: Array<{ key: string; name: string }>;
  }>;
};

describeEachDb('open311: discovery and services', (kind) => {
  const t = useTestCityOps(kind);

  it('publishes discovery in JSON and XML, at /open311 and /open311/v2', async () => {
    for (const url of ['/open311/discovery.json', '/open311/v2/discovery.json']) {
      const res = await t().anonymous.get(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const d = res.json<{
        changeset: string;
        contact: string;
        key_service: string;
        endpoints: Array<Record<string, unknown>>;
      }>();
      expect(d.changeset).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(d.contact).toBeTruthy();
      expect(d.key_service).toBeTruthy();
      expect(d.endpoints[0]).toMatchObject({
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: 'http://localhost:80/open311/v2',
        type: 'production',
        formats: ['text/xml', 'application/json'],
      });
    }
    const xml = await t().anonymous.get('/open311/discovery.xml');
    expect(xml.headers['content-type']).toBe('text/xml; charset=utf-8');
    const doc = parseXml(xml.body) as {
      discovery: { endpoints: { endpoint: Array<{ formats: { format: string[] } }> } };
    };
    expect(doc.discovery.endpoints.endpoint[0]!.formats.format).toEqual([
      'text/xml',
      'application/json',
    ]);
  });

  it('lists the services (report categories) valid against services.json', async () => {
    const res = await t().anonymous.get('/open311/v2/services.json');
    expect(res.statusCode).toBe(200);
    const services = res.json<Service[]>();
    expectSchema('services', services);
    expect(services.map((s) => s.service_code)).toEqual([
      'road_damage',
      'street_lighting',
      'waste_sanitation',
      'urban_order',
      'trees_parks',
      'water_drainage',
      'traffic_signals',
      'public_security',
      'noise',
      'other',
    ]);
    const road = services.find((s) => s.service_code === 'road_damage')!;
    expect(road).toMatchObject({
      service_name: 'Hư hỏng đường, vỉa hè',
      metadata: true,
      type: 'realtime',
      group: 'streets',
    });
    expect(road.keywords).toContain('ổ gà');
    expect(services.find((s) => s.service_code === 'other')!.metadata).toBe(false);
    const en = (await t().anonymous.get('/open311/v2/services.json?locale=en')).json<Service[]>();
    expect(en[0]!.service_name).toBe('Road and pavement damage');
  });

  it('lists the services in XML', async () => {
    const res = await t().anonymous.get('/open311/v2/services.xml');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    const doc = parseXml(res.body) as { services: { service: Array<Record<string, string>> } };
    expect(doc.services.service).toHaveLength(10);
    expect(doc.services.service[0]).toMatchObject({
      service_code: 'road_damage',
      metadata: 'true',
      type: 'realtime',
    });
  });

  it('defines services with attributes of every datatype', async () => {
    const datatypes = new Set<string>();
    const services = (await t().anonymous.get('/open311/v2/services.json')).json<Service[]>();
    for (const s of services) {
      const res = await t().anonymous.get(`/open311/v2/services/${s.service_code}.json`);
      expect(res.statusCode, s.service_code).toBe(200);
      const def = res.json<Definition>();
      expectSchema('service-definition', def);
      expect(def.service_code).toBe(s.service_code);
      expect(def.attributes.length > 0).toBe(s.metadata);
      const orders = def.attributes.map((a) => a.order);
      expect(new Set(orders).size).toBe(orders.length);
      for (const a of def.attributes) datatypes.add(a.datatype);
    }
    expect([...datatypes].sort()).toEqual([
      'datetime',
      'multivaluelist',
      'number',
      'singlevaluelist',
      'string',
      'text',
    ]);
    const road = (
      await t().anonymous.get('/open311/v2/services/road_damage.json')
    ).json<Definition>();
    expect(road.attributes[0]).toEqual({
      variable: true,
      code: 'hazard_level',
      datatype: 'singlevaluelist',
      required: true,
      datatype_description: null,
      order: 1,
      description: 'Mức độ nguy hiểm cho người đi đường',
      values: [
        { key: 'low', name: 'Thấp' },
        { key: 'medium', name: 'Trung bình' },
        { key: 'high', name: 'Cao — có thể gây tai nạn' },
      ],
    });
    const security = (
      await t().anonymous.get('/open311/v2/services/public_security.json?locale=en')
    ).json<Definition>();
    expect(security.attributes.find((a) => a.code === 'emergency_notice')).toMatchObject({
      variable: false,
      datatype: 'string',
    });
  });

  it('defines a service in XML, lists of values as <values><value>', async () => {
    const res = await t().anonymous.get('/open311/v2/services/road_damage.xml');
    expect(res.statusCode).toBe(200);
    const doc = parseXml(res.body) as {
      service_definition: {
        service_code: string;
        attributes: {
          attribute: Array<{ code: string; values?: { value: Array<{ key: string }> } }>;
        };
      };
    };
    expect(doc.service_definition.service_code).toBe('road_damage');
    expect(doc.service_definition.attributes.attribute[0]!.values!.value.map((v) => v.key)).toEqual(
      ['low', 'medium', 'high'],
    );
  });

  it('answers 404 in Open311 format for an unknown service, resource or format', async () => {
    expectOpen311Error(
      await t().anonymous.get('/open311/v2/services/nope.json'),
      404,
      /service_code nope/,
    );
    expectOpen311Error(
      await t().anonymous.get('/open311/v2/services/road_damage'),
      404,
      /\.json or \.xml/,
    );
    expectOpen311Error(await t().anonymous.get('/open311/v2/services.csv'), 404);
    expectOpen311Error(await t().anonymous.get('/open311/v2/nothing.json'), 404);
    const xml = await t().anonymous.get('/open311/v2/services/nope.xml');
    expect(xml.statusCode).toBe(404);
    const doc = parseXml(xml.body) as {
      errors: { error: Array<{ code: string; description: string }> };
    };
    expect(doc.errors.error[0]!.code).toBe('404');
  });

  it('accepts its own jurisdiction_id (or none, or an empty one) and refuses another', async () => {
    for (const q of [
      '',
      '?jurisdiction_id=thainguyen.gov.vn',
      '?jurisdiction_id=',
      '?jurisdiction_id=THAINGUYEN.GOV.VN',
    ]) {
      expect((await t().anonymous.get(`/open311/v2/services.json${q}`)).statusCode, q).toBe(200);
    }
    expectOpen311Error(
      await t().anonymous.get('/open311/v2/services.json?jurisdiction_id=sfgov.org'),
      404,
      /jurisdiction_id sfgov\.org/,
    );
    expectOpen311Error(
      await t().anonymous.get('/open311/v2/services/road_damage.json?jurisdiction_id=sfgov.org'),
      404,
    );
    expectOpen311Error(
      await t().anonymous.get('/open311/v2/requests.json?jurisdiction_id=sfgov.org'),
      404,
    );
  });
});
