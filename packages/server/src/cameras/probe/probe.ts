/**
 * One probe of one camera: the checks its addresses allow (RTSP stream,
 * snapshot, ONVIF GetDeviceInformation) run side by side, each with its own
 * deadline, and a verdict with a reason in Vietnamese and English:
 * online — every check answered; degraded — some answered, or answers were
 * slow; offline — nothing answered.
 */
import type { BilingualReason } from '@cityops/contracts';
import type { CameraSource } from '../cameras.service.js';
import { probeRtsp } from './rtsp.js';
import { cameraHttp, httpErrorCode } from './http-fetch.js';
import { getDeviceInformation } from './onvif-soap.js';
import { CheckError } from './rtsp.js';
import type { CheckResult, Credentials } from './types.js';

export type CheckName = 'rtsp' | 'snapshot' | 'onvif';

export interface ProbeOptions {
  timeoutMs: number;
  /** A check that took longer than this counts as slow (degraded). */
  slowMs?: number;
}

export interface ProbeOutcome {
  status: 'online' | 'degraded' | 'offline';
  reason: BilingualReason | null;
  checks: Partial<Record<CheckName, CheckResult>>;
}

const checkNames: Record<CheckName, { vi: string; en: string }> = {
  rtsp: { vi: 'luồng video', en: 'the video stream' },
  snapshot: { vi: 'ảnh chụp', en: 'the snapshot' },
  onvif: { vi: 'ONVIF', en: 'ONVIF' },
};

const causes: Record<string, { vi: string; en: string }> = {
  timeout: { vi: 'không phản hồi trong thời gian chờ', en: 'no answer in time' },
  refused: { vi: 'từ chối kết nối', en: 'connection refused' },
  unreachable: { vi: 'không tới được thiết bị', en: 'host unreachable' },
  unresolved: { vi: 'không phân giải được tên máy', en: 'unknown host name' },
  unauthorized: { vi: 'sai tên đăng nhập hoặc mật khẩu', en: 'wrong user name or password' },
  reset: { vi: 'kết nối bị ngắt', en: 'connection reset' },
  not_image: { vi: 'trả về không phải ảnh', en: 'answered something that is not an image' },
  too_large: { vi: 'trả về dữ liệu quá lớn', en: 'answer too large' },
  bad_url: { vi: 'địa chỉ không hợp lệ', en: 'not a valid address' },
  rtsp_error: { vi: 'lỗi giao thức RTSP', en: 'RTSP error' },
  http_error: { vi: 'lỗi HTTP', en: 'HTTP error' },
  onvif_error: { vi: 'lỗi ONVIF', en: 'ONVIF error' },
};
const causeOf = (code: string | undefined) =>
  causes[code ?? ''] ?? { vi: 'lỗi không xác định', en: 'unknown error' };

export const NOTHING_TO_PROBE: BilingualReason = {
  code: 'no_address',
  vi: 'Chưa có địa chỉ luồng video, ảnh chụp hay ONVIF để kiểm tra',
  en: 'No stream, snapshot or ONVIF address to check',
};

function credsOf(src: CameraSource): Credentials {
  return src.username !== undefined
    ? { username: src.username, password: src.password ?? '' }
    : undefined;
}

async function snapshotCheck(url: string, creds: Credentials, timeoutMs: number) {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const res = await cameraHttp({ url, creds, timeoutMs, maxBytes: 5 * 1024 * 1024 });
    if (res.status === 401 || res.status === 403)
      return { ok: false, ms: ms(), code: 'unauthorized', detail: `HTTP ${res.status}` };
    if (res.status !== 200)
      return { ok: false, ms: ms(), code: 'http_error', detail: `HTTP ${res.status}` };
    if (!looksLikeImage(res.body, res.contentType))
      return { ok: false, ms: ms(), code: 'not_image', detail: res.contentType ?? 'no type' };
    return { ok: true, ms: ms(), detail: `HTTP 200, ${res.body.length} bytes` };
  } catch (err) {
    return { ok: false, ms: ms(), ...httpErrorCode(err) };
  }
}

