/**
 * The import engine, all or nothing per file, in one transaction. Rows are
 * read and checked in memory a batch at a time (schemas, codes repeated in the
 * file), then checked against the database (existing codes, agencies, PostGIS
 * validity) and written with a few set-based statements per batch of thousands.
 * Each asset is placed in its admin unit by the statement that writes it, and
 * one placed outside the caller's area is a problem found right after the
 * write, like the others. Once any problem is found nothing more is written, the
 * remaining rows are still checked so that the report is complete, and the
 * transaction is rolled back: a refused file stores nothing and answers every
 * problem (line, field, reason).
 *
 * The next batch is read and checked in Node while the database writes the
 * previous one, so the two costs overlap instead of adding up.
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
import type { Db, Queryable } from '../core/db/db.js';
import { scopeIncludes, type Actor, type Scope } from '../core/auth/principal.js';
import { ConflictError, ValidationError, type FieldError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { foldText } from '../core/text.js';
import type { AuditService } from '../audit/audit.service.js';
import { checkAsset, type CheckedAsset } from './assets.validate.js';
import * as bulk from './bulk.repo.js';
import { unknownAgencies } from './assets.repo.js';
import { pgCode } from './assets.present.js';
import { sealWriteOnly, withoutEmpty } from './write-only.js';
import type { SecretBox } from '../core/auth/secret-box.js';

/** Rows per batch: large enough to amortise round trips, small enough for one jsonb. */
export const BATCH = 5000;
/** The first batch is smaller, so that the database starts writing while Node reads on. */
const FIRST_BATCH = 1000;
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

/** A batch's rows to write, made ahead (ImportRun.prepare). */
interface Ready {
  rows: bulk.BulkRow[];
  batch: bulk.Batch;
}

/** A row that passed the checks in memory: only what the later steps need is kept. */
interface Good {
  line: number;
  label: ImportRow['label'];
  statusGiven: boolean;
  fieldOf: ImportRow['fieldOf'];
  checked: CheckedAsset;
  /**
   * The id if the row creates an asset, and its search text: made while the
   * database writes the batch before, rather than between the two writes.
   */
  newId: string;
  searchText: string;
  /** The asset this row updates (mode upsert). */
  existingId?: string;
}

export interface ImportDeps {
  db: Db;
  audit: AuditService;
  now: Date;
  today: string;
  /** Seals write-only values at rest. */
  secrets: SecretBox;
}

/** One import in progress: what it found and what it wrote. */
class ImportRun {
  readonly problems: Problem[] = [];
  readonly createdIds: string[] = [];
  readonly updatedIds: string[] = [];
  count = 0;
  private readonly seen = new Map<string, number>();
  private readonly agencies = new Map<string, boolean>();

  constructor(
    private readonly tx: Queryable,
    private readonly deps: ImportDeps,
    private readonly mode: AssetImportMode,
    private readonly scope: Scope,
  ) {}

  problem(
    at: { line: number; label: ImportRow['label']; fieldOf?: ImportRow['fieldOf'] },
    path: string,
    reason: string,
  ): void {
    this.problems.push({
      line: at.line,
      label: at.label,
      field: at.fieldOf ? at.fieldOf(path) : path,
      reason,
    });
  }

  /** Reads and checks rows in memory, answering them a batch at a time. */
  *batches(rows: Iterable<ImportRow>): Generator<Good[]> {
    let batch: Good[] = [];
    let size = FIRST_BATCH;
    for (const row of rows) {
      this.count++;
      if (row.problems) {
        for (const p of row.problems)
          this.problem({ line: row.line, label: row.label }, p.field, p.reason);
        continue;
      }
      const checked = checkAsset(row.input);
      if (!checked.ok) {
        for (const e of checked.errors) this.problem(row, e.path, e.message);
        continue;
      }
      const { type, code } = checked.value.asset;
      const key = `${type}\u0000${code}`;
      const first = this.seen.get(key);
      if (first !== undefined) {
        this.problem(row, 'code', `the ${type} code ${code} is also on ${row.label} ${first}`);
        continue;
      }
      this.seen.set(key, row.line);
      batch.push({
        line: row.line,
        label: row.label,
        statusGiven: row.statusGiven ?? false,
        fieldOf: row.fieldOf,
        checked: checked.value,
        newId: newId(),
        searchText: foldText(`${code} ${checked.value.asset.name}`),
      });
      if (batch.length === size) {
        yield batch;
        batch = [];
        size = BATCH;
      }
    }
    if (batch.length) yield batch;
  }

