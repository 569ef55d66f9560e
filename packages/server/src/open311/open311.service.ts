/**
 * GeoReport v2 over the reports module: services from report categories,
 * service requests from reports (their public view: never a name, phone,
 * e-mail or device id), and new requests through the same submission as the
 * citizen app. Status: open while received, verified, assigned or in
 * progress; closed once answered, closed, rejected or merged.
 */
import type { ReportCategory } from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import type { ReportsModuleParts } from '../reports/index.js';
import { photosArePublic, publicPhotoUrl } from '../reports/present.js';
import { photosOf } from '../reports/reports.repo.js';
import { redactContacts } from '../reports/redact.js';
import { Open311Error } from './errors.js';
import * as repo from './open311.repo.js';
import {
  bbox,
  bool,
  list,
  MAX_RECORDS,
  param,
  positiveInt,
  window,
  type Params,
} from './params.js';
import type { Open311Request } from './schemas.js';

export type Locale = 'vi' | 'en';

/** What a history step means, for notes that carry no text of their own. */
const STEP_TEXT: Record<string, [string, string]> = {
  submitted: ['Đã gửi phản ánh', 'Submitted'],
  verified: ['Đã xác minh', 'Verified'],
  rejected: ['Không tiếp nhận', 'Rejected'],
  assigned: ['Đã chuyển cơ quan xử lý', 'Assigned to an agency'],
  started: ['Đang xử lý', 'Work started'],
  extension_requested: ['Cơ quan xin gia hạn', 'More time asked for'],
  extension_approved: ['Đã gia hạn', 'Extended'],
  extension_refused: ['Không gia hạn', 'Extension refused'],
  returned: ['Trả lại IOC để phân công lại', 'Returned to the IOC'],
  answered: ['Đã có kết quả xử lý', 'Answered'],
  reopened: ['Mở lại theo ý kiến người dân', 'Reopened at the citizen’s request'],
  rated: ['Người dân đã đánh giá', 'Rated by the citizen'],
  closed: ['Đã đóng', 'Closed'],
  auto_closed: ['Tự động đóng', 'Closed automatically'],
  merged: ['Đã gộp vào phản ánh khác', 'Merged into another request'],
  duplicate_merged: ['Có phản ánh trùng được gộp vào', 'A duplicate was merged into this one'],
  escalated: ['Quá hạn, đã báo lãnh đạo', 'Overdue: escalated'],
};
export const SPEC = 'http://wiki.open311.org/GeoReport_v2';

/** Dates as W3C-DTF in UTC, without fractions. */
export const w3c = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function localeOf(q: Params): Locale {
  return param(q, 'locale')?.toLowerCase().startsWith('en') ? 'en' : 'vi';
}

