/** `cityops assets cluster`: the table rewritten in spatial order, the data unchanged, one audit entry. */
import { expect, it } from 'vitest';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import { sql } from '../../src/core/db/sql.js';
import { systemActor } from '../../src/core/auth/principal.js';
import { CLUSTER_ACTION, clusterAssets } from '../../src/assets/cluster.js';
import { createAsset, listAll, offset, places, point } from './factories.js';

describeEachDb('assets: cluster', (kind) => {
  const t = useTestCityOps(kind);

  /** How often the table, read in storage order, passes from one neighbourhood to the other. */
  async function switches(): Promise<number> {
    const rows = await t().cityops.db.query<{ name: string }>(
      sql`SELECT name FROM assets WHERE code LIKE 'CL-%' ORDER BY ctid`,
    );
    return rows.filter((r, i) => i > 0 && r.name !== rows[i - 1]!.name).length;
  }

  it('rewrites the table in spatial order, changing no asset, and audits the run', async () => {
    const { admin, cityops } = t();
    // Created one by one, alternating between two neighbourhoods 60 km apart.
    for (let i = 0; i < 40; i++) {
      const place = i % 2 === 0 ? places.phanDinhPhung : places.bacKan;
      await createAsset(admin, {
        code: `CL-${i}`,
        name: place.unit,
        geometry: point(offset(place.at, i * 20, i * 15)),
      });
    }
    expect(await switches()).toBe(39);
    const before = await listAll(admin, '/api/v1/assets?q=CL-');

    const report = await clusterAssets({ db: cityops.db, audit: cityops.ctx.audit }, systemActor);

    expect(await switches()).toBeLessThanOrEqual(3);
    expect(await listAll(admin, '/api/v1/assets?q=CL-')).toEqual(before);
    expect(report.assets).toBeGreaterThanOrEqual(40);
    expect(report.pagesAfter).toBeGreaterThan(0);
    const audit = await admin.get(`/api/v1/audit?action=${CLUSTER_ACTION}`);
    expect(audit.json<{ items: Array<{ after: unknown }> }>().items).toEqual([
      expect.objectContaining({ after: report }),
    ]);
  });
});