  /**
   * In mode create, a batch's rows as they will be written (and their JSON),
   * made while the database still writes the batch before rather than between
   * the two writes. Unused if a problem turns up meanwhile.
   */
  prepare(batch: Good[]): Ready | undefined {
    if (this.mode !== 'create' || this.problems.length) return undefined;
    const rows = batch.map((g) => bulkRow(g, this.deps.secrets));
    return { rows, batch: bulk.batchOf(rows) };
  }

  /**
   * Checks a batch against the database and, while the file has no problem,
   * starts writing it: answers the write in flight (awaited before the next
   * batch), so that Node reads the next batch meanwhile.
   */
  async check(batch: Good[], ready?: Ready): Promise<{ written: Promise<void> }> {
    const { tx } = this;
    // In mode create, a file with no problem yet learns of the codes already
    // stored from its insert (which skips them): one statement less a batch.
    const fromInsert = this.mode === 'create' && this.problems.length === 0;
    if (!fromInsert) await this.checkExisting(batch);
    const newAgencies = [...new Set(batch.flatMap((g) => g.checked.asset.agencyCode ?? []))].filter(
      (a) => !this.agencies.has(a),
    );
    if (newAgencies.length) {
      const unknown = new Set(await unknownAgencies(tx, newAgencies));
      for (const a of newAgencies) this.agencies.set(a, !unknown.has(a));
    }
    for (const g of batch) {
      const a = g.checked.asset.agencyCode;
      if (a && !this.agencies.get(a)) this.problem(g, 'agencyCode', `no agency has the code ${a}`);
    }
    const shapes = batch.flatMap((g, i) =>
      g.checked.asset.geometry.type === 'Point' ? [] : [{ i, geometry: g.checked.asset.geometry }],
    );
    for (const bad of await bulk.invalidGeometries(tx, shapes)) {
      this.problem(batch[bad.i]!, 'geometry', `not a valid geometry: ${bad.reason}`);
    }
    if (this.problems.length) {
      // Nothing is written now: the codes already stored still go to the report.
      if (fromInsert) await this.checkExisting(batch);
      return { written: Promise.resolve() };
    }

    // Write the batch, each asset placed in its admin unit by the same
    // statement, then check that those land inside the caller's area (a batch
    // outside it is rolled back with the rest of the file).
    // (In mode create every row creates an asset: the rows made ahead are the batch.)
    const rows = ready?.rows ?? batch.map((g) => bulkRow(g, this.deps.secrets));
    const creates = rows.filter((_, i) => !batch[i]!.existingId);
    const updates = rows.filter((_, i) => batch[i]!.existingId);
    const createBatch = ready?.batch ?? bulk.batchOf(creates);
    this.createdIds.push(...creates.map((r) => r.id));
    this.updatedIds.push(...updates.map((r) => r.id));
    const opts = { placeOn: this.deps.today, skipTaken: fromInsert };
    const { now } = this.deps;
    const written = (async () => {
      const placed = new Map(
        [
          ...(creates.length ? await bulk.insertBatch(tx, createBatch, now, opts) : []),
          ...(updates.length ? await bulk.updateBatch(tx, bulk.batchOf(updates), now, opts) : []),
        ].map((p) => [p.id, p.admin_unit_code]),
      );
      rows.forEach((row, i) => {
        const g = batch[i]!;
        const unit = placed.get(row.id);
        if (unit === undefined) {
          // Skipped by the insert: the code was taken.
          if (!g.existingId)
            this.problem(g, 'code', `a ${row.type} with this code exists (mode=upsert updates it)`);
        } else if (!scopeIncludes(this.scope, unit, g.checked.asset.agencyCode))
          this.problem(
            g,
            g.checked.asset.geometry.type === 'Point' ? 'geometry.coordinates' : 'geometry',
            `lies in admin unit ${unit ?? '(none)'}, outside your area`,
          );
      });
    })();
    return { written };
  }

