/**
 * The asset registry: what other modules, the routes and the demo seeder call.
 * Every read and write takes the caller's scope, and the scope is enforced in
 * the queries: an asset outside it does not exist for the caller (404), and
 * creating or moving one outside it is forbidden (403). Every write is audited
 * in the transaction that makes it, without write-only values.
 */
import type {
  Asset,
  AssetCreateInput,
  AssetFilter,
  AssetImportResult,
  AssetLayerCatalogue,
  AssetStatus,
  AssetTileLayer,
  AssetType,
} from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import type { Actor, Scope } from '../core/auth/principal.js';
import { scopeIncludes } from '../core/auth/principal.js';
import { newId } from '../core/ids.js';
import { foldText } from '../core/text.js';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../core/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import type { AdminUnitsService } from '../geo/admin-units.service.js';
import { unknownUnitCodes, withDescendants } from '../geo/unit-tree.js';
import * as repo from './assets.repo.js';
import {
  afterKey,
  duplicateCode,
  outsideScope,
  pgCode,
  presentAsset,
  withWriteOnlyNames,
} from './assets.present.js';
import { checkAsset, checkPatch } from './assets.validate.js';
import type { ResolvedFilter } from './filters.js';
import { importRows, type ImportOptions, type ImportRow } from './import.js';
import { parseCsv } from './import-csv.js';
import { parseGeoJson } from './import-geojson.js';
import { openWriteOnly, sealWriteOnly, withoutEmpty, type WriteOnlyValues } from './write-only.js';
import { assetLayer, assetLayerCatalogue, type AssetFeatureCollection } from './layer.js';
import type { TileRenderer } from './tiles.js';
import type { SecretBox } from '../core/auth/secret-box.js';

/** Province-wide: for system callers such as the demo seeder and background workers. */
export const PROVINCE_WIDE: Scope = { all: true };

const searchTextOf = (code: string, name: string) => foldText(`${code} ${name}`);
const isPoint = (g: { type: string }) => g.type === 'Point';

/** A file to import: CSV as text, or GeoJSON as parsed JSON. */
export type ImportFile =
  { format: 'csv'; content: string } | { format: 'geojson'; content: unknown };

export interface AssetsServiceDeps {
  db: Db;
  audit: AuditService;
  clock: Clock;
  geo: AdminUnitsService;
  tiles: TileRenderer;
  /** Seals write-only values at rest. */
  secrets: SecretBox;
}

export class AssetsService {
  private readonly db: Db;
  private readonly audit: AuditService;
  private readonly clock: Clock;
  private readonly geo: AdminUnitsService;
  private readonly tiles: TileRenderer;
  private readonly secrets: SecretBox;

  constructor(deps: AssetsServiceDeps) {
    this.secrets = deps.secrets;
    this.db = deps.db;
    this.audit = deps.audit;
    this.clock = deps.clock;
    this.geo = deps.geo;
    this.tiles = deps.tiles;
  }

  /** Expands the admin unit to its descendants; an unknown unit is a 400 naming `adminUnit`. */
  async resolveFilter(f: AssetFilter): Promise<ResolvedFilter> {
    const { type, status, adminUnit, tag, ...rest } = f;
    let units: string[] | undefined;
    if (adminUnit) {
      if ((await unknownUnitCodes(this.db, [adminUnit])).length > 0)
        throw ValidationError.field('adminUnit', `no admin unit has the code ${adminUnit}`);
      units = await withDescendants(this.db, [adminUnit]);
    }
    return { ...rest, types: type, statuses: status, tags: tag, units };
  }

  /**
   * One page of assets in id order (creation order), or by distance with
   * `near`. `after` is the sort key of the previous page's last item:
   * [id], or [distance, id] with `near`.
   */
  async list(
    filter: AssetFilter,
    page: { after?: unknown[] | undefined; limit: number },
    scope: Scope,
  ): Promise<Asset[]> {
    const f = await this.resolveFilter(filter);
    const rows = await repo.listAssets(this.db, f, scope, {
      after: page.after && afterKey(page.after, !!f.near),
      limit: page.limit,
    });
    return rows.map(presentAsset);
  }

  /** The same page as list(), each asset already written as its API JSON (repo.listAssetsJson). */
  async listJson(
    filter: AssetFilter,
    page: { after?: unknown[] | undefined; limit: number },
    scope: Scope,
  ): Promise<repo.AssetJsonRow[]> {
    const f = await this.resolveFilter(filter);
    return repo.listAssetsJson(this.db, f, scope, {
      after: page.after && afterKey(page.after, !!f.near),
      limit: page.limit,
    });
  }