export class Open311Service {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly reports: ReportsModuleParts,
  ) {}

  private name(c: { nameVi: string; nameEn: string }, locale: Locale) {
    return locale === 'en' ? c.nameEn : c.nameVi;
  }

  private notice(c: ReportCategory | undefined, locale: Locale): string | null {
    if (!c) return null;
    return locale === 'en'
      ? `To be handled within ${c.workingDays} working day${c.workingDays > 1 ? 's' : ''}.`
      : `Thời hạn xử lý: ${c.workingDays} ngày làm việc.`;
  }

  async discovery(base: string) {
    const at = await repo.latestCategoryChange(this.db);
    const changeset = w3c(at ?? new Date(0));
    return {
      changeset,
      contact:
        'Trung tâm Giám sát, điều hành đô thị thông minh tỉnh Thái Nguyên (IOC) — Thai Nguyen IOC',
      key_service:
        'API keys for Open311 client applications are issued by the IOC administrators (scope open311).',
      endpoints: [
        {
          specification: SPEC,
          url: `${base}/open311/v2`,
          changeset,
          type: 'production',
          formats: ['text/xml', 'application/json'],
        },
      ],
    };
  }

  async services(locale: Locale) {
    return (await this.reports.categories.list()).map((c) => ({
      service_code: c.code,
      service_name: this.name(c, locale),
      description: (locale === 'en' ? c.descriptionEn : c.descriptionVi) || null,
      metadata: c.attributes.length > 0,
      type: c.open311Type,
      keywords: c.keywords.length ? c.keywords.join(', ') : null,
      group: c.group,
    }));
  }

  async definition(code: string, locale: Locale) {
    const c = await this.reports.categories.find(code);
    if (!c || !c.active) throw Open311Error.of(404, `service_code ${code} was not found`);
    return {
      service_code: c.code,
      attributes: c.attributes.map((a) => ({
        variable: a.variable,
        code: a.code,
        datatype: a.datatype,
        required: a.required,
        datatype_description: locale === 'en' ? a.datatypeDescriptionEn : a.datatypeDescriptionVi,
        order: a.order,
        description: locale === 'en' ? a.descriptionEn : a.descriptionVi,
        values: a.values.map((v) => ({ key: v.key, name: locale === 'en' ? v.nameEn : v.nameVi })),
      })),
    };
  }

  /** GET requests: by id (overrides the rest), else the filters in the window, newest first. */
  async requests(q: Params, base: string): Promise<Open311Request[]> {
    const ids = list(q, 'service_request_id');
    const pageSize = positiveInt(q, 'page_size', MAX_RECORDS) ?? MAX_RECORDS;
    const page = positiveInt(q, 'page', 1_000_000) ?? 1;
    let query: repo.Open311Query;
    if (ids) {
      const numbers = ids
        .filter((i) => /^\d{1,18}$/.test(i))
        .map(Number)
        .slice(0, MAX_RECORDS);
      query = { ids: numbers, limit: MAX_RECORDS, offset: 0 };
    } else {
      const statuses = list(q, 'status')?.map((s) => s.toLowerCase());
      const bad = statuses?.find((s) => s !== 'open' && s !== 'closed');
      if (bad) throw Open311Error.of(400, `status must be open or closed (got "${bad}")`);
      const open = statuses && statuses.length === 1 ? statuses[0] === 'open' : undefined;
      const { start, end } = window(q, this.clock.now());
      query = {
        categories: list(q, 'service_code'),
        open,
        start,
        end,
        agencies: await this.agencyCodes(list(q, 'agency_responsible')),
        bbox: bbox(q),
        limit: pageSize,
        offset: (page - 1) * pageSize,
      };
      if (query.offset >= MAX_RECORDS * 1000) return [];
    }
    const extensions = bool(q, 'extensions');
    const rows = await repo.listRequests(this.db, query, extensions);
    return this.present(rows, localeOf(q), extensions, base);
  }

  async request(id: string, q: Params, base: string): Promise<Open311Request[]> {
    const extensions = bool(q, 'extensions');
    const rows = /^\d{1,18}$/.test(id)
      ? await repo.listRequests(this.db, { ids: [Number(id)], limit: 1, offset: 0 }, extensions)
      : [];
    if (rows.length === 0) throw Open311Error.of(404, `service_request_id ${id} was not found`);
    return this.present(rows, localeOf(q), extensions, base);
  }

  /** agency_responsible may name an agency by code or by name. */
  private async agencyCodes(names: string[] | undefined): Promise<string[] | undefined> {
    if (!names) return undefined;
    const all = await this.reports.agencies.all();
    const wanted = new Set(names.map((n) => n.toLowerCase()));
    return [...all.values()]
      .filter((a) => [a.code, a.nameVi, a.nameEn].some((n) => wanted.has(n.toLowerCase())))
      .map((a) => a.code)
      .concat(names.filter((n) => all.has(n)));
  }

  private statusNotes(r: repo.Open311Row): string | null {
    if (r.status === 'rejected') return r.rejection_reason;
    if (r.status === 'merged') return `Duplicate of service request ${r.merged_into}`;
    if (r.status === 'answered' || r.status === 'closed') return r.answer_text;
    return null;
  }

  private async present(
    rows: repo.Open311Row[],
    locale: Locale,
    extensions: boolean,
    base: string,
  ): Promise<Open311Request[]> {
    const categories = await this.reports.categories.byCode();
    const agencies = await this.reports.agencies.all();
    const photos = extensions
      ? await photosOf(
          this.db,
          rows.map((r) => r.id),
        )
      : [];
    const notes = extensions
      ? await repo.notesOf(
          this.db,
          rows.map((r) => r.id),
        )
      : [];
    const out: Open311Request[] = [];
    for (const r of rows) {
      const c = categories.get(r.category_code);
      const agencyCode = r.primary_agency ?? r.routed_agency;
      const agency = agencyCode
        ? (agencies.get(agencyCode) ?? { nameVi: agencyCode, nameEn: agencyCode })
        : null;
      const closed = !r.is_open;
      const visible = { status: r.status, verified_at: r.verified ? new Date(0) : null };
      const ownPhoto =
        r.cover_file_id && photosArePublic(visible)
          ? `${base}${publicPhotoUrl(r.id, r.cover_file_id)}`
          : null;
      const req: Open311Request = {
        service_request_id: String(r.id),
        status: closed ? 'closed' : 'open',
        status_notes: this.statusNotes(r),
        service_name: c ? this.name(c, locale) : null,
        service_code: r.category_code,
        description: r.status === 'rejected' ? null : redactContacts(r.description),
        agency_responsible: agency ? this.name(agency, locale) : null,
        service_notice: this.notice(c, locale),
        requested_datetime: r.requested,
        updated_datetime: r.updated,
        expected_datetime: r.expected,
        address: r.address === null ? null : redactContacts(r.address),
        address_id: r.address_id,
        zipcode: null,
        lat: r.lat,
        long: r.lon,
        media_url: ownPhoto ?? r.media_url,
      };
      if (extensions) {
        const defs = new Map((c?.attributes ?? []).map((a) => [a.code, a]));
        req.attributes = Object.entries(r.attributes ?? {}).map(([code, value]) => {
          const d = defs.get(code);
          return {
            code,
            name: d ? (locale === 'en' ? d.descriptionEn : d.descriptionVi) : code,
            value,
          };
        });
        // The update history: in extended_attributes, and as the top-level `notes`
        // of the wiki's example (clients read one or the other).
        const history = notes
          .filter((n) => n.report_id === r.id)
          .map((n) => ({
            datetime: w3c(n.at),
            description: n.note ?? STEP_TEXT[n.action]?.[locale === 'en' ? 1 : 0] ?? n.action,
            type: n.action,
          }));
        req.extended_attributes = {
          status_detail: r.status,
          channel: r.channel,
          admin_unit: r.admin_unit,
          deadline_class: r.deadline_class,
          photos: photos
            .filter(
              (p) => p.report_id === r.id && (p.kind === 'answer' || photosArePublic(visible)),
            )
            .map((p) => ({
              media_url: `${base}${publicPhotoUrl(r.id, p.file_id)}`,
              thumb_url: `${base}${publicPhotoUrl(r.id, p.file_id)}?size=thumb`,
              kind: p.kind,
            })),
          notes: history,
        };
        req.notes = history;
      }
      out.push(req);
    }
    return out;
  }
}
