/**
 * Seeds the admin units CityOps ships with (data/geo/admin-units.json: Thái
 * Nguyên after the reform of 1 July 2025 and the units before it), on a
 * database that has none.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { adminKindSchema, adminLevelSchema } from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import type { Actor } from '../core/auth/principal.js';
import { foldText } from '../core/text.js';
import type { AuditService } from '../audit/audit.service.js';
import { countUnits, upsertUnit } from './admin-units.repo.js';

export const GEO_DATA_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../data/geo',
);

const unitFileSchema = z.object({
  source: z.string(),
  units: z.array(
    z.object({
      code: z.string().min(1),
      validFrom: z.iso.date(),
      validTo: z.iso.date().nullable(),
      nameVi: z.string().min(1),
      nameEn: z.string().min(1),
      level: adminLevelSchema,
      kind: adminKindSchema,
      parentCode: z.string().nullable(),
      approximate: z.boolean(),
      source: z.string(),
      externalRefs: z.record(z.string(), z.string()).default({}),
      boundary: z.unknown().nullable(),
    }),
  ),
});

export function searchTextOf(u: { code: string; nameVi: string; nameEn: string }): string {
  return foldText(`${u.code} ${u.nameVi} ${u.nameEn}`);
}

/** Loads the shipped units when the table is empty; answers how many were loaded. */
export async function seedAdminUnits(
  db: Db,
  audit: AuditService,
  clock: Clock,
  actor: Actor,
): Promise<number> {
  if ((await countUnits(db)) > 0) return 0;
  const file = unitFileSchema.parse(
    JSON.parse(await fs.readFile(path.join(GEO_DATA_DIR, 'admin-units.json'), 'utf8')),
  );
  const now = clock.now();
  await db.transaction(async (tx) => {
    for (const u of file.units) {
      await upsertUnit(
        tx,
        {
          ...u,
          boundary: u.boundary ? JSON.stringify(u.boundary) : null,
          searchText: searchTextOf(u),
        },
        now,
      );
    }
    await audit.record(tx, actor, {
      action: 'admin_unit.seed',
      entityType: 'admin_unit',
      entityId: null,
      after: { units: file.units.length, source: file.source },
    });
  });
  return file.units.length;
}