  /** Every matching asset, a batch at a time (for exports: never the whole set in memory). */
  async *batches(filter: AssetFilter, scope: Scope, size = 2000): AsyncGenerator<Asset[]> {
    const f = await this.resolveFilter(filter);
    let after: repo.Page['after'];
    for (;;) {
      const rows = await repo.listAssets(this.db, f, scope, { after, limit: size });
      if (rows.length === 0) return;
      yield rows.map(presentAsset);
      if (rows.length < size) return;
      const last = rows[rows.length - 1]!;
      after = { id: last.id, distance: last.distance };
    }
  }

  async get(id: string, scope: Scope): Promise<Asset> {
    const row = await repo.findAsset(this.db, id, scope);
    if (!row) throw new NotFoundError('Asset', id);
    return presentAsset(row);
  }

  async findByCode(type: AssetType, code: string, scope: Scope): Promise<Asset | undefined> {
    const row = await repo.findByCode(this.db, type, code, scope);
    return row && presentAsset(row);
  }

  async create(actor: Actor, input: AssetCreateInput, scope: Scope): Promise<Asset> {
    const checked = checkAsset(input);
    if (!checked.ok) throw new ValidationError(checked.errors);
    const { asset, writeOnly } = checked.value;
    const geometry = JSON.stringify(asset.geometry);
    try {
      return await this.db.transaction(async (tx) => {
        const errors: FieldError[] = [];
        if (!isPoint(asset.geometry)) {
          const problem = await repo.geometryProblem(tx, geometry);
          if (problem)
            errors.push({ path: 'geometry', message: `not a valid geometry: ${problem}` });
        }
        if (asset.agencyCode && (await repo.unknownAgencies(tx, [asset.agencyCode])).length)
          errors.push({
            path: 'agencyCode',
            message: `no agency has the code ${asset.agencyCode}`,
          });
        if (errors.length) throw new ValidationError(errors);
        if (await repo.codeTaken(tx, asset.type, asset.code)) throw duplicateCode(asset);
        const row = await repo.insertAsset(
          tx,
          {
            id: newId(),
            type: asset.type,
            code: asset.code,
            name: asset.name,
            geometry,
            properties: asset.properties,
            secrets: sealWriteOnly(withoutEmpty(writeOnly), this.secrets),
            status: asset.status,
            agencyCode: asset.agencyCode,
            tags: asset.tags,
            searchText: searchTextOf(asset.code, asset.name),
          },
          this.geo.today(),
          this.clock.now(),
        );
        if (!scopeIncludes(scope, row.admin_unit_code, row.agency_code)) throw outsideScope(row);
        const after = presentAsset(row);
        await this.audit.record(tx, actor, {
          action: 'asset.create',
          entityType: 'asset',
          entityId: row.id,
          after: withWriteOnlyNames(after, writeOnly),
        });
        return after;
      });
    } catch (err) {
      if (pgCode(err) === '23505') throw duplicateCode(asset);
      throw err;
    }
  }

  async update(actor: Actor, id: string, input: unknown, scope: Scope): Promise<Asset> {
    try {
      return await this.db.transaction(async (tx) => {
        const before = await repo.findAsset(tx, id, scope, { forUpdate: true });
        if (!before) throw new NotFoundError('Asset', id);
        const checked = checkPatch(before.type, input);
        if (!checked.ok) throw new ValidationError(checked.errors);
        const { patch, writeOnly } = checked.value;
        const geometry = patch.geometry && JSON.stringify(patch.geometry);
        const errors: FieldError[] = [];
        if (geometry && !isPoint(patch.geometry!)) {
          const problem = await repo.geometryProblem(tx, geometry);
          if (problem)
            errors.push({ path: 'geometry', message: `not a valid geometry: ${problem}` });
        }
        if (patch.agencyCode && (await repo.unknownAgencies(tx, [patch.agencyCode])).length)
          errors.push({
            path: 'agencyCode',
            message: `no agency has the code ${patch.agencyCode}`,
          });
        if (errors.length) throw new ValidationError(errors);
        if (patch.code && (await repo.codeTaken(tx, before.type, patch.code, id)))
          throw duplicateCode({ type: before.type, code: patch.code });
        const code = patch.code ?? before.code;
        const name = patch.name ?? before.name;
        const row = await repo.updateAsset(
          tx,
          id,
          {
            code: patch.code,
            name: patch.name,
            geometry,
            properties: patch.properties,
            secrets: sealWriteOnly(writeOnly, this.secrets),
            status: patch.status,
            agencyCode: patch.agencyCode,
            tags: patch.tags,
            searchText:
              patch.code !== undefined || patch.name !== undefined
                ? searchTextOf(code, name)
                : undefined,
          },
          this.geo.today(),
          this.clock.now(),
        );
        if (!scopeIncludes(scope, row.admin_unit_code, row.agency_code)) throw outsideScope(row);
        const after = presentAsset(row);
        await this.audit.record(tx, actor, {
          action: 'asset.update',
          entityType: 'asset',
          entityId: id,
          before: presentAsset(before),
          after: withWriteOnlyNames(after, writeOnly),
        });
        return after;
      });
    } catch (err) {
      if (pgCode(err) === '23505')
        throw new ConflictError('Another asset of this type has this code.', [
          { path: 'code', message: 'already in use' },
        ]);
      throw err;
    }
  }

