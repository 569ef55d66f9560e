/**
 * POST requests: a GeoReport v2 service request, form-encoded (or multipart
 * with a `media` photo), made with an API key of scope `open311` (the
 * `api_key` field, or the Bearer header). The fields map onto a report of
 * channel `open311`: first_name + last_name, phone, email, device_id and
 * account_id are the reporter's personal data (IOC staff only, never shown
 * by Open311); attribute[code] and attribute[code][] are the category's
 * attributes.
 */
import type { Principal } from '../core/auth/principal.js';
import { actorOf } from '../core/auth/principal.js';
import { ValidationError } from '../core/errors.js';
import type { ReportsModuleParts } from '../reports/index.js';
import { historyActorOf, UnknownCategoryError } from '../reports/index.js';
import { Open311Error } from './errors.js';
import { checkJurisdiction, param, type Params } from './params.js';
import type { Locale } from './open311.service.js';

export type FormPairs = Array<[string, string]>;

export interface CreateContext {
  jurisdiction: string;
  authenticate: (secret: string) => Promise<Principal | null>;
  bearer: Principal | null;
  ip: string;
  requestId: string;
  locale: Locale;
  /** The uploaded photo (multipart `media`), already stored. */
  mediaFileId?: string | undefined;
}

/** The form as key/value pairs (a repeated key gives several pairs). */
export function pairsOf(body: unknown): FormPairs {
  if (!body || typeof body !== 'object') return [];
  const pairs: FormPairs = [];
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    for (const one of Array.isArray(v) ? v : [v]) {
      if (one !== undefined && one !== null && typeof one !== 'object')
        pairs.push([k, String(one)]);
    }
  }
  return pairs;
}

/** The API key's caller: an API key of scope open311, else 403 in Open311's words. */
export async function open311Caller(
  fields: Params,
  ctx: Pick<CreateContext, 'authenticate' | 'bearer'>,
): Promise<Extract<Principal, { kind: 'apikey' }>> {
  const key = param(fields, 'api_key');
  const p = key ? await ctx.authenticate(key) : ctx.bearer;
  if (!key && !p)
    throw Open311Error.of(403, 'api_key is missing: an API key of scope open311 is required');
  if (!p || p.kind !== 'apikey' || p.keyScope !== 'open311')
    throw Open311Error.of(
      403,
      'Invalid api_key received: it is unknown, revoked or not of scope open311',
    );
  return p;
}

const number = (fields: Params, name: string): number | undefined => {
  const v = param(fields, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^-?\d+(\.\d+)?$/.test(v) || !Number.isFinite(n))
    throw Open311Error.of(400, `${name} must be a number in WGS84 degrees (got "${v}")`);
  return n;
};

export async function createRequest(
  parts: ReportsModuleParts,
  pairs: FormPairs,
  ctx: CreateContext,
) {
  const fields: Params = {};
  const attributes: Record<string, string[]> = {};
  for (const [k, v] of pairs) {
    const m = /^attribute\[([^\]]+)\](\[\])?$/.exec(k);
    if (m) (attributes[m[1]!] ??= []).push(v);
    else fields[k] = v;
  }
  const caller = await open311Caller(fields, ctx);
  checkJurisdiction(fields, ctx.jurisdiction);
  const code = param(fields, 'service_code');
  if (!code) throw Open311Error.of(400, 'service_code was not provided');
  const lat = number(fields, 'lat');
  const lon = number(fields, 'long');
  if ((lat === undefined) !== (lon === undefined))
    throw Open311Error.of(400, 'lat and long must be sent together');
  if (lat !== undefined && (Math.abs(lat) > 90 || Math.abs(lon!) > 180))
    throw Open311Error.of(400, 'lat must be within ±90 and long within ±180');
  const address = param(fields, 'address_string');
  const addressId = param(fields, 'address_id');
  if (lat === undefined && !address && !addressId)
    throw Open311Error.of(
      400,
      'A location is required: lat and long, address_string or address_id',
    );
  const description = param(fields, 'description') ?? '';
  if (description.length > 4000)
    throw Open311Error.of(400, 'description is longer than 4,000 characters');
  const email = param(fields, 'email');
  if (email && (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)))
    throw Open311Error.of(400, 'email is not an e-mail address');
  const mediaUrl = param(fields, 'media_url');
  if (mediaUrl && !/^https?:\/\/\S+$/i.test(mediaUrl))
    throw Open311Error.of(400, 'media_url must be an http or https URL');
  const short = (name: string, max: number) => {
    const v = param(fields, name);
    if (v && v.length > max) throw Open311Error.of(400, `${name} is longer than ${max} characters`);
    return v ?? null;
  };
  const name =
    [short('first_name', 100), short('last_name', 100)].filter(Boolean).join(' ') || null;
  const accountId = short('account_id', 200);
  try {
    const done = await parts.submissions.submit(
      {
        channel: 'open311',
        categoryCode: code,
        description,
        location: lat !== undefined ? { lat, lon: lon! } : null,
        address: address ?? null,
        addressId: addressId ?? null,
        attributes: Object.fromEntries(
          Object.entries(attributes).map(([k, v]) => [k, v.length === 1 ? v[0]! : v]),
        ),
        photoIds: ctx.mediaFileId ? [ctx.mediaFileId] : [],
        reporter: {
          name,
          phone: short('phone', 30),
          email: email ?? null,
          deviceId: short('device_id', 200),
          accountId,
        },
        citizenId: null,
        mediaUrl: mediaUrl ?? null,
      },
      {
        history: historyActorOf(caller),
        audit: actorOf(caller, ctx.ip, ctx.requestId),
        uploader: { type: 'apikey', id: caller.id },
      },
    );
    const category = await parts.categories.find(code);
    const notice =
      category &&
      (ctx.locale === 'en'
        ? `To be handled within ${category.workingDays} working day${category.workingDays > 1 ? 's' : ''}.`
        : `Thời hạn xử lý: ${category.workingDays} ngày làm việc.`);
    return [
      {
        ...(done.token ? { token: done.token } : { service_request_id: String(done.id) }),
        service_notice: notice ?? null,
        account_id: accountId,
      },
    ];
  } catch (err) {
    if (err instanceof UnknownCategoryError)
      throw Open311Error.of(404, `service_code ${code} was not found`);
    if (err instanceof ValidationError && err.errors) {
      throw new Open311Error(
        400,
        err.errors.map((e) => ({
          code: 400,
          description: e.path.startsWith('attributes.')
            ? `attribute[${e.path.slice(11)}]: ${e.message}`
            : e.path === 'location'
              ? `lat/long: ${e.message}`
              : `${e.path}: ${e.message}`,
        })),
      );
    }
    throw err;
  }
}
