/**
 * The import engine, all or nothing per file: every row is checked in memory
 * first, then against the database (existing codes, agencies, PostGIS
 * validity), and only a file without problems is written, in batches of a
 * few thousand rows per statement inside one transaction. A refused file
 * answers every problem found (line, field, reason) and stores nothing.
 *
 * Audit: one entry per import (entity = the import id, with the counts and
 * the created id range), not one per asset. The audit chain appends entries one
 * at a time under a lock (two statements each), so 100,000 entries would cost
 * more than the import itself; ids are time-ordered UUIDs generated in file
 * order, so the range and count name exactly the assets created. Small imports
 * (up to 1,000 rows) also list every id.
 */
import type {
  AssetImportMode,
  AssetImportResult,
  ImportProblem,
  ImportReport,
} from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import { scopeIncludes, type Actor, type Scope } from '../core/auth/principal.js';
import { ConflictError, ValidationError, type FieldError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { foldText } from '../core/text.js';
import type { AuditService } from '../audit/audit.service.js';
import { checkAsset, type CheckedAsset } from './assets.validate.js';
import * as bulk from './bulk.repo.js';
import { unknownAgencies } from './assets.repo.js';
import { sealWriteOnly, withoutEmpty } from './write-only.js';

/** Rows per statement: large enough to amortise round trips, small enough for one jsonb. */
const BATCH = 2000;
/** Problems listed in a refusal; beyond this only the count is given. */
const MAX_LISTED = 1000;
/** Imports this small list every id in their audit entry. */
const LIST_IDS_UP_TO = 1000;

export interface ImportRow {
  /** Where the row is in its file: a line (CSV), a feature or an item number, from 1. */
  line: number;
  label: 'line' | 'feature' | 'item';
  /** An asset to create as the file gave it (checked here)… */
  input?: unknown;
  /** …or what made the row unreadable (field names are the file's). */
  problems?: Array<{ field: string; reason: string }>;
  /** Whether the row gave a status (on update, a missing status stays). */
  statusGiven?: boolean;
  /** The file's own name for a field of the asset ("geometry.coordinates.0" → "lon"). */
  fieldOf?: ((path: string) => string) | undefined;
}

export interface ImportOptions {
  mode?: AssetImportMode | undefined;
  /** Default: province-wide (system callers). */
  scope?: Scope | undefined;
  /** What the rows came from, for the audit trail: "csv", "geojson", "api". */
  source?: string | undefined;
}

/** A refused import: a 400 whose errors name each bad row, with the report beside them. */
export class ImportRejectedError extends ValidationError {
  constructor(
    readonly report: ImportReport,
    errors: FieldError[],
  ) {
    const listed =
      report.problems.length < report.total
        ? `; the first ${report.problems.length} are listed`
        : '';
    super(
      errors,
      `The import was refused (${report.total} problem${report.total === 1 ? '' : 's'}${listed}); nothing was stored.`,
    );
  }
}

interface Problem extends ImportProblem {
  label: ImportRow['label'];
}

function reject(problems: Problem[]): never {
  problems.sort((a, b) => a.line - b.line);
  const listed = problems.slice(0, MAX_LISTED);
  throw new ImportRejectedError(
    {
      problems: listed.map(({ line, field, reason }) => ({ line, field, reason })),
      total: problems.length,
    },
    // The path reads "line 7: lon", as a person looks the row up.
    listed.map((p) => ({ path: `${p.label} ${p.line}: ${p.field}`, message: p.reason })),
  );
}

/** A row that passed the checks in memory: only what the later steps need is kept. */
interface Good {
  line: number;
  label: ImportRow['label'];
  statusGiven: boolean;
  fieldOf: ImportRow['fieldOf'];
  checked: CheckedAsset;
  existing?: bulk.Existing;
}

export interface ImportDeps {
  db: Db;
  audit: AuditService;
  now: Date;
  today: string;
}

/**
 * Imports rows, all or nothing. The rows are read once, as they come (a
 * parser's generator), so that a file's cells and intermediate objects do not
 * outlive their row.
 */
export async function importRows(
  deps: ImportDeps,
  actor: Actor,
  rows: Iterable<ImportRow>,
  opts: ImportOptions,
): Promise<AssetImportResult> {
  const mode = opts.mode ?? 'create';
  const scope = opts.scope ?? { all: true };
  const problems: Problem[] = [];
  const problem = (
    at: { line: number; label: ImportRow['label']; fieldOf?: ImportRow['fieldOf'] },
    path: string,
    reason: string,
  ) =>
    problems.push({
      line: at.line,
      label: at.label,
      field: at.fieldOf ? at.fieldOf(path) : path,
      reason,
    });

  // 1. In memory: schemas, and codes repeated within the file.
  const good: Good[] = [];
  const seen = new Map<string, number>();
  let count = 0;
  for (const row of rows) {
    count++;
    if (row.problems) {
      for (const p of row.problems)
        problem({ line: row.line, label: row.label }, p.field, p.reason);
      continue;
    }
    const checked = checkAsset(row.input);
    if (!checked.ok) {
      for (const e of checked.errors) problem(row, e.path, e.message);
      continue;
    }
    const { type, code } = checked.value.asset;
    const key = `${type}\u0000${code}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problem(row, 'code', `the ${type} code ${code} is also on ${row.label} ${first}`);
      continue;
    }
    seen.set(key, row.line);
    good.push({
      line: row.line,
      label: row.label,
      statusGiven: row.statusGiven ?? false,
      fieldOf: row.fieldOf,
      checked: checked.value,
    });
  }
  if (count === 0) throw ValidationError.field('(file)', 'holds no assets to import');

  const importId = newId();
  try {
    return await deps.db.transaction(async (tx) => {
      // 2. Against the database, still writing nothing.
      const keys = good.map((g) => ({ type: g.checked.asset.type, code: g.checked.asset.code }));
      const existing = new Map(
        (await bulk.existingKeys(tx, keys)).map((e) => [`${e.type}\u0000${e.code}`, e]),
      );
      for (const g of good) {
        const e = existing.get(`${g.checked.asset.type}\u0000${g.checked.asset.code}`);
        if (!e) continue;
        if (mode === 'create') {
          problem(g, 'code', `a ${e.type} with this code exists (mode=upsert updates it)`);
        } else if (!scopeIncludes(scope, e.admin_unit_code, e.agency_code)) {
          problem(g, 'code', `the ${e.type} with this code is outside your area`);
        } else g.existing = e;
      }
      const agencies = [
        ...new Set(
          good.flatMap((g) => (g.checked.asset.agencyCode ? [g.checked.asset.agencyCode] : [])),
        ),
      ];
      if (agencies.length) {
        const unknown = new Set(await unknownAgencies(tx, agencies));
        for (const g of good) {
          const a = g.checked.asset.agencyCode;
          if (a && unknown.has(a)) problem(g, 'agencyCode', `no agency has the code ${a}`);
        }
      }
      const shapes = good.flatMap((g, i) =>
        g.checked.asset.geometry.type === 'Point'
          ? []
          : [{ i, geometry: g.checked.asset.geometry }],
      );
      for (let k = 0; k < shapes.length; k += BATCH) {
        for (const bad of await bulk.invalidGeometries(tx, shapes.slice(k, k + BATCH))) {
          problem(good[bad.i]!, 'geometry', `not a valid geometry: ${bad.reason}`);
        }
      }
      if (problems.length) reject(problems);

      // 3. Place every asset, check it lands inside the caller's area, then write.
      // Each batch is built while the previous statement runs.
      const toCreate = good.filter((g) => !g.existing);
      const toUpdate = good.filter((g) => g.existing);
      const goodOf = new Map<string, Good>();
      const createdIds: string[] = [];
      const creates: bulk.Batch[] = [];
      const updates: bulk.Batch[] = [];
      await bulk.startPlacing(tx);
      let pending: Promise<void> = Promise.resolve();
      const stage = async (rows: bulk.BulkRow[], into: bulk.Batch[]) => {
        await pending;
        pending = bulk.addPoints(tx, pointsOf(rows));
        into.push(bulk.batchOf(rows));
      };
      for (let k = 0; k < toCreate.length; k += BATCH) {
        const rows = toCreate.slice(k, k + BATCH).map((g) => {
          const id = newId();
          goodOf.set(id, g);
          createdIds.push(id);
          return bulkRow(id, g);
        });
        await stage(rows, creates);
      }
      for (let k = 0; k < toUpdate.length; k += BATCH) {
        const rows = toUpdate.slice(k, k + BATCH).map((g) => {
          goodOf.set(g.existing!.id, g);
          return bulkRow(g.existing!.id, g);
        });
        await stage(rows, updates);
      }
      await pending;
      await bulk.placeAll(tx, deps.today);
      if (!scope.all) {
        for (const { id, unit } of await bulk.placedUnits(tx)) {
          const g = goodOf.get(id)!;
          if (scopeIncludes(scope, unit, g.checked.asset.agencyCode)) continue;
          problem(
            g,
            g.checked.asset.geometry.type === 'Point' ? 'geometry.coordinates' : 'geometry',
            `lies in admin unit ${unit ?? '(none)'}, outside your area`,
          );
        }
        if (problems.length) reject(problems);
      }
      for (const batch of creates) await bulk.insertBatch(tx, batch, deps.now);
      for (const batch of updates) await bulk.updateBatch(tx, batch, deps.now);

      const updatedIds = toUpdate.map((g) => g.existing!.id);
      await deps.audit.record(tx, actor, {
        action: 'asset.import',
        entityType: 'asset_import',
        entityId: importId,
        after: {
          source: opts.source ?? 'api',
          mode,
          rows: count,
          created: createdIds.length,
          updated: updatedIds.length,
          firstCreatedId: createdIds[0] ?? null,
          lastCreatedId: createdIds[createdIds.length - 1] ?? null,
          ...(count <= LIST_IDS_UP_TO ? { createdIds, updatedIds } : {}),
        },
      });
      return { created: createdIds.length, updated: updatedIds.length, importId };
    });
  } catch (err) {
    // Someone else stored one of the codes since the check above.
    if ((err as { code?: unknown }).code === '23505')
      throw new ConflictError('An asset with one of these codes was created meanwhile; try again.');
    throw err;
  }
}

function pointsOf(rows: bulk.BulkRow[]) {
  return {
    ids: rows.map((r) => r.id),
    lons: rows.map((r) => r.lon),
    lats: rows.map((r) => r.lat),
    shapes: rows.map((r) => r.geometry),
  };
}

function bulkRow(id: string, g: Good): bulk.BulkRow {
  const a = g.checked.asset;
  const point = a.geometry.type === 'Point' ? a.geometry.coordinates : null;
  return {
    id,
    type: a.type,
    code: a.code,
    name: a.name,
    lon: point ? point[0] : null,
    lat: point ? point[1] : null,
    geometry: point ? null : a.geometry,
    properties: a.properties,
    // On create an empty value means none; on update it removes the stored one.
    secrets: sealWriteOnly(g.existing ? g.checked.writeOnly : withoutEmpty(g.checked.writeOnly)),
    status: g.statusGiven || !g.existing ? a.status : null,
    agency_code: a.agencyCode,
    tags: a.tags,
    search_text: foldText(`${a.code} ${a.name}`),
  };
}
