/**
 * Privacy: the reporter's identity never reaches a public output (citizen
 * public list, details, map, nearby, Open311 JSON and XML), the staff views
 * carry only `hasReporter`; /reporter is for IOC staff, and for the handling
 * agency only once staff shared it; every read is audited; public history
 * hides internal notes and staff names.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MASK, redactContacts } from '../../src/reports/redact.js';
import type { ReportDetail } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { type Caller } from '../support/app.js';
import {
  act,
  citizenReport,
  createAgencies,
  places,
  WARD_COMMITTEE,
  useCitizenCityOps,
} from './harness.js';

const PHONE = '0933444555';
const E164 = '+84933444555';
/** The reporter's identity, as stored. */
const IDENTITY = ['0933444555', '933444555', 'pham.d@example.vn', 'Phạm Văn D'];
/** What no public output may show: the identity, the phone as typed in the text, an internal note. */
const SECRETS = [...IDENTITY, '0933 444 555', 'Gọi lại sau 17h'];

describeEachDb('reports: privacy', (kind) => {
  const { clock, sms, t } = useCitizenCityOps(kind);
  let operator: Caller & { id: string };
  let officer: Caller & { id: string };
  let viewer: Caller;
  let id: string;

  beforeAll(async () => {
    await createAgencies(t().admin);
    operator = await t().userWith('operator', { units: [places.phanDinhPhung.unit] });
    officer = await t().userWith('agency_officer', { agencies: [WARD_COMMITTEE] });
    viewer = await t().userWith('viewer');
    await t().anonymous.post('/api/v1/citizen/otp', { phone: PHONE });
    const token = (
      await t().anonymous.post('/api/v1/citizen/otp/verify', {
        phone: PHONE,
        code: sms.codeFor(E164),
      })
    ).json<{ token: string }>().token;
    id = (
      await citizenReport(t().as(token), {
        name: 'Phạm Văn D',
        email: 'pham.d@example.vn',
        description: 'Ổ gà lớn, gọi tôi: 0933 444 555',
      })
    ).report.id;
    await act(operator, id, 'verify', { internalNote: 'Gọi lại sau 17h' });
    await act(operator, id, 'assign');
    clock.advance(5000);
  });

  it('never puts personal data or internal notes in a public output', async () => {
    const [lon, lat] = places.phanDinhPhung.at;
    const urls = [
      '/api/v1/citizen/public/reports',
      `/api/v1/citizen/public/reports/${id}`,
      '/api/v1/citizen/public/map',
      `/api/v1/citizen/reports/nearby?lat=${lat}&lon=${lon}&category=road_damage`,
      '/open311/v2/requests.json?extensions=true',
      `/open311/v2/requests/${id}.xml?extensions=true`,
    ];
    for (const url of urls) {
      const res = await t().anonymous.get(url);
      expect(res.statusCode, url).toBe(200);
      for (const s of SECRETS) expect(res.body, `${url} leaks ${s}`).not.toContain(s);
      expect(res.body, url).not.toContain('internalNote');
      expect(res.body, url).not.toContain('actorName');
    }
    const pub = (await t().anonymous.get(`/api/v1/citizen/public/reports/${id}`)).json<{
      history: Array<Record<string, unknown>>;
      description: string;
    }>();
    expect(pub.description).toBe(`Ổ gà lớn, gọi tôi: ${MASK}`);
    expect(pub.history.map((h) => h.action)).toEqual(['submitted', 'verified', 'assigned']);
    expect(pub.history[2]!.actor).toEqual({ type: 'staff', label: 'IOC' });
  });

  it('shows staff only that a reporter exists; the identity at /reporter, for IOC staff', async () => {
    const detail = await operator.get(`/api/v1/reports/${id}`);
    for (const s of IDENTITY) expect(detail.body).not.toContain(s);
    expect(detail.json<ReportDetail>()).toMatchObject({
      hasReporter: true,
      shareReporterWithAgency: false,
      description: 'Ổ gà lớn, gọi tôi: 0933 444 555',
    });
    const list = await operator.get('/api/v1/reports');
    for (const s of IDENTITY) expect(list.body).not.toContain(s);

    const reporter = await operator.get(`/api/v1/reports/${id}/reporter`);
    expect(reporter.statusCode).toBe(200);
    expect(reporter.json()).toMatchObject({
      name: 'Phạm Văn D',
      phone: E164,
      email: 'pham.d@example.vn',
    });
    expect((await viewer.get(`/api/v1/reports/${id}/reporter`)).statusCode).toBe(403);
    const apiKey = (
      await t().admin.post('/api/v1/apikeys', { name: 'dashboard', scope: 'read' })
    ).json<{ key: string }>().key;
    expect((await t().as(apiKey).get(`/api/v1/reports/${id}/reporter`)).statusCode).toBe(403);
    expect((await t().as(apiKey).get(`/api/v1/reports/${id}`)).statusCode).toBe(200);
  });

  it('lets the handling agency see the reporter only once staff share it', async () => {
    const before = await officer.get(`/api/v1/reports/${id}/reporter`);
    expect(before.statusCode).toBe(403);
    expect(before.json<{ detail: string }>().detail).toMatch(/only when staff shared it/);
    expect(
      (await officer.patch(`/api/v1/reports/${id}`, { shareReporterWithAgency: true })).statusCode,
    ).toBe(403);
    const shared = await operator.patch(`/api/v1/reports/${id}`, { shareReporterWithAgency: true });
    expect(shared.statusCode, shared.body).toBe(200);
    expect(shared.json<ReportDetail>().shareReporterWithAgency).toBe(true);
    const after = await officer.get(`/api/v1/reports/${id}/reporter`);
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({ phone: E164 });
    const pub = (await t().anonymous.get(`/api/v1/citizen/public/reports/${id}`)).json<{
      history: Array<{ action: string }>;
    }>();
    expect(pub.history.map((h) => h.action)).not.toContain('reporter_shared');
    clock.advance(5000);
    const o311 = await t().anonymous.get(`/open311/v2/requests/${id}.json?extensions=true`);
    expect(o311.body).not.toContain('reporter_shared');
    await operator.patch(`/api/v1/reports/${id}`, { shareReporterWithAgency: false });
    expect((await officer.get(`/api/v1/reports/${id}/reporter`)).statusCode).toBe(403);
  });

  it('says in the detail what else the caller may do (reporter, note, sharing); the routes agree', async () => {
    const own = (await citizenReport(t().anonymous, { name: 'Ngô Thị E', description: 'Cống tắc' }))
      .report.id;
    await act(operator, own, 'verify');
    await act(operator, own, 'assign', { agency: WARD_COMMITTEE });
    const may = async (c: Caller) => {
      const res = await c.get(`/api/v1/reports/${own}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<ReportDetail>().may;
    };
    const all = { readReporter: true, addInternalNote: true, shareReporter: true };
    const none = { readReporter: false, addInternalNote: false, shareReporter: false };
    expect(await may(operator)).toEqual(all);
    expect(await may(officer)).toEqual(none);
    expect(await may(viewer)).toEqual(none);
    // What the flags say is what the routes do.
    expect((await officer.get(`/api/v1/reports/${own}/reporter`)).statusCode).toBe(403);
    expect((await viewer.get(`/api/v1/reports/${own}/reporter`)).statusCode).toBe(403);
    for (const body of [{ internalNote: 'Ghi chú' }, { shareReporterWithAgency: true }]) {
      expect((await officer.patch(`/api/v1/reports/${own}`, body)).statusCode).toBe(403);
      expect((await viewer.patch(`/api/v1/reports/${own}`, body)).statusCode).toBe(403);
    }
    const noted = await operator.patch(`/api/v1/reports/${own}`, { internalNote: 'Đã gọi lại' });
    expect(noted.statusCode, noted.body).toBe(200);

    // Shared with the agency: its officer may read the reporter, still not edit.
    await operator.patch(`/api/v1/reports/${own}`, { shareReporterWithAgency: true });
    expect(await may(officer)).toEqual({ ...none, readReporter: true });
    expect((await officer.get(`/api/v1/reports/${own}/reporter`)).statusCode).toBe(200);

    // Returned to the IOC, it is out of the officer's sight: the answer offers nothing more.
    const returned = await act(officer, own, 'return', { reason: 'Không thuộc phường' });
    expect(returned.may).toEqual(none);
    expect((await officer.get(`/api/v1/reports/${own}`)).statusCode).toBe(404);
  });

  it('audits every view of the personal data, and keeps it out of the audit log', async () => {
    const audit = (await t().admin.get(`/api/v1/audit?entity=${id}&limit=100`)).json<{
      items: Array<{ action: string; actorId: string | null }>;
    }>().items;
    const views = audit.filter((a) => a.action === 'report.reporter_viewed');
    // The operator once, the officer once while it was shared; refusals are not views.
    expect(views.map((v) => v.actorId).sort()).toEqual([operator.id, officer.id].sort());
    const all = JSON.stringify((await t().admin.get('/api/v1/audit?limit=1000')).json());
    for (const s of IDENTITY) expect(all, s).not.toContain(s);
  });
});

describe('contact details in the text of a report', () => {
  it('are masked in public outputs', () => {
    expect(redactContacts('Gọi 0987 654 321 hoặc +84 912.345.678, mail a.b@mail.vn')).toBe(
      `Gọi ${MASK} hoặc ${MASK}, mail ${MASK}`,
    );
    expect(redactContacts('Ổ gà 2 m², số nhà 123, ngày 2026-03-02')).toBe(
      'Ổ gà 2 m², số nhà 123, ngày 2026-03-02',
    );
  });
});
