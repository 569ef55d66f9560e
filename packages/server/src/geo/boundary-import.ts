/**
 * `cityops geo import`: replaces approximate boundaries with official ones from
 * a GeoJSON FeatureCollection. All or nothing: one bad feature and nothing
 * changes, with every problem reported (feature, field, reason).
 */
import fs from 'node:fs/promises';
import type { AdminLevel } from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import type { Actor } from '../core/auth/principal.js';
import { ValidationError, type FieldError } from '../core/errors.js';
import { foldText, todayIn } from '../core/text.js';
import type { AuditService } from '../audit/audit.service.js';
import { areaProblem, findUnit, upsertUnit } from './admin-units.repo.js';
import { searchTextOf } from './reference-data.js';

export interface BoundaryImportOptions {
  codeProperty: string;
  nameProperty?: string | undefined;
  nameEnProperty?: string | undefined;
  level?: AdminLevel | undefined;
  parent?: string | undefined;
  validFrom?: string | undefined;
  source: string;
  timeZone: string;
}

export interface BoundaryImportReport {
  updated: number;
  created: number;
}

interface Feature {
  type?: unknown;
  properties?: Record<string, unknown> | null;
  geometry?: unknown;
}

const kindOf = (level: AdminLevel, nameVi: string): string => {
  const n = foldText(nameVi);
  if (level === 'province') return 'province';
  if (level === 'district')
    return n.startsWith('thanh pho') ? 'city' : n.startsWith('thi xa') ? 'town' : 'district';
  return n.startsWith('phuong') ? 'ward' : n.startsWith('thi tran') ? 'township' : 'commune';
};

