/**
 * Reading reports: staff lists and details (scoped), the reporter's identity
 * (allowed roles only, every read audited as report.reporter_viewed), the
 * public list, map and details, the citizen's own and followed reports, the
 * nearby-duplicates check, and photos for each audience.
 */
import {
  reportActions,
  type CitizenReport,
  type DuplicateCandidate,
  type PublicReport,
  type Report,
  type ReportDetail,
  type ReportFilter,
  type Reporter,
} from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import type { Actor, Principal } from '../core/auth/principal.js';
import { sql } from '../core/db/sql.js';
import { ForbiddenError, ValidationError } from '../core/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { unknownUnitCodes, withDescendants } from '../geo/unit-tree.js';
import type { FilesService } from '../files/files.service.js';
import { citizenClause, editsOf, mayReadReporter, readClause, workflowActorOf } from './access.js';
import { subjectOf } from './actions.js';
import { decide } from './workflow.js';
import { recordStep, historyActorOf, INTERNAL_STEPS } from './history.js';
import { photosArePublic, type ReportPresenter } from './present.js';
import * as repo from './reports.repo.js';
import * as lists from './list.repo.js';
import type { ReportChanges } from './changes.js';
import { photoNotFound, reportNotFound } from './errors.js';

/** A located report as the maps show it. */
function mapPoint(r: lists.MapPointRow) {
  return { id: String(r.id), lat: r.lat, lon: r.lon, status: r.status, category: r.category_code };
}

export interface QueriesDeps {
  db: Db;
  audit: AuditService;
  clock: Clock;
  presenter: ReportPresenter;
  files: FilesService;
  /** Told once a staff edit has committed. */
  changes?: ReportChanges;
}

type PublicFilter = Pick<ReportFilter, 'status' | 'category' | 'unit' | 'bbox'>;

export class ReportQueries {
  constructor(private readonly d: QueriesDeps) {}

  async resolve(f: Partial<ReportFilter>): Promise<lists.ResolvedFilter> {
    let units: string[] | undefined;
    if (f.unit) {
      if ((await unknownUnitCodes(this.d.db, [f.unit])).length)
        throw ValidationError.field('unit', `no admin unit has the code ${f.unit}`);
      units = await withDescendants(this.d.db, [f.unit]);
    }
    return {
      statuses: f.status,
      categories: f.category,
      units,
      agency: f.agency,
      overdue: f.overdue,
      q: f.q,
      bbox: f.bbox,
      from: f.from,
      to: f.to,
    };
  }

  private async withPhotos(rows: repo.ReportRow[]) {
    return repo.photosOf(
      this.d.db,
      rows.map((r) => r.id),
    );
  }

  async list(p: Principal, filter: ReportFilter, page: lists.ListPage): Promise<Report[]> {
    const now = this.d.clock.now();
    const rows = await lists.listReports(
      this.d.db,
      await this.resolve(filter),
      readClause(p),
      page,
      now,
    );
    const photos = await this.withPhotos(rows);
    return Promise.all(rows.map((r) => this.d.presenter.staff(r, photos, now)));
  }

  /** Points of the located reports under a staff filter, in the caller's scope, newest first. */
  async staffMap(p: Principal, filter: ReportFilter, limit: number) {
    const rows = await lists.mapPoints(this.d.db, await this.resolve(filter), limit, {
      scope: readClause(p),
      now: this.d.clock.now(),
    });
    return rows.map(mapPoint);
  }

  /** An admin unit's names, for messages (its code when unknown). */
  unitNames(code: string) {
    return this.d.presenter.unit(code);
  }

  private async readable(p: Principal, id: number): Promise<repo.ReportRow> {
    const r = await repo.findReport(this.d.db, id, { where: readClause(p) });
    if (!r) throw reportNotFound(id);
    return r;
  }

  async get(p: Principal, id: number): Promise<ReportDetail> {
    return this.detail(await this.readable(p, id), p);
  }

  /**
   * The report after the caller acted on it, even when the action took it out
   * of their sight (an agency returning a report to the IOC).
   */
  async afterAction(p: Principal, id: number): Promise<ReportDetail> {
    const readable = await repo.findReport(this.d.db, id, { where: readClause(p) });
    const r = readable ?? (await repo.findReport(this.d.db, id));
    if (!r) throw reportNotFound(id);
    return this.detail(r, p, readable !== undefined);
  }