/** GetDeviceInformation in one request (why not through the onvif library: ./onvif-soap.ts). */
async function onvifCheck(url: string, creds: Credentials, timeoutMs: number) {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const info = await getDeviceInformation(url, creds, timeoutMs);
    return {
      ok: true,
      ms: ms(),
      detail: [info.manufacturer, info.model].filter(Boolean).join(' '),
    };
  } catch (err) {
    if (err instanceof CheckError)
      return { ok: false, ms: ms(), code: err.code, detail: err.message };
    return { ok: false, ms: ms(), ...httpErrorCode(err) };
  }
}

/** JPEG, PNG, GIF or WebP by their first bytes (what cameras send), or an image/* type. */
export function looksLikeImage(body: Buffer, contentType: string | undefined): boolean {
  if (body.length < 4) return false;
  if (body[0] === 0xff && body[1] === 0xd8) return true;
  if (body.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) return true;
  if (body.subarray(0, 3).toString('latin1') === 'GIF') return true;
  if (body.subarray(8, 12).toString('latin1') === 'WEBP') return true;
  return !!contentType?.startsWith('image/') && body.length > 100;
}

/** Which checks a camera's addresses allow. */
export function checksFor(src: CameraSource): CheckName[] {
  const names: CheckName[] = [];
  if (src.streamUrl) names.push('rtsp');
  if (src.snapshotUrl) names.push('snapshot');
  if (src.onvifUrl) names.push('onvif');
  return names;
}

/** Probes the camera; undefined when it has no address to check. */
export async function probeCamera(
  src: CameraSource,
  opts: ProbeOptions,
): Promise<ProbeOutcome | undefined> {
  const names = checksFor(src);
  if (names.length === 0) return undefined;
  const creds = credsOf(src);
  const results = await Promise.all(
    names.map(async (n): Promise<[CheckName, CheckResult]> => {
      switch (n) {
        case 'rtsp':
          return [n, await probeRtsp(src.streamUrl!, creds, opts.timeoutMs)];
        case 'snapshot':
          return [n, await snapshotCheck(src.snapshotUrl!, creds, opts.timeoutMs)];
        case 'onvif':
          return [n, await onvifCheck(src.onvifUrl!, creds, opts.timeoutMs)];
      }
    }),
  );
  return verdict(Object.fromEntries(results), opts.slowMs ?? Math.min(2000, opts.timeoutMs / 2));
}

/** The status and reason of a set of check results (pure). */
export function verdict(
  checks: Partial<Record<CheckName, CheckResult>>,
  slowMs: number,
): ProbeOutcome {
  const entries = Object.entries(checks) as Array<[CheckName, CheckResult]>;
  const failed = entries.filter(([, r]) => !r.ok);
  if (failed.length === entries.length) {
    // The stream's cause first: it is what people watch.
    const [name, r] = failed.find(([n]) => n === 'rtsp') ?? failed[0]!;
    const cause = causeOf(r.code);
    return {
      status: 'offline',
      checks,
      reason: {
        code: `${name}_${r.code ?? 'error'}`,
        vi: `Mất kết nối: ${checkNames[name].vi} ${cause.vi}`,
        en: `Offline: ${checkNames[name].en}: ${cause.en}`,
      },
    };
  }
  if (failed.length > 0) {
    const [name, r] = failed[0]!;
    const cause = causeOf(r.code);
    return {
      status: 'degraded',
      checks,
      reason: {
        code: `${name}_${r.code ?? 'error'}`,
        vi: `Hoạt động một phần: ${checkNames[name].vi} ${cause.vi}`,
        en: `Partly working: ${checkNames[name].en}: ${cause.en}`,
      },
    };
  }
  const slow = entries.filter(([, r]) => r.ms > slowMs);
  if (slow.length > 0) {
    const [name, r] = slow[0]!;
    return {
      status: 'degraded',
      checks,
      reason: {
        code: `${name}_slow`,
        vi: `Phản hồi chậm: ${checkNames[name].vi} mất ${r.ms} ms`,
        en: `Slow: ${checkNames[name].en} took ${r.ms} ms`,
      },
    };
  }
  return { status: 'online', checks, reason: null };
}
