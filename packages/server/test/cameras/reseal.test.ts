/**
 * Camera credentials stored in plain (before encryption at rest existed) are
 * sealed with the current key on start and by `cityops cameras reseal`:
 * audited without the values, and a second run changes nothing.
 */
import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { sql } from '../../src/core/db/sql.js';
import type { Db } from '../../src/core/db/db.js';
import { SecretBox } from '../../src/core/auth/secret-box.js';
import { openPglite } from '../../src/core/db/pglite.js';
import { createCityOps } from '../../src/main.js';
import { systemActor } from '../../src/core/auth/principal.js';
import { RESEAL_ACTION } from '../../src/cameras/reseal.js';
import { describeEachDb } from '../support/db.js';
import { testConfig, useTestCityOps } from '../support/app.js';
import { runCli, templateDataDir } from '../support/cli.js';
import { buildCamera, createCamera } from './factories.js';

const KEY = Buffer.alloc(32, 21);
const env = { CITYOPS_SECRET_KEY: KEY.toString('base64') };
const box = new SecretBox(KEY);
const PLAIN = { username: 'old-login-4411', password: 'Old-Plain-Pw-8265' };

async function storedSecrets(db: Db, id: string): Promise<Record<string, string>> {
  const [row] = await db.query<{ secrets: Record<string, string> }>(
    sql`SELECT secrets FROM assets WHERE id = ${id}`,
  );
  return row!.secrets;
}

/** Puts the camera back in the state of a database from before encryption. */
async function storePlain(db: Db, id: string, secrets: Record<string, string> = PLAIN) {
  await db.query(
    sql`UPDATE assets SET secrets = ${JSON.stringify(secrets)}::jsonb WHERE id = ${id}`,
  );
}

describeEachDb('cameras: sealing plain credentials', (kind) => {
  const t = useTestCityOps(kind, { env });

  it('seals plain values with the current key, audited without them, once', async () => {
    const { admin, cityops } = t();
    const plain = await createCamera(admin, { properties: { username: 'x', password: 'y' } });
    await storePlain(cityops.db, plain.id);
    // Partly sealed: only the plain field is rewritten; the sealed one stays byte for byte.
    const mixed = await createCamera(admin, { properties: { username: 'keep-me', password: 'z' } });
    const mixedBefore = await storedSecrets(cityops.db, mixed.id);
    await storePlain(cityops.db, mixed.id, { ...mixedBefore, password: PLAIN.password });
    const sealed = await createCamera(admin, { properties: { password: 'already-sealed' } });
    const sealedBefore = await storedSecrets(cityops.db, sealed.id);
    const none = await createCamera(admin, {});

    expect(await cityops.cameras.reseal(systemActor)).toBe(2);

    const now = await storedSecrets(cityops.db, plain.id);
    expect(JSON.stringify(now)).not.toContain(PLAIN.password);
    expect(JSON.stringify(now)).not.toContain(PLAIN.username);
    expect(box.open(now.password!, 'password')).toBe(PLAIN.password);
    expect(box.open(now.username!, 'username')).toBe(PLAIN.username);
    const src = await cityops.cameras.service.loadCameraSource(plain.id, { all: true });
    expect([src.username, src.password]).toEqual([PLAIN.username, PLAIN.password]);

    const m = await storedSecrets(cityops.db, mixed.id);
    expect(m.username).toBe(mixedBefore.username);
    expect(box.open(m.password!, 'password')).toBe(PLAIN.password);
    expect(await storedSecrets(cityops.db, sealed.id)).toEqual(sealedBefore);
    expect(await storedSecrets(cityops.db, none.id)).toEqual({});

    const audit = await admin.get(`/api/v1/audit?entity=${plain.id}`);
    const entries = audit
      .json<{ items: Array<{ action: string; after: unknown }> }>()
      .items.filter((e) => e.action === RESEAL_ACTION);
    expect(entries.map((e) => e.after)).toEqual([{ fields: ['password', 'username'] }]);
    const all = await cityops.db.query<{ t: string }>(
      sql`SELECT row_to_json(l)::text AS t FROM audit_log l`,
    );
    expect(all.map((r) => r.t).join('\n')).not.toContain(PLAIN.password);

    // Idempotent: nothing more to do, and no second entry.
    expect(await cityops.cameras.reseal(systemActor)).toBe(0);
    const again = await admin.get(`/api/v1/audit?entity=${plain.id}`);
    expect(
      again
        .json<{ items: Array<{ action: string }> }>()
        .items.filter((e) => e.action === RESEAL_ACTION),
    ).toHaveLength(1);
  });

  it('seals on start, and two runs at once seal each camera once', async () => {
    const { admin, cityops, testDb } = t();
    const cams = await Promise.all(
      [1, 2, 3].map(() => createCamera(admin, { properties: { password: 'p' } })),
    );
    for (const c of cams) await storePlain(cityops.db, c.id);
    const counts = await Promise.all([
      cityops.cameras.reseal(systemActor),
      cityops.cameras.reseal(systemActor),
    ]);
    expect(counts[0] + counts[1]).toBe(3);
    for (const c of cams) await storePlain(cityops.db, c.id);
    // A second process starting on this database seals them on start.
    const other = await createCityOps({
      config: testConfig({ ...env, CITYOPS_CAMERA_PROBE_SECONDS: '0' }),
      db: testDb.db,
      log: false,
    });
    try {
      await other.cameras.module.start!();
      for (const c of cams)
        expect(SecretBox.isSealed((await storedSecrets(cityops.db, c.id)).password!)).toBe(true);
    } finally {
      await other.close();
    }
  });
});

describe('cityops cameras reseal (PGlite data folder)', () => {
  it('seals plain credentials, prints how many, and finds nothing the second time', async () => {
    const dir = await templateDataDir();
    try {
      const db = await openPglite({ dataDir: dir });
      let id: string;
      try {
        const app = await createCityOps({
          config: testConfig({ ...env, CITYOPS_DATA_DIR: dir }),
          db,
          log: false,
        });
        const cam = await app.assets.service.create(
          systemActor,
          buildCamera({ properties: { password: 'later-plain' } }),
          { all: true },
        );
        id = cam.id;
        await storePlain(db, id);
        await app.close();
      } finally {
        await db.close();
      }
      const first = await runCli(['cameras', 'reseal'], { ...env, CITYOPS_DATA_DIR: dir });
      expect(first.stderr).toBe('');
      expect(first.stdout.trim()).toBe('sealed the credentials of 1 camera');
      const second = await runCli(['cameras', 'reseal'], { ...env, CITYOPS_DATA_DIR: dir });
      expect(second.stdout.trim()).toBe('no camera credential is stored in plain');
      const check = await openPglite({ dataDir: dir });
      try {
        const s = await storedSecrets(check, id);
        expect(box.open(s.password!, 'password')).toBe(PLAIN.password);
        const [row] = await check.query<{ label: string }>(
          sql`SELECT actor_label AS label FROM audit_log WHERE action = ${RESEAL_ACTION} AND entity_id = ${id}`,
        );
        expect(row!.label).toMatch(/^cli:cameras reseal/);
      } finally {
        await check.close();
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