  /** The staff detail; `readable`: the caller can still read it (else it offers nothing more). */
  private async detail(r: repo.ReportRow, p: Principal, readable = true): Promise<ReportDetail> {
    const [photos, history] = await Promise.all([
      this.withPhotos([r]),
      repo.historyOf(this.d.db, [r.id]),
    ]);
    const subject = subjectOf(r);
    const actor = workflowActorOf(p);
    return {
      ...(await this.d.presenter.staffDetail(r, photos, history, this.d.clock.now())),
      allowedActions: reportActions.filter((a) => decide(subject, a, actor).ok),
      may: readable
        ? editsOf(p, r)
        : { readReporter: false, addInternalNote: false, shareReporter: false },
    };
  }

  /**
   * The reports this one may duplicate, for the back office's merge: open
   * reports of the same category within `radius` metres (the citizen app's
   * nearby check), nearest first, among those the caller may read. A report
   * without a location has none.
   */
  async duplicates(p: Principal, id: number, radius: number): Promise<DuplicateCandidate[]> {
    const r = await this.readable(p, id);
    if (r.lat === null || r.lon === null) return [];
    const now = this.d.clock.now();
    const rows = await lists.nearbyOpen(
      this.d.db,
      { lat: r.lat, lon: r.lon },
      r.category_code,
      radius,
      20,
      { scope: readClause(p), except: r.id },
    );
    const photos = await this.withPhotos(rows);
    return Promise.all(
      rows.map(async (c) => ({
        ...(await this.d.presenter.staff(c, photos, now)),
        distance: Math.round(c.distance),
      })),
    );
  }

  /** The reporter's identity, for those allowed; every read is an audit entry on the report. */
  async reporter(p: Principal, audit: Actor, id: number): Promise<Reporter> {
    const r = await this.readable(p, id);
    if (!mayReadReporter(p, r)) {
      throw new ForbiddenError(
        "The reporter's identity is for IOC staff, and for the handling agency only when staff shared it.",
      ).vi(
        'Thông tin người phản ánh chỉ dành cho cán bộ Trung tâm, và cho cơ quan xử lý khi cán bộ Trung tâm đã chia sẻ.',
      );
    }
    return this.d.db.transaction(async (tx) => {
      const row = await repo.reporterOf(tx, id);
      await this.d.audit.record(tx, audit, {
        action: 'report.reporter_viewed',
        entityType: 'report',
        entityId: String(id),
      });
      return {
        name: row?.reporter_name ?? null,
        phone: row?.citizen_phone ?? row?.reporter_phone ?? null,
        email: row?.reporter_email ?? null,
        deviceId: row?.reporter_device_id ?? null,
        accountId: row?.reporter_account_id ?? null,
        citizenId: row?.citizen_id ?? null,
      };
    });
  }

  /** Sharing the reporter with the agency, or an internal note: IOC staff only. */
  async patch(
    p: Principal,
    audit: Actor,
    id: number,
    patch: { shareReporterWithAgency?: boolean | undefined; internalNote?: string | undefined },
  ): Promise<ReportDetail> {
    const r = await this.readable(p, id);
    const may = editsOf(p, r);
    if (
      (patch.internalNote !== undefined && !may.addInternalNote) ||
      (patch.shareReporterWithAgency !== undefined && !may.shareReporter)
    )
      throw new ForbiddenError(
        'Only IOC operators, supervisors and administrators can change this.',
      ).vi(
        'Chỉ điều hành viên, giám sát viên và quản trị viên của Trung tâm được thay đổi nội dung này.',
      );
    await this.d.db.transaction(async (tx) => {
      const now = this.d.clock.now();
      if (patch.shareReporterWithAgency !== undefined) {
        await repo.updateReport(tx, id, { share_reporter: patch.shareReporterWithAgency }, now);
        await recordStep(
          tx,
          id,
          historyActorOf(p),
          {
            action: patch.shareReporterWithAgency ? 'reporter_shared' : 'reporter_unshared',
            from: r.status,
            to: r.status,
            internalNote: patch.shareReporterWithAgency
              ? "The reporter's identity is shared with the handling agency."
              : "The reporter's identity is no longer shared with the handling agency.",
          },
          now,
        );
      }
      if (patch.internalNote) {
        await recordStep(
          tx,
          id,
          historyActorOf(p),
          {
            action: 'note',
            from: r.status,
            to: r.status,
            internalNote: patch.internalNote,
          },
          now,
        );
      }
      await this.d.audit.record(tx, audit, {
        action: 'report.update',
        entityType: 'report',
        entityId: String(id),
        before: { shareReporterWithAgency: r.share_reporter },
        after: {
          shareReporterWithAgency: patch.shareReporterWithAgency ?? r.share_reporter,
          note: !!patch.internalNote,
        },
      });
    });
    this.d.changes?.changed();
    return this.get(p, id);
  }

