/**
 * The Open311 answer cache and the other ways reports change: a report sent
 * through the citizen app, staff actions, a staff edit and the auto-close
 * job each show in the next GET at once, although
 * the cache here keeps answers for a minute. A row written straight into the
 * database (no path of the app) stays unseen: the cache is on.
 */
import { beforeAll, expect, it } from 'vitest';
import { sql } from '../../src/core/db/sql.js';
import { describeEachDb } from '../support/db.js';
import { act, citizenReport, createAgencies, useCitizenCityOps } from '../reports/harness.js';

type Req = { service_request_id: string; status: string; description: string };

describeEachDb('open311: the answer cache follows every change of a report', (kind) => {
  const { clock, t } = useCitizenCityOps(kind, {
    env: { CITYOPS_REPORT_AUTOCLOSE_DAYS: '1' },
    modules: { open311: { cacheMs: 60_000 } },
  });
  const list = async () => {
    const res = await t().anonymous.get('/open311/v2/requests.json?status=open,closed');
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Req[]>();
  };
  const one = async (id: string) => {
    const res = await t().anonymous.get(`/open311/v2/requests/${id}.json`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Req[]>()[0]!;
  };

  beforeAll(async () => {
    await createAgencies(t().admin);
  });

  it('shows a citizen-app report, staff steps, an edit and a job at once', async () => {
    const first = await citizenReport(t().anonymous);
    expect((await list()).map((r) => r.service_request_id)).toEqual([first.report.id]);
    expect((await one(first.report.id)).status).toBe('open');

    // Behind the app's back: the cached answer stays as it was.
    await t().cityops.db.query(
      sql`UPDATE reports SET description = 'changed in the database' WHERE id = ${Number(first.report.id)}`,
    );
    expect((await list())[0]!.description).not.toBe('changed in the database');

    // The citizen app.
    const second = await citizenReport(t().anonymous, { description: 'Đèn đường hỏng' });
    expect((await list()).map((r) => r.service_request_id)).toEqual([
      second.report.id,
      first.report.id,
    ]);

    // Staff actions, and the single-request answer.
    const operator = await t().userWith('operator');
    await act(operator, second.report.id, 'reject', { reason: 'Không thuộc phạm vi' });
    expect((await one(second.report.id)).status).toBe('closed');
    expect((await list()).find((r) => r.service_request_id === second.report.id)?.status).toBe(
      'closed',
    );

    // A staff edit changes updated_datetime.
    const before = (await one(first.report.id)) as Req & { updated_datetime: string };
    clock.advance(60_000);
    const patched = await operator.patch(`/api/v1/reports/${first.report.id}`, {
      shareReporterWithAgency: true,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const after = (await one(first.report.id)) as Req & { updated_datetime: string };
    expect(after.updated_datetime).not.toBe(before.updated_datetime);

    // Answered, then closed by the auto-close job.
    const admin = t().admin;
    await act(admin, first.report.id, 'verify');
    await act(admin, first.report.id, 'assign');
    await act(admin, first.report.id, 'start');
    await act(admin, first.report.id, 'answer', { text: 'Đã vá ổ gà', photoIds: [] });
    expect((await one(first.report.id)).status).toBe('closed');
    const notes = async () =>
      (
        await t().anonymous.get(`/open311/v2/requests/${first.report.id}.json?extensions=true`)
      ).json<Array<{ notes: Array<{ description: string }> }>>()[0]!.notes.length;
    const noted = await notes();
    clock.advance(3 * 86_400_000);
    expect((await t().cityops.reports.jobs.autoClose()) > 0).toBe(true);
    expect(await notes()).toBe(noted + 1);
  });
});