  async remove(actor: Actor, id: string, scope: Scope): Promise<void> {
    try {
      await this.db.transaction(async (tx) => {
        const row = await repo.deleteAsset(tx, id, scope);
        if (!row) throw new NotFoundError('Asset', id);
        await this.audit.record(tx, actor, {
          action: 'asset.delete',
          entityType: 'asset',
          entityId: id,
          before: presentAsset(row),
        });
      });
    } catch (err) {
      // Another module's rows (devices, events…) still point at the asset.
      if (pgCode(err) === '23503')
        throw new ConflictError(`Asset ${id} is still in use by other records; remove them first.`);
      throw err;
    }
  }

  /**
   * Sets an asset's live status (health probes, device events). Audited only
   * when it changes, so that a steady heartbeat does not flood the trail.
   */
  async setStatus(actor: Actor, id: string, status: AssetStatus): Promise<Asset> {
    return this.db.transaction(async (tx) => {
      const changed = await repo.setStatus(tx, id, status, this.clock.now());
      if (!changed) {
        const row = await repo.findAsset(tx, id, PROVINCE_WIDE);
        if (!row) throw new NotFoundError('Asset', id);
        return presentAsset(row);
      }
      await this.audit.record(tx, actor, {
        action: 'asset.status',
        entityType: 'asset',
        entityId: id,
        before: { status: changed.before },
        after: { status },
      });
      return presentAsset(changed.row);
    });
  }

  /**
   * The write-only values of an asset (camera credentials), for the server's
   * own use only (fetching a snapshot): never hand them to a client.
   */
  async writeOnlyValues(id: string): Promise<WriteOnlyValues> {
    return openWriteOnly(await repo.readSecrets(this.db, id), this.secrets);
  }

  /**
   * Creates (or, with mode "upsert", updates by type and code) many assets at
   * once, all or nothing: any bad item and nothing is stored, with every
   * problem reported (ImportRejectedError). Used by the import route and the
   * demo seeder. `scope` defaults to province-wide.
   */
  importItems(
    actor: Actor,
    items: AssetCreateInput[],
    opts: ImportOptions = {},
  ): Promise<AssetImportResult> {
    const rows = items.map((input, i): ImportRow => ({
      line: i + 1,
      label: 'item',
      input,
      statusGiven: input.status !== undefined,
    }));
    return this.importRows(actor, rows, { source: 'api', ...opts });
  }

  /**
   * Imports a file: CSV text (columns in import-csv.ts) or a parsed GeoJSON
   * FeatureCollection (import-geojson.ts). All or nothing, as importItems.
   */
  importFile(actor: Actor, file: ImportFile, opts: ImportOptions = {}): Promise<AssetImportResult> {
    const rows = file.format === 'csv' ? parseCsv(file.content) : parseGeoJson(file.content);
    return this.importRows(actor, rows, { source: file.format, ...opts });
  }

  private importRows(
    actor: Actor,
    rows: Iterable<ImportRow>,
    opts: ImportOptions,
  ): Promise<AssetImportResult> {
    return importRows(
      {
        db: this.db,
        audit: this.audit,
        now: this.clock.now(),
        today: this.geo.today(),
        secrets: this.secrets,
      },
      actor,
      rows,
      opts,
    );
  }

  /** Per asset type, whether the map takes it as GeoJSON or from the vector tiles. */
  async layerCatalogue(scope: Scope): Promise<AssetLayerCatalogue> {
    return assetLayerCatalogue(this.db, scope);
  }

  /** The GeoJSON map layer; more than ASSET_LAYER_MAX_FEATURES features is a 400 naming `bbox`. */
  async layer(filter: AssetFilter, scope: Scope): Promise<AssetFeatureCollection> {
    return assetLayer(this.db, await this.resolveFilter(filter), scope);
  }

  /** One Mapbox Vector Tile, or null when no asset falls in it. */
  async tile(
    layer: AssetTileLayer,
    t: { z: number; x: number; y: number },
    filter: { types?: AssetType[] | undefined },
    scope: Scope,
  ): Promise<Uint8Array | null> {
    const types = layer === 'assets' ? filter.types : [layer];
    return this.tiles.render({ layer, ...t, filter: { types }, scope });
  }
}
