/**
 * The workflow through the JSON API: each action by the roles that may do it
 * in their area, 403/404/409 with the reason otherwise, routing to the ward's
 * People's Committee, coordinating agencies, extensions decided by a
 * supervisor, returning a misrouted report, answers with after-photos, the
 * citizen's rating (reopening once), and every step in the history.
 */
import { beforeAll, expect, it } from 'vitest';
import type { Report, ReportDetail, UploadedFile } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps, type Caller } from '../support/app.js';
import { multipartBody, png } from '../files/images.js';
import {
  act,
  citizenReport,
  createAgencies,
  FakeClock,
  GIA_SANG_COMMITTEE,
  places,
  tempDataDir,
  WARD_COMMITTEE,
} from './harness.js';

type Problem = {
  status: number;
  detail: string;
  errors?: Array<{ path: string; message: string }>;
};

describeEachDb('reports: workflow through the API', (kind) => {
  const clock = new FakeClock(Date.parse('2026-03-02T02:00:00Z'));
  const t = useTestCityOps(kind, {
    clock,
    env: { CITYOPS_DATA_DIR: tempDataDir(), CITYOPS_TOKEN_TTL_HOURS: '8760' },
  });
  let operator: Caller;
  let operatorElsewhere: Caller;
  let supervisor: Caller;
  let officer: Caller;
  let urencoOfficer: Caller;
  let viewer: Caller;

  beforeAll(async () => {
    await createAgencies(t().admin);
    operator = await t().userWith('operator', { units: [places.phanDinhPhung.unit] });
    operatorElsewhere = await t().userWith('operator', { units: [places.giaSang.unit] });
    supervisor = await t().userWith('supervisor', { units: [places.phanDinhPhung.unit] });
    officer = await t().userWith('agency_officer', { agencies: [WARD_COMMITTEE] });
    urencoOfficer = await t().userWith('agency_officer', { agencies: ['URENCO-TN'] });
    viewer = await t().userWith('viewer');
  });

  const refused = async (
    caller: Caller,
    id: string,
    action: string,
    body: object,
    status: number,
    match?: RegExp,
  ) => {
    const res = await caller.post(`/api/v1/reports/${id}/${action}`, body);
    expect(res.statusCode, `${action}: ${res.body}`).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    if (match) expect(res.json<Problem>().detail).toMatch(match);
    return res.json<Problem>();
  };

  it('takes a report through verify, assign, start, extend, answer and the rating', async () => {
    const { report, followToken } = await citizenReport(t().anonymous);
    const id = report.id;
    expect(report.status).toBe('received');
    expect(followToken).toMatch(/^coc_/);

    await refused(
      supervisor,
      id,
      'answer',
      { text: 'done' },
      409,
      /^A report that is received cannot be answered; verify and assign it first\.$/,
    );
    // An agency officer does not see a report before it is assigned to their agency.
    await refused(officer, id, 'answer', { text: 'done' }, 404);
    await refused(officer, id, 'verify', {}, 404);
    const provinceOfficer = await t().userWith('agency_officer');
    await refused(
      provinceOfficer,
      id,
      'verify',
      {},
      403,
      /^Only IOC operators, supervisors and administrators of its area can verify this report\.$/,
    );
    await refused(operatorElsewhere, id, 'verify', {}, 404);
    await refused(viewer, id, 'verify', {}, 403, /permission reports:act/);

    let r = await act(operator, id, 'verify', {
      note: 'Đã xác minh',
      internalNote: 'Gọi điện xác nhận',
    });
    expect(r.status).toBe('verified');
    expect(r.suggestedAgency?.code).toBe(WARD_COMMITTEE);
    // What the back office offers: what this caller may do now.
    expect(r.allowedActions).toEqual(['reject', 'assign', 'merge']);
    await refused(operator, id, 'verify', {}, 409, /verified cannot be verified/);

    r = await act(operator, id, 'assign', { coordinating: ['URENCO-TN', WARD_COMMITTEE] });
    expect(r.primaryAgency?.code).toBe(WARD_COMMITTEE);
    expect(r.coordinatingAgencies.map((a) => a.code)).toEqual(['URENCO-TN']);
    expect(r.allowedActions).toEqual(['assign']);
    const asOfficer = (await officer.get(`/api/v1/reports/${id}`)).json<ReportDetail>();
    expect(asOfficer.allowedActions).toEqual(['start', 'extend', 'return']);
    const asCoordinator = (await urencoOfficer.get(`/api/v1/reports/${id}`)).json<ReportDetail>();
    expect(asCoordinator.allowedActions).toEqual([]);

    // The coordinating agency sees it but cannot act; the primary one starts it.
    expect((await urencoOfficer.get(`/api/v1/reports/${id}`)).statusCode).toBe(200);
    await refused(
      urencoOfficer,
      id,
      'start',
      {},
      403,
      /Only an officer of the agency it is assigned to/,
    );
    r = await act(officer, id, 'start');
    expect(r.status).toBe('in_progress');

    const due = r.dueDate;
    r = await act(officer, id, 'extend', { days: 2, reason: 'Chờ vật tư' });
    expect(r.extension).toMatchObject({ days: 2, status: 'pending', reason: 'Chờ vật tư' });
    await refused(officer, id, 'extend', { days: 1, reason: 'again' }, 409, /already waiting/);
    await refused(officer, id, 'approve-extension', { approve: true }, 403, /supervisor/);
    await refused(operator, id, 'approve-extension', { approve: true }, 403, /supervisor/);
    r = await act(supervisor, id, 'approve-extension', { approve: true, note: 'Đồng ý' });
    expect(r.extension?.status).toBe('approved');
    // Received Monday 2/3 with 3 working days: Thursday 5/3; 2 more: Monday 9/3.
    expect([due, r.dueDate]).toEqual(['2026-03-05', '2026-03-09']);

    const { payload, headers } = multipartBody({
      field: 'file',
      name: 'after.png',
      type: 'image/png',
      bytes: await png(),
    });
    const photo = (
      await officer.request('POST', '/api/v1/files', payload, headers)
    ).json<UploadedFile>();
    clock.advance(86_400_000);
    r = await act(officer, id, 'answer', { text: 'Đã vá xong ổ gà', photoIds: [photo.id] });
    expect(r.status).toBe('answered');
    expect(r.answer?.text).toBe('Đã vá xong ổ gà');
    expect(r.photos.map((p) => [p.kind, p.id])).toEqual([['answer', photo.id]]);
    expect((await officer.get(r.photos[0]!.thumbUrl)).statusCode).toBe(200);

    // The citizen: not satisfied reopens once, then the second answer closes either way.
    const citizen = t().as(followToken!);
    let mine = await citizen.post(`/api/v1/citizen/reports/${id}/rating`, {
      satisfied: false,
      comment: 'Vẫn còn lún',
    });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json<{ status: string; reopenCount: number }>()).toMatchObject({
      status: 'in_progress',
      reopenCount: 1,
    });
    await act(officer, id, 'answer', { text: 'Đã thảm lại mặt đường' });
    mine = await citizen.post(`/api/v1/citizen/reports/${id}/rating`, { satisfied: false });
    expect(mine.json<{ status: string; rating: { satisfied: boolean } }>()).toMatchObject({
      status: 'closed',
      rating: { satisfied: false },
    });
    const again = await citizen.post(`/api/v1/citizen/reports/${id}/rating`, { satisfied: true });
    expect(again.statusCode).toBe(409);

    const detail = (await operator.get(`/api/v1/reports/${id}`)).json<ReportDetail>();
    expect(detail.history.map((h) => h.action)).toEqual([
      'submitted',
      'verified',
      'assigned',
      'started',
      'extension_requested',
      'extension_approved',
      'answered',
      'reopened',
      'answered',
      'rated',
    ]);
    expect(detail.history[1]).toMatchObject({
      note: 'Đã xác minh',
      internalNote: 'Gọi điện xác nhận',
      fromStatus: 'received',
      toStatus: 'verified',
    });
    expect(detail.closedAt).not.toBeNull();
  });

  it('lets the primary agency return a misrouted report to the IOC', async () => {
    const { report } = await citizenReport(t().anonymous);
    await act(operator, report.id, 'verify');
    await act(operator, report.id, 'assign');
    await refused(urencoOfficer, report.id, 'return', { reason: 'x' }, 404);
    const r = await act(officer, report.id, 'return', { reason: 'Không thuộc thẩm quyền phường' });
    expect(r).toMatchObject({ status: 'verified', primaryAgency: null });
    expect(r.history.at(-1)).toMatchObject({
      action: 'returned',
      internalNote: 'Không thuộc thẩm quyền phường',
    });
    const again = await act(operator, report.id, 'assign', { agency: GIA_SANG_COMMITTEE });
    expect(again.primaryAgency?.code).toBe(GIA_SANG_COMMITTEE);
    // The ward committee's officer no longer sees it.
    expect((await officer.get(`/api/v1/reports/${report.id}`)).statusCode).toBe(404);
  });

  it('rejects with a reason, and closes an answer', async () => {
    const a = (await citizenReport(t().anonymous)).report;
    const p = await refused(operator, a.id, 'reject', {}, 400);
    expect(p.errors).toEqual([{ path: 'reason', message: 'required' }]);
    const r = await act(operator, a.id, 'reject', { reason: 'Trùng với phản ánh đã xử lý' });
    expect(r).toMatchObject({ status: 'rejected', rejectionReason: 'Trùng với phản ánh đã xử lý' });
    await refused(operator, a.id, 'assign', {}, 409, /rejected cannot be assigned/);

    const b = (await citizenReport(t().anonymous)).report;
    for (const [action, body] of [
      ['verify', {}],
      ['assign', {}],
      ['start', {}],
      ['answer', { text: 'Đã xử lý' }],
    ] as const)
      await act(supervisor, b.id, action, body);
    await refused(officer, b.id, 'close', {}, 403);
    expect(
      (await act(operator, b.id, 'close', { note: 'Người dân xác nhận qua điện thoại' })).status,
    ).toBe('closed');
  });

  it('validates action input as problem+json naming the field', async () => {
    const { report } = await citizenReport(t().anonymous);
    await act(operator, report.id, 'verify');
    let p = await refused(operator, report.id, 'assign', { agency: 'NO-SUCH' }, 400);
    expect(p.errors).toEqual([{ path: 'agency', message: 'no agency has the code NO-SUCH' }]);
    p = await refused(operator, report.id, 'assign', { coordinating: ['NOPE'] }, 400);
    expect(p.errors).toEqual([{ path: 'coordinating', message: 'no agency has the code NOPE' }]);
    p = await refused(operator, report.id, 'assign', { unexpected: 1 }, 400);
    expect(p.errors?.[0]?.path).toBe('unexpected');
    await act(operator, report.id, 'assign');
    await act(officer, report.id, 'start');
    p = await refused(officer, report.id, 'extend', { days: 0, reason: 'x' }, 400);
    expect(p.errors?.[0]?.path).toBe('days');
    expect((await t().admin.post('/api/v1/reports/abc/verify', {})).statusCode).toBe(400);
    expect((await t().admin.post('/api/v1/reports/999999/verify', {})).statusCode).toBe(404);
  });

  it('refuses a place outside the province, naming the field, in the citizen and staff APIs', async () => {
    const [lon, lat] = places.hanoi.at;
    for (const [caller, url] of [
      [t().anonymous, '/api/v1/citizen/reports'],
      [operator, '/api/v1/reports'],
    ] as const) {
      const res = await caller.post(url, {
        categoryCode: 'other',
        description: 'Hà Nội',
        lat,
        lon,
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json<Problem>().errors).toEqual([
        {
          path: 'lat',
          message: `the point (lat ${lat}, lon ${lon}) is outside Thái Nguyên province; reports are taken for places inside it only`,
        },
      ]);
    }
    const unknown = await t().anonymous.post('/api/v1/citizen/reports', {
      categoryCode: 'nope',
      description: 'x',
      lat: places.phanDinhPhung.at[1],
      lon: places.phanDinhPhung.at[0],
    });
    expect(unknown.json<Problem>().errors?.[0]?.path).toBe('categoryCode');
  });

  it('re-categorises at verification, moving the deadline and the routing', async () => {
    const { report } = await citizenReport(t().anonymous, {
      categoryCode: 'other',
      attributes: {},
    });
    expect(report.deadline).toBeTruthy();
    const r = await act(operator, report.id, 'verify', { categoryCode: 'water_drainage' });
    expect(r.category.code).toBe('water_drainage');
    expect(r.suggestedAgency?.code).toBe('NUOC-TN');
    expect(r.deadlineClass).toBe('on_the_spot');
    expect(new Date(r.deadline) < new Date(report.deadline)).toBe(true);
    const bad = await refused(operator, report.id, 'verify', { categoryCode: 'nope' }, 409);
    expect(bad.status).toBe(409);
  });

  it('takes reports by phone for IOC staff only, and lists with filters and scope', async () => {
    const [lon, lat] = places.giaSang.at;
    const res = await operatorElsewhere.post('/api/v1/reports', {
      categoryCode: 'trees_parks',
      description: 'Cây đổ chắn đường',
      lat,
      lon,
      attributes: { tree_condition: 'fallen' },
      reporter: { name: 'Trần B', phone: '0987654321' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json<ReportDetail>();
    expect(created).toMatchObject({
      channel: 'staff',
      adminUnit: places.giaSang.unit,
      suggestedAgency: { code: 'URENCO-TN' },
    });
    expect(
      (await officer.post('/api/v1/reports', { categoryCode: 'other', description: 'x', lat, lon }))
        .statusCode,
    ).toBe(403);

    const ids = async (caller: Caller, q = '') =>
      (await caller.get(`/api/v1/reports${q}`)).json<{ items: Report[] }>().items.map((r) => r.id);
    expect(await ids(operatorElsewhere)).toEqual([created.id]);
    expect(await ids(operator)).not.toContain(created.id);
    expect(await ids(t().admin, '?category=trees_parks')).toEqual([created.id]);
    expect(await ids(t().admin, `?unit=${places.giaSang.unit}`)).toEqual([created.id]);
    expect(await ids(t().admin, '?q=cay do')).toEqual([created.id]);
    expect(await ids(t().admin, `?q=%23${created.id}`)).toEqual([created.id]);
    expect(
      await ids(t().admin, `?bbox=${lon - 0.001},${lat - 0.001},${lon + 0.001},${lat + 0.001}`),
    ).toEqual([created.id]);
    expect((await ids(t().admin, '?status=rejected,closed')).length).toBe(3);
    expect((await ids(t().admin, `?agency=${GIA_SANG_COMMITTEE}`)).length).toBe(1);
    expect((await ids(officer)).every((i) => i !== created.id)).toBe(true);
    const page = (await t().admin.get('/api/v1/reports?limit=2')).json<{
      items: Report[];
      nextCursor: string;
    }>();
    expect(page.items).toHaveLength(2);
    const next = (await t().admin.get(`/api/v1/reports?limit=2&cursor=${page.nextCursor}`)).json<{
      items: Report[];
    }>();
    expect(Number(next.items[0]!.id)).toBeLessThan(Number(page.items[1]!.id));
    expect((await t().admin.get('/api/v1/reports?unit=nowhere')).statusCode).toBe(400);
    expect((await t().admin.get('/api/v1/reports?status=lost')).statusCode).toBe(400);
  });
});
