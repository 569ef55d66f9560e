/**
 * The citizen app's calls to /api/v1/citizen and the public report routes.
 * A citizen's token (phone sign-in, or an anonymous report's follow token) is
 * given per call: one phone may hold several anonymous tokens from before it
 * signed in, and the staff console's token (same origin) must never be sent.
 */
import type {
  CitizenReport,
  CitizenReportCreate,
  Page,
  PublicReport,
  ReportCategory,
  UploadedFile,
  PushKey,
  PushSubscriptionCreate,
  PushSubscriptionInfo,
  citizenClaimResultSchema,
  citizenReportCreatedSchema,
  citizenSessionSchema,
  mapPointSchema,
  nearbyReportSchema,
  otpRequestResponseSchema,
  publicReportDetailSchema,
} from '@cityops/contracts';
import type { z } from 'zod';
import { ApiError, problemFrom } from '../ui/api/errors';
import { languageHeader, withQuery, type Query } from '../ui/api/client';
import { uploadPhoto } from '../ui/reports/photos';
import type { UiConfig } from '../ui/api/endpoints';

export type CitizenSession = z.infer<typeof citizenSessionSchema>;
export type ReportCreated = z.infer<typeof citizenReportCreatedSchema>;
export type NearbyReport = z.infer<typeof nearbyReportSchema>;
export type MapPoint = z.infer<typeof mapPointSchema>;
export type PublicReportDetail = z.infer<typeof publicReportDetailSchema>;
export type OtpSent = z.infer<typeof otpRequestResponseSchema>;
export type CitizenClaimResult = z.infer<typeof citizenClaimResultSchema>;
export type { CitizenReport, PublicReport, ReportCategory, UploadedFile };

interface CallOptions {
  token?: string | null | undefined;
  query?: Query;
  body?: unknown;
  signal?: AbortSignal | undefined;
  headers?: Record<string, string>;
}

async function call<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...languageHeader(),
    ...opts.headers,
  };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), {
      method,
      headers,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    throw new ApiError(0, null, `Network error: ${(err as Error).message}`);
  }
  if (!res.ok) {
    const problem = await problemFrom(res);
    throw new ApiError(res.status, problem, problem.detail ?? problem.title);
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** A report as the citizen app sends it, before its photos have ids. */
export type ReportDraft = Omit<CitizenReportCreate, 'photoIds'>;

let uiConfig: Promise<UiConfig> | null = null;

export const citizenApi = {
  /** The server's settings for the apps (basemap), asked once per page. */
  uiConfig: () =>
    (uiConfig ??= call<UiConfig>('GET', '/api/v1/ui-config').catch((err: unknown) => {
      uiConfig = null;
      throw err;
    })),
  categories: (signal?: AbortSignal) =>
    call<{ items: ReportCategory[] }>('GET', '/api/v1/report-categories', { signal }),
  requestCode: (phone: string) => call<OtpSent>('POST', '/api/v1/citizen/otp', { body: { phone } }),
  verifyCode: (phone: string, code: string) =>
    call<CitizenSession>('POST', '/api/v1/citizen/otp/verify', { body: { phone, code } }),
  signOut: (token: string) => call<void>('POST', '/api/v1/citizen/logout', { token, body: {} }),
  uploadPhoto: (photo: Blob, token: string | null, signal?: AbortSignal): Promise<UploadedFile> =>
    uploadPhoto(photo, token, signal),
  /**
   * Sends a report. The Idempotency-Key (a UUID made once per report) makes a
   * retry after a lost answer get the first report back, never a second one.
   */
  submit: (body: CitizenReportCreate, token: string | null, key: string) =>
    call<ReportCreated>('POST', '/api/v1/citizen/reports', {
      token,
      body,
      headers: { 'idempotency-key': key },
    }),
  /** Follows a public report (a merged one: its original); it then shows in my reports. */
  follow: (token: string, id: string) =>
    call<CitizenReport>('POST', `/api/v1/citizen/reports/${encodeURIComponent(id)}/follow`, {
      token,
      body: {},
    }),
  unfollow: (token: string, id: string) =>
    call<void>('DELETE', `/api/v1/citizen/reports/${encodeURIComponent(id)}/follow`, { token }),
  /** Moves the anonymous reports of these follow tokens into the signed-in account. */
  claim: (token: string, followTokens: string[]) =>
    call<CitizenClaimResult>('POST', '/api/v1/citizen/claim', { token, body: { followTokens } }),
  pushKey: () => call<PushKey>('GET', '/api/v1/citizen/push/key'),
  pushSubscribe: (token: string, body: PushSubscriptionCreate) =>
    call<PushSubscriptionInfo>('POST', '/api/v1/citizen/push/subscriptions', { token, body }),
  pushUnsubscribe: (token: string, endpoint: string) =>
    call<void>('DELETE', '/api/v1/citizen/push/subscriptions', { token, body: { endpoint } }),
  mine: (token: string, signal?: AbortSignal) =>
    call<Page<CitizenReport>>('GET', '/api/v1/citizen/reports', {
      token,
      query: { limit: 200 },
      signal,
    }),
  mineOne: (token: string, id: string, signal?: AbortSignal) =>
    call<CitizenReport>('GET', `/api/v1/citizen/reports/${encodeURIComponent(id)}`, {
      token,
      signal,
    }),
  rate: (token: string, id: string, satisfied: boolean, comment?: string) =>
    call<CitizenReport>('POST', `/api/v1/citizen/reports/${encodeURIComponent(id)}/rating`, {
      token,
      body: comment ? { satisfied, comment } : { satisfied },
    }),
  nearby: (q: { lat: number; lon: number; category: string }, signal?: AbortSignal) =>
    call<{ items: NearbyReport[] }>('GET', '/api/v1/citizen/reports/nearby', {
      query: { ...q, radius: 300 },
      signal,
    }),
  publicList: (
    query: { status?: string; category?: string; cursor?: string },
    signal?: AbortSignal,
  ) =>
    call<Page<PublicReport>>('GET', '/api/v1/citizen/public/reports', {
      query: { limit: 30, ...query },
      signal,
    }),
  publicMap: (query: { status?: string; category?: string }, signal?: AbortSignal) =>
    call<{ items: MapPoint[]; truncated: boolean }>('GET', '/api/v1/citizen/public/map', {
      query,
      signal,
    }),
  publicOne: (id: string, signal?: AbortSignal) =>
    call<PublicReportDetail>('GET', `/api/v1/citizen/public/reports/${encodeURIComponent(id)}`, {
      signal,
    }),
};

/** The URL of a public photo (or its thumbnail) of a report. */
export const publicPhotoUrl = (reportId: string, fileId: string, thumb = false) =>
  `/api/v1/citizen/public/reports/${encodeURIComponent(reportId)}/photos/${encodeURIComponent(fileId)}${thumb ? '?size=thumb' : ''}`;
