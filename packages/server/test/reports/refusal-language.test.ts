/**
 * Refusals of the reports routes in the caller's language: the problem's
 * `detail` in Vietnamese or English by Accept-Language (Content-Language
 * says which); without a preference Vietnamese on the citizen app's routes
 * and English on the others (API clients); a refusal that has no Vietnamese
 * text stays English. Every workflow refusal has its Vietnamese text.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { reportActions, reportStatuses, type Role } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import type { Caller } from '../support/app.js';
import { problemLanguage } from '../../src/core/http/problem.js';
import { decide, type WorkflowActor } from '../../src/reports/workflow.js';
import { act, citizenReport, createAgencies, useCitizenCityOps } from './harness.js';

describe('the language of a problem', () => {
  it('follows Accept-Language between Vietnamese and English, else the route', () => {
    const staff = '/api/v1/reports/1/verify';
    const citizen = '/api/v1/citizen/reports/1/rating';
    expect(problemLanguage(undefined, staff)).toBe('en');
    expect(problemLanguage(undefined, citizen)).toBe('vi');
    expect(problemLanguage('vi', staff)).toBe('vi');
    expect(problemLanguage('vi-VN,vi;q=0.9,en;q=0.8', staff)).toBe('vi');
    expect(problemLanguage('en-US,en;q=0.9', citizen)).toBe('en');
    expect(problemLanguage('en;q=0.5, vi;q=0.8', staff)).toBe('vi');
    expect(problemLanguage('fr-FR, de', citizen)).toBe('vi');
    expect(problemLanguage('fr-FR, de', staff)).toBe('en');
    expect(problemLanguage('vi;q=0, en', citizen)).toBe('en');
    expect(problemLanguage('*', citizen)).toBe('vi');
  });
});

describe('workflow refusals', () => {
  it('each have a Vietnamese text of their own', () => {
    const scope = { all: false as const, units: ['u1'], agencies: ['a1'] };
    const roles: Role[] = ['operator', 'supervisor', 'agency_officer', 'viewer'];
    const actors: WorkflowActor[] = [
      ...roles.map((role) => ({ kind: 'staff' as const, role, scope })),
      { kind: 'citizen', id: 'c1' },
      { kind: 'integration' },
    ];
    let refusals = 0;
    for (const status of reportStatuses)
      for (const extensionPending of [false, true])
        for (const action of reportActions)
          for (const actor of actors) {
            const d = decide(
              {
                status,
                adminUnit: 'u2',
                primaryAgency: 'a1',
                extensionPending,
                reopenCount: 0,
                citizenId: 'c1',
              },
              action,
              actor,
            );
            if (d.ok) continue;
            refusals++;
            expect(d.reasonVi, `${action} ${status} ${JSON.stringify(actor)}`).toMatch(
              /^(Chỉ|Phản ánh|Không thể) .+\.$/,
            );
            expect(d.reasonVi).not.toContain('undefined');
            expect(d.reasonVi).not.toBe(d.reason);
          }
    expect(refusals).toBeGreaterThan(100);
  });
});

describeEachDb('reports: refusals in the caller’s language', (kind) => {
  const { t, signIn } = useCitizenCityOps(kind);
  let operator: Caller;

  beforeAll(async () => {
    await createAgencies(t().admin);
    operator = await t().userWith('operator');
  });

  const refusal = async (
    res: Promise<{ statusCode: number; body: string; headers: Record<string, unknown> }>,
    status: number,
  ) => {
    const r = await res;
    expect(r.statusCode, r.body).toBe(status);
    expect(String(r.headers['content-type'])).toContain('application/problem+json');
    return {
      detail: (JSON.parse(r.body) as { detail: string }).detail,
      lang: r.headers['content-language'],
    };
  };

  it('answers staff in English unless they ask for Vietnamese', async () => {
    const id = (await citizenReport(t().anonymous)).report.id;
    await act(operator, id, 'verify');
    const again = (headers: Record<string, string> = {}) =>
      operator.request('POST', `/api/v1/reports/${id}/verify`, {}, headers);

    expect(await refusal(again(), 409)).toEqual({
      detail: 'A report that is verified cannot be verified; assign it to an agency first.',
      lang: 'en',
    });
    expect(await refusal(again({ 'accept-language': 'vi-VN,vi;q=0.9,en;q=0.8' }), 409)).toEqual({
      detail: 'Phản ánh đã xác minh thì không thể xác minh; cần chuyển cho cơ quan xử lý trước.',
      lang: 'vi',
    });
    // Out of the operator's role (403), and a report they cannot see (404).
    const answer = await refusal(
      operator.request(
        'POST',
        `/api/v1/reports/${id}/answer`,
        { text: 'Đã xử lý' },
        { 'accept-language': 'vi' },
      ),
      403,
    );
    expect(answer.detail).toBe(
      'Chỉ cán bộ của cơ quan được giao xử lý, hoặc giám sát viên phụ trách địa bàn, mới được trả lời phản ánh này.',
    );
    const missing = await refusal(
      operator.request('GET', '/api/v1/reports/999999', undefined, { 'accept-language': 'vi' }),
      404,
    );
    expect(missing).toEqual({
      detail: 'Không tìm thấy phản ánh #999999, hoặc phản ánh không thuộc phạm vi của bạn.',
      lang: 'vi',
    });
    // A refusal without a Vietnamese text stays English, and says so.
    const bad = await refusal(
      operator.request(
        'POST',
        `/api/v1/reports/${id}/merge`,
        { into: id },
        {
          'accept-language': 'vi',
        },
      ),
      400,
    );
    expect(bad).toEqual({ detail: 'into: a report cannot be merged into itself', lang: 'en' });
  });

  it('answers the citizen app in Vietnamese unless it asks for English', async () => {
    const citizen = await signIn('0977777777');
    const id = (await citizenReport(citizen)).report.id;
    const rate = (headers: Record<string, string> = {}) =>
      citizen.request('POST', `/api/v1/citizen/reports/${id}/rating`, { satisfied: true }, headers);
    expect(await refusal(rate(), 409)).toEqual({
      detail: 'Phản ánh đã tiếp nhận thì không thể đánh giá; cần xác minh và chuyển xử lý trước.',
      lang: 'vi',
    });
    expect((await refusal(rate({ 'accept-language': 'en' }), 409)).detail).toBe(
      'A report that is received cannot be rated; verify and assign it first.',
    );
    const unfollow = await refusal(citizen.delete(`/api/v1/citizen/reports/${id}/follow`), 404);
    expect(unfollow.detail).toContain(`Bạn không theo dõi phản ánh #${id}`);
  });
});
