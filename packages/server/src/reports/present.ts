/**
 * Reports as each audience sees them: staff (everything but the reporter's
 * identity, which has its own audited route), the public (no personal data,
 * no internal notes, no staff names, photos only once verified) and the
 * citizen who follows a report (the public view plus rating).
 */
import type {
  CitizenReport,
  HistoryEntry,
  PublicHistoryEntry,
  PublicReport,
  Report,
  ReportDetail,
  ReportPhoto,
} from '@cityops/contracts';
import type { UnitNames } from './units.js';
import type { AgencyDirectory, AgencyRef } from './agencies.js';
import type { CategoriesService } from './categories.service.js';
import type { HistoryRow, PhotoRow, ReportRow } from './reports.repo.js';
import { INTERNAL_STEPS } from './history.js';
import { redactContacts } from './redact.js';

export const staffPhotoUrl = (id: number | string, file: string) =>
  `/api/v1/reports/${id}/photos/${file}`;
export const publicPhotoUrl = (id: number | string, file: string) =>
  `/api/v1/citizen/public/reports/${id}/photos/${file}`;

/** Statuses in which a report's own photos are public: verified, and not rejected. */
export function photosArePublic(r: Pick<ReportRow, 'status' | 'verified_at'>): boolean {
  return r.verified_at !== null && r.status !== 'rejected';
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export class ReportPresenter {
  constructor(
    private readonly agencies: AgencyDirectory,
    private readonly categories: CategoriesService,
    private readonly units: UnitNames,
  ) {}

  /** An admin unit's names (its code when unknown). */
  unit(code: string | null) {
    return this.units.ref(code);
  }

  private async category(code: string): Promise<AgencyRef> {
    const c = await this.categories.find(code);
    return c ? { code, nameVi: c.nameVi, nameEn: c.nameEn } : { code, nameVi: code, nameEn: code };
  }

  private photos(
    r: ReportRow,
    rows: PhotoRow[],
    url: (id: number, file: string) => string,
    onlyPublic: boolean,
  ): ReportPhoto[] {
    return rows
      .filter((p) => p.report_id === r.id)
      .filter((p) => !onlyPublic || p.kind === 'answer' || photosArePublic(r))
      .map((p) => ({
        id: p.file_id,
        kind: p.kind,
        url: url(r.id, p.file_id),
        thumbUrl: `${url(r.id, p.file_id)}?size=thumb`,
        width: p.width,
        height: p.height,
        contentType: p.content_type,
      }));
  }

  overdue(r: ReportRow, now: Date): boolean {
    return r.is_open && r.answered_at === null && r.deadline_at.getTime() < now.getTime();
  }

  async staff(r: ReportRow, photos: PhotoRow[], now: Date): Promise<Report> {
    const e = r.extension;
    return {
      id: String(r.id),
      status: r.status,
      category: await this.category(r.category_code),
      description: r.description,
      location: r.lat === null || r.lon === null ? null : { lat: r.lat, lon: r.lon },
      address: r.address,
      addressId: r.address_id,
      adminUnit: r.admin_unit,
      channel: r.channel,
      attributes: r.attributes,
      primaryAgency: await this.agencies.ref(r.primary_agency),
      suggestedAgency: await this.agencies.ref(r.routed_agency),
      coordinatingAgencies: (
        await Promise.all(r.coordinators.map((c) => this.agencies.ref(c)))
      ).filter((a): a is AgencyRef => a !== null),
      deadlineClass: r.deadline_class,
      deadline: r.deadline_at.toISOString(),
      dueDate: r.due_date,
      overdue: this.overdue(r, now),
      escalatedAt: iso(r.escalated_at),
      extension: e
        ? {
            days: e.days,
            reason: e.reason,
            status: e.status,
            requestedAt: e.requestedAt,
            decidedAt: e.decidedAt,
            decisionNote: e.decisionNote,
          }
        : null,
      answer:
        r.answer_text && r.answered_at
          ? { text: r.answer_text, at: r.answered_at.toISOString() }
          : null,
      rating:
        r.rating_satisfied !== null && r.rated_at
          ? {
              satisfied: r.rating_satisfied,
              comment: r.rating_comment,
              at: r.rated_at.toISOString(),
            }
          : null,
      reopenCount: r.reopen_count,
      rejectionReason: r.rejection_reason,
      mergedInto: r.merged_into === null ? null : String(r.merged_into),
      duplicates: r.duplicates,
      shareReporterWithAgency: r.share_reporter,
      hasReporter: r.has_reporter,
      personalDataErased: r.personal_erased_at !== null,
      photos: this.photos(r, photos, staffPhotoUrl, false),
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
      answeredAt: iso(r.answered_at),
      closedAt: iso(r.closed_at),
    };
  }

  async staffDetail(
    r: ReportRow,
    photos: PhotoRow[],
    history: HistoryRow[],
    now: Date,
  ): Promise<Omit<ReportDetail, 'allowedActions' | 'may'>> {
    return {
      ...(await this.staff(r, photos, now)),
      history: await Promise.all(history.map((h) => this.staffHistory(h))),
    };
  }

  private async actorLabel(h: HistoryRow): Promise<string | null> {
    switch (h.actor_type) {
      case 'staff':
        return h.actor_agency ? ((await this.agencies.ref(h.actor_agency))?.nameVi ?? null) : 'IOC';
      case 'integration':
        return h.actor_name;
      case 'system':
        return 'CityOps';
      case 'citizen':
        return null;
    }
  }

  async publicHistory(h: HistoryRow): Promise<PublicHistoryEntry> {
    return {
      id: h.id,
      at: h.at.toISOString(),
      action: h.action,
      fromStatus: h.from_status,
      toStatus: h.to_status,
      actor: { type: h.actor_type, label: await this.actorLabel(h) },
      note: h.note,
    };
  }

  private async staffHistory(h: HistoryRow): Promise<HistoryEntry> {
    return {
      ...(await this.publicHistory(h)),
      internalNote: h.internal_note,
      actorName: h.actor_type === 'staff' ? h.actor_name : null,
      data: h.data,
    };
  }

  async public(r: ReportRow, photos: PhotoRow[]): Promise<PublicReport> {
    const rejected = r.status === 'rejected';
    return {
      id: String(r.id),
      status: r.status,
      category: await this.category(r.category_code),
      description: rejected ? null : redactContacts(r.description),
      location: r.lat === null || r.lon === null ? null : { lat: r.lat, lon: r.lon },
      address: rejected || r.address === null ? null : redactContacts(r.address),
      adminUnit: r.admin_unit,
      unit: await this.units.ref(r.admin_unit),
      agency: await this.agencies.ref(r.primary_agency),
      answer:
        r.answer_text && r.answered_at
          ? { text: r.answer_text, at: r.answered_at.toISOString() }
          : null,
      mergedInto: r.merged_into === null ? null : String(r.merged_into),
      photos: this.photos(r, photos, publicPhotoUrl, true),
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    };
  }

  async citizen(
    r: ReportRow,
    photos: PhotoRow[],
    history: HistoryRow[],
    citizenId: string,
  ): Promise<CitizenReport> {
    const own = r.citizen_id === citizenId;
    return {
      ...(await this.public(r, photos)),
      history: await Promise.all(
        history.filter((h) => !INTERNAL_STEPS.includes(h.action)).map((h) => this.publicHistory(h)),
      ),
      rating:
        own && r.rating_satisfied !== null && r.rated_at
          ? {
              satisfied: r.rating_satisfied,
              comment: r.rating_comment,
              at: r.rated_at.toISOString(),
            }
          : null,
      canRate: own && r.status === 'answered',
      following: !own,
      deadline: r.deadline_at.toISOString(),
      reopenCount: r.reopen_count,
    };
  }
}