  /** Codes of the batch already stored: a problem in mode create, the asset to update in upsert. */
  private async checkExisting(batch: Good[]): Promise<void> {
    const existing = new Map(
      (
        await bulk.existingKeys(
          this.tx,
          batch.map((g) => ({ type: g.checked.asset.type, code: g.checked.asset.code })),
        )
      ).map((e) => [`${e.type}\u0000${e.code}`, e]),
    );
    for (const g of batch) {
      const e = existing.get(`${g.checked.asset.type}\u0000${g.checked.asset.code}`);
      if (!e) continue;
      if (this.mode === 'create')
        this.problem(g, 'code', `a ${e.type} with this code exists (mode=upsert updates it)`);
      else if (!scopeIncludes(this.scope, e.admin_unit_code, e.agency_code))
        this.problem(g, 'code', `the ${e.type} with this code is outside your area`);
      else g.existingId = e.id;
    }
  }
}

/** Imports rows (read once, as they come from a parser's generator), all or nothing. */
export async function importRows(
  deps: ImportDeps,
  actor: Actor,
  rows: Iterable<ImportRow>,
  opts: ImportOptions,
): Promise<AssetImportResult> {
  const mode = opts.mode ?? 'create';
  const importId = newId();
  try {
    return await deps.db.transaction(async (tx) => {
      const run = new ImportRun(tx, deps, mode, opts.scope ?? { all: true });
      let writing: Promise<void> = Promise.resolve();
      try {
        for (const batch of run.batches(rows)) {
          const ready = run.prepare(batch);
          await writing;
          writing = (await run.check(batch, ready)).written;
        }
      } catch (err) {
        // Let the write in flight end before the rollback; the first error is the one to tell.
        await writing.catch(() => undefined);
        throw err;
      }
      await writing;
      if (run.count === 0) throw ValidationError.field('(file)', 'holds no assets to import');
      if (run.problems.length) reject(run.problems);

      const { createdIds, updatedIds } = run;
      await deps.audit.record(tx, actor, {
        action: 'asset.import',
        entityType: 'asset_import',
        entityId: importId,
        after: {
          source: opts.source ?? 'api',
          mode,
          rows: run.count,
          created: createdIds.length,
          updated: updatedIds.length,
          firstCreatedId: createdIds[0] ?? null,
          lastCreatedId: createdIds[createdIds.length - 1] ?? null,
          ...(run.count <= LIST_IDS_UP_TO ? { createdIds, updatedIds } : {}),
        },
      });
      return { created: createdIds.length, updated: updatedIds.length, importId };
    });
  } catch (err) {
    // Someone else stored one of the codes since the check above.
    if (pgCode(err) === '23505')
      throw new ConflictError('An asset with one of these codes was created meanwhile; try again.');
    throw err;
  }
}

function bulkRow(g: Good, box: SecretBox): bulk.BulkRow {
  const a = g.checked.asset;
  const point = a.geometry.type === 'Point' ? a.geometry.coordinates : null;
  return {
    id: g.existingId ?? g.newId,
    type: a.type,
    code: a.code,
    name: a.name,
    lon: point ? point[0] : null,
    lat: point ? point[1] : null,
    geometry: point ? null : a.geometry,
    properties: a.properties,
    // On create an empty value means none; on update it removes the stored one.
    secrets: sealWriteOnly(
      g.existingId ? g.checked.writeOnly : withoutEmpty(g.checked.writeOnly),
      box,
    ),
    status: g.statusGiven || !g.existingId ? a.status : null,
    agency_code: a.agencyCode,
    admin_unit_code: null,
    tags: a.tags,
    search_text: g.searchText,
  };
}