  async photo(p: Principal, id: number, fileId: string, variant: 'full' | 'thumb') {
    await this.readable(p, id);
    if (!(await repo.photoOf(this.d.db, id, fileId))) throw photoNotFound(fileId);
    return this.d.files.read(fileId, variant);
  }

  // ---------------------------------------------------------------- public and citizen

  async publicList(
    f: PublicFilter,
    page: { after?: number | undefined; limit: number },
  ): Promise<PublicReport[]> {
    const rows = await lists.listReports(
      this.d.db,
      await this.resolve(f),
      sql`TRUE`,
      page,
      this.d.clock.now(),
    );
    const photos = await this.withPhotos(rows);
    return Promise.all(rows.map((r) => this.d.presenter.public(r, photos)));
  }

  async publicGet(id: number) {
    const r = await repo.findReport(this.d.db, id);
    if (!r) throw reportNotFound(id);
    const [photos, history] = await Promise.all([
      this.withPhotos([r]),
      repo.historyOf(this.d.db, [id]),
    ]);
    return {
      ...(await this.d.presenter.public(r, photos)),
      history: await Promise.all(
        history
          .filter((h) => !INTERNAL_STEPS.includes(h.action))
          .map((h) => this.d.presenter.publicHistory(h)),
      ),
    };
  }

  async map(f: PublicFilter, limit: number) {
    const rows = await lists.mapPoints(this.d.db, await this.resolve(f), limit);
    return rows.map(mapPoint);
  }

  async nearby(q: { lat: number; lon: number; category: string; radius: number }) {
    const rows = await lists.nearbyOpen(this.d.db, q, q.category, q.radius, 20);
    const photos = await this.withPhotos(rows);
    return Promise.all(
      rows.map(async (r) => ({
        ...(await this.d.presenter.public(r, photos)),
        distance: Math.round(r.distance),
      })),
    );
  }

  async publicPhoto(id: number, fileId: string, variant: 'full' | 'thumb') {
    const r = await repo.findReport(this.d.db, id);
    const photo = r && (await repo.photoOf(this.d.db, id, fileId));
    if (!r || !photo || (photo.kind === 'report' && !photosArePublic(r)))
      throw photoNotFound(fileId);
    return this.d.files.read(fileId, variant);
  }

  /** A photo for a citizen: of their own report (verified or not), else as the public sees it. */
  async citizenPhoto(citizenId: string, id: number, fileId: string, variant: 'full' | 'thumb') {
    const r = await repo.findReport(this.d.db, id, { where: citizenClause(citizenId) });
    const photo = r && (await repo.photoOf(this.d.db, id, fileId));
    const own = r?.citizen_id === citizenId;
    if (!r || !photo || (photo.kind === 'report' && !own && !photosArePublic(r)))
      throw photoNotFound(fileId);
    return this.d.files.read(fileId, variant);
  }

  async mine(
    citizenId: string,
    page: { after?: number | undefined; limit: number },
  ): Promise<CitizenReport[]> {
    const rows = await lists.listReports(
      this.d.db,
      {},
      citizenClause(citizenId),
      page,
      this.d.clock.now(),
    );
    const [photos, history] = await Promise.all([
      this.withPhotos(rows),
      repo.historyOf(
        this.d.db,
        rows.map((r) => r.id),
      ),
    ]);
    return Promise.all(
      rows.map((r) =>
        this.d.presenter.citizen(
          r,
          photos,
          history.filter((h) => h.report_id === r.id),
          citizenId,
        ),
      ),
    );
  }

  /** The report an Open311 token stands for. */
  byToken(token: string): Promise<number | undefined> {
    return repo.findByToken(this.d.db, token);
  }

  async citizenGet(citizenId: string, id: number): Promise<CitizenReport> {
    const r = await repo.findReport(this.d.db, id, { where: citizenClause(citizenId) });
    if (!r) throw reportNotFound(id);
    const [photos, history] = await Promise.all([
      this.withPhotos([r]),
      repo.historyOf(this.d.db, [id]),
    ]);
    return this.d.presenter.citizen(r, photos, history, citizenId);
  }
}