export async function importBoundaries(
  db: Db,
  audit: AuditService,
  clock: Clock,
  actor: Actor,
  geojson: unknown,
  opts: BoundaryImportOptions,
): Promise<BoundaryImportReport> {
  const fc = geojson as { type?: unknown; features?: unknown };
  if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw ValidationError.field('(root)', 'must be a GeoJSON FeatureCollection');
  }
  if (opts.validFrom && !/^\d{4}-\d{2}-\d{2}$/.test(opts.validFrom)) {
    throw ValidationError.field('validFrom', 'must be a date YYYY-MM-DD');
  }
  const at = opts.validFrom ?? todayIn(opts.timeZone, clock.now());
  const now = clock.now();
  return db.transaction(async (tx) => {
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    let updated = 0;
    let created = 0;
    const features = fc.features as Feature[];
    for (const [i, f] of features.entries()) {
      const where = `features.${i}`;
      const code = f?.properties?.[opts.codeProperty];
      if (typeof code !== 'string' && typeof code !== 'number') {
        errors.push({
          path: `${where}.properties.${opts.codeProperty}`,
          message: 'missing unit code',
        });
        continue;
      }
      const unitCode = String(code).trim();
      if (seen.has(unitCode)) {
        errors.push({
          path: `${where}.properties.${opts.codeProperty}`,
          message: `code ${unitCode} appears twice`,
        });
        continue;
      }
      seen.add(unitCode);
      const geometryText = JSON.stringify(f.geometry ?? null);
      const problem = f.geometry ? await areaProblem(tx, geometryText) : 'missing';
      if (problem) {
        errors.push({ path: `${where}.geometry`, message: `geometry ${problem}` });
        continue;
      }
      const existing = await findUnit(tx, unitCode, at);
      const existingValid =
        existing &&
        existing.valid_from <= at &&
        (existing.valid_to === null || existing.valid_to >= at);
      if (existing && existingValid && !opts.validFrom) {
        await upsertUnit(
          tx,
          {
            code: existing.code,
            validFrom: existing.valid_from,
            validTo: existing.valid_to,
            nameVi: existing.name_vi,
            nameEn: existing.name_en,
            level: existing.level,
            kind: existing.kind,
            parentCode: existing.parent_code,
            boundary: geometryText,
            approximate: false,
            source: opts.source,
            externalRefs: existing.external_refs,
            searchText: searchTextOf({
              code: existing.code,
              nameVi: existing.name_vi,
              nameEn: existing.name_en,
            }),
          },
          now,
        );
        await audit.record(tx, actor, {
          action: 'admin_unit.boundary_import',
          entityType: 'admin_unit',
          entityId: unitCode,
          before: {
            validFrom: existing.valid_from,
            approximate: existing.approximate,
            source: existing.source,
          },
          after: { validFrom: existing.valid_from, approximate: false, source: opts.source },
        });
        updated++;
        continue;
      }
      // A new unit, or a new version from validFrom: it needs a name and a level.
      const nameVi = f.properties?.[opts.nameProperty ?? ''] ?? existing?.name_vi;
      const level = opts.level ?? existing?.level;
      if (typeof nameVi !== 'string' || !nameVi.trim()) {
        errors.push({
          path: `${where}.properties.${opts.nameProperty ?? '(name)'}`,
          message: `unit ${unitCode} is new: it needs a name (--name-property)`,
        });
        continue;
      }
      if (!level) {
        errors.push({ path: `${where}`, message: `unit ${unitCode} is new: it needs --level` });
        continue;
      }
      const nameEnRaw = f.properties?.[opts.nameEnProperty ?? ''];
      const nameEn =
        typeof nameEnRaw === 'string' && nameEnRaw.trim()
          ? nameEnRaw.trim()
          : (existing?.name_en ?? foldText(nameVi).replace(/\b\w/g, (c) => c.toUpperCase()));
      if (existing && existingValid && opts.validFrom && existing.valid_from < opts.validFrom) {
        // Close the version it replaces the day before.
        const dayBefore = new Date(Date.parse(`${opts.validFrom}T00:00:00Z`) - 86_400_000)
          .toISOString()
          .slice(0, 10);
        await upsertUnit(
          tx,
          {
            code: existing.code,
            validFrom: existing.valid_from,
            validTo: dayBefore,
            nameVi: existing.name_vi,
            nameEn: existing.name_en,
            level: existing.level,
            kind: existing.kind,
            parentCode: existing.parent_code,
            boundary: JSON.stringify(
              (await findUnit(tx, existing.code, existing.valid_from))?.boundary ?? null,
            ),
            approximate: existing.approximate,
            source: existing.source,
            externalRefs: existing.external_refs,
            searchText: searchTextOf({
              code: existing.code,
              nameVi: existing.name_vi,
              nameEn: existing.name_en,
            }),
          },
          now,
        );
      }
      await upsertUnit(
        tx,
        {
          code: unitCode,
          validFrom: at,
          validTo: null,
          nameVi: nameVi.trim(),
          nameEn,
          level,
          kind: existing?.kind ?? kindOf(level, nameVi),
          parentCode: opts.parent ?? existing?.parent_code ?? null,
          boundary: geometryText,
          approximate: false,
          source: opts.source,
          externalRefs: existing?.external_refs ?? {},
          searchText: searchTextOf({ code: unitCode, nameVi, nameEn }),
        },
        now,
      );
      await audit.record(tx, actor, {
        action: 'admin_unit.create',
        entityType: 'admin_unit',
        entityId: unitCode,
        after: { code: unitCode, validFrom: at, nameVi, level, source: opts.source },
      });
      created++;
    }
    if (errors.length) {
      throw new ValidationError(
        errors,
        `${errors.length} of ${features.length} features are not valid; nothing was imported.`,
      );
    }
    return { updated, created };
  });
}

export async function importBoundariesFile(
  db: Db,
  audit: AuditService,
  clock: Clock,
  actor: Actor,
  file: string,
  opts: BoundaryImportOptions,
): Promise<BoundaryImportReport> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw ValidationError.field('file', `cannot read ${file} as JSON: ${(err as Error).message}`);
  }
  return importBoundaries(db, audit, clock, actor, parsed, opts);
}
