/**
 * The staff calls of the reports back office, typed by the shared contracts
 * (`@cityops/contracts`), through the console's API client and its session.
 */
import type { z } from 'zod';
import type {
  AdminUnit,
  DuplicateCandidate,
  Page,
  Report,
  ReportAction,
  ReportActionBody,
  ReportCategory,
  ReportDetail,
  ReportExportFormat,
  ReportExportLink,
  ReportExportLinkRequest,
  ReportListExportRequest,
  ReportListSort,
  ReportMapPoint,
  ReportStats,
  Reporter,
  UploadedFile,
  refSchema,
  reportFilterSchema,
  staffReportCreateSchema,
} from '@cityops/contracts';
import { api } from '../../ui/api';
import { ApiError, problemFrom } from '../../ui/api/errors';
import { uploadPhoto } from '../../ui/reports/photos';

/** An agency as the report screens need it (the agencies route answers more). */
export type AgencyRef = z.infer<typeof refSchema>;

/** Filters of GET /api/v1/reports in their query-string form (lists separated by commas). */
export type ReportListQuery = {
  [K in keyof z.input<typeof reportFilterSchema>]?: string;
} & { limit?: number; cursor?: string; sort?: ReportListSort };

export interface StatsQuery {
  groupBy: 'agency' | 'unit';
  from: string;
  to: string;
}

const client = api.client;

/** GETs a file with the session's token; problem+json failures become ApiError. */
async function authedBlob(url: string, signal?: AbortSignal): Promise<Blob> {
  const res = await fetch(url, {
    headers: client.authHeaders(),
    ...(signal ? { signal } : {}),
  });
  if (!res.ok) {
    const problem = await problemFrom(res);
    throw new ApiError(res.status, problem, problem.detail ?? problem.title);
  }
  return res.blob();
}
const path = (id: string, rest = '') => `/api/v1/reports/${encodeURIComponent(id)}${rest}`;

export const reportsApi = {
  list: (query: ReportListQuery, signal?: AbortSignal) =>
    client.get<Page<Report>>('/api/v1/reports', { ...query }, signal),
  /** Points of the located reports under the list's filters (the newest 5,000). */
  map: (query: ReportListQuery, signal?: AbortSignal) =>
    client.get<{ items: ReportMapPoint[]; truncated: boolean }>(
      '/api/v1/reports/map',
      { ...query },
      signal,
    ),
  get: (id: string, signal?: AbortSignal) => client.get<ReportDetail>(path(id), {}, signal),
  /** A report taken by staff (the hotline: channel `phone`). */
  create: (body: z.input<typeof staffReportCreateSchema>) =>
    client.post<ReportDetail>('/api/v1/reports', body),
  reporter: (id: string) => client.get<Reporter>(path(id, '/reporter')),
  /** Open reports of the same category near this one: the candidates of a merge. */
  duplicates: (id: string, signal?: AbortSignal) =>
    client.get<{ items: DuplicateCandidate[] }>(path(id, '/duplicates'), {}, signal),
  act: <A extends ReportAction>(id: string, action: A, body: ReportActionBody<A>) =>
    client.post<ReportDetail>(path(id, `/${action}`), body),
  patch: (id: string, body: { shareReporterWithAgency?: boolean; internalNote?: string }) =>
    client.request<ReportDetail>('PATCH', path(id), { body }),
  uploadPhoto: (photo: Blob): Promise<UploadedFile> => uploadPhoto(photo, client.getToken()),
  categories: (signal?: AbortSignal) =>
    client.get<{ items: ReportCategory[] }>(
      '/api/v1/report-categories',
      { includeInactive: true },
      signal,
    ),
  agencies: (signal?: AbortSignal) =>
    client.get<Page<AgencyRef>>('/api/v1/agencies', { limit: 1000 }, signal),
  communes: (signal?: AbortSignal) =>
    client.get<Page<AdminUnit>>('/api/v1/admin-units', { level: 'commune', limit: 1000 }, signal),
  stats: (query: StatsQuery, signal?: AbortSignal) =>
    client.get<ReportStats>('/api/v1/reports/stats', { ...query }, signal),
  /**
   * A signed, expiring link to the statistics as CSV or XLSX: a plain link the
   * browser downloads by itself (no Authorization header needed).
   */
  statsExportLink: (
    query: StatsQuery & { lang: 'vi' | 'en' | 'both' },
    format: ReportExportFormat,
  ) =>
    client.post<ReportExportLink>('/api/v1/reports/stats/export-links', {
      ...query,
      format,
    } satisfies ReportExportLinkRequest),
  /** A signed, expiring link to the list under a filter as CSV (a plain link, as above). */
  listExportLink: (body: ReportListExportRequest) =>
    client.post<ReportExportLink>('/api/v1/reports/export-links', body),
  /** A photo of a report (staff photos need the token, so <img> cannot fetch them itself). */
  photo: (url: string, signal?: AbortSignal) => authedBlob(url, signal),
};
