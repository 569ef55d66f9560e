/**
 * The demo reports: a living back office for a new user, made through the
 * real submission and workflow (history, deadlines, audit), in every status,
 * some overdue; seeded once.
 */
import { expect, it } from 'vitest';
import type { Report } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import { sql } from '../../src/core/db/sql.js';
import { seedDemoReports } from '../../src/reports/demo.js';
import { createAgencies, places } from './harness.js';

describeEachDb('reports: demo reports', (kind) => {
  const t = useTestCityOps(kind);

  it('seeds reports in every status through the workflow, some overdue, once', async () => {
    const { cityops, admin } = t();
    await createAgencies(admin);
    const actor = { type: 'system' as const, id: null, label: 'demo seed' };
    const points = [places.phanDinhPhung.at, places.giaSang.at, places.bacKan.at];
    const result = await seedDemoReports(cityops.ctx, cityops.reports, points, actor, 80);
    expect(result.reports).toBeGreaterThan(70);

    const rows = await cityops.db.query<{ status: string; n: number }>(
      sql`SELECT status, count(*)::int AS n FROM reports GROUP BY status`,
    );
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    for (const s of ['received', 'verified', 'assigned', 'in_progress', 'answered', 'closed'])
      expect(byStatus[s], s).toBeGreaterThan(0);
    expect(byStatus.rejected ?? 0).toBeGreaterThan(0);

    // Spread over weeks, never in the future, with a history that follows the workflow.
    const [span] = await cityops.db.query<{ days: number; future: number; bad: number }>(sql`
      SELECT extract(epoch FROM max(created_at) - min(created_at)) / 86400 AS days,
        count(*) FILTER (WHERE created_at > now()) AS future,
        count(*) FILTER (WHERE status = 'closed' AND answered_at IS NULL) AS bad
      FROM reports`);
    expect(Number(span!.days)).toBeGreaterThan(14);
    expect(Number(span!.future)).toBe(0);
    expect(Number(span!.bad)).toBe(0);
    const steps = await cityops.db.query<{ action: string }>(
      sql`SELECT DISTINCT action FROM report_history`,
    );
    expect(steps.map((s) => s.action)).toEqual(
      expect.arrayContaining([
        'submitted',
        'verified',
        'assigned',
        'started',
        'answered',
        'closed',
      ]),
    );

    // The back office shows overdue work and Vietnamese texts.
    const overdue = await admin.get('/api/v1/reports?overdue=true&limit=100');
    expect(overdue.statusCode).toBe(200);
    const items = overdue.json<{ items: Report[] }>().items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((r) => r.overdue)).toBe(true);
    expect(items[0]!.description).toMatch(/[ăâđêôơư]/);

    // Audited as the demo seed; the chain holds.
    const audited = await cityops.db.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM audit_log WHERE actor_label = 'demo seed' AND action = 'report.create'`,
    );
    expect(audited[0]!.n).toBe(result.reports);
    expect((await admin.get('/api/v1/audit/verify')).json<{ ok: boolean }>().ok).toBe(true);

    // A second run creates nothing.
    expect(await seedDemoReports(cityops.ctx, cityops.reports, points, actor, 80)).toEqual({
      reports: 0,
    });
  });
});
