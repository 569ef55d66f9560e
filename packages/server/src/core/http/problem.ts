/**
 * One error body for the JSON API: RFC 9457 problem+json. Domain errors,
 * schema failures and Fastify's own errors all end here.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type FieldError, type ProblemId } from '../errors.js';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
}

const typeUri = (id: ProblemId) => `urn:cityops:problem:${id}`;

/** The languages a problem's detail comes in (English always; Vietnamese where the thrower gave it). */
export type ProblemLanguage = 'vi' | 'en';

/**
 * The language of a problem's detail for a request: the caller's preference
 * between Vietnamese and English by `Accept-Language` (its q-values; the
 * first named wins a tie); without one, Vietnamese on the citizen app's
 * routes (`/api/v1/citizen/…`) and English elsewhere, as API clients have
 * always had it.
 */
export function problemLanguage(acceptLanguage: string | undefined, url: string): ProblemLanguage {
  let best: { lang: ProblemLanguage; q: number } | null = null;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const lang =
      tag === 'vi' || tag.startsWith('vi-')
        ? 'vi'
        : tag === 'en' || tag.startsWith('en-')
          ? 'en'
          : null;
    if (!lang) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { lang, q };
  }
  if (best) return best.lang;
  return url.startsWith('/api/v1/citizen/') ? 'vi' : 'en';
}

export function problemOf(
  err: AppError,
  instance?: string,
  lang: ProblemLanguage = 'en',
): ProblemBody {
  const detail = lang === 'vi' && err.detailVi ? err.detailVi : err.detail;
  return {
    type: typeUri(err.problem),
    title: err.title,
    status: err.status,
    ...(detail ? { detail } : {}),
    ...(instance ? { instance } : {}),
    ...(err.errors ? { errors: err.errors } : {}),
  };
}

const contextNames: Record<string, string> = {
  body: 'request body',
  querystring: 'query parameters',
  params: 'path parameters',
  headers: 'headers',
};

/** Turns any error into an AppError the client can act on. */
export function toAppError(err: FastifyError | Error): AppError {
  if (err instanceof AppError) return err;
  const fe = err as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fe)) {
    const where = contextNames[fe.validationContext ?? 'body'] ?? 'request';
    const errors = fe.validation.map((v) => {
      const params = v.params as { keys?: string[] };
      let path = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
      let message = v.message ?? 'invalid';
      if (v.keyword === 'unrecognized_keys' && params.keys?.length) {
        path = [path, params.keys[0]].filter(Boolean).join('.');
        message = `unknown field${params.keys.length > 1 ? 's' : ''}: ${params.keys.join(', ')}`;
      }
      if (message.startsWith('Invalid input: expected') && message.endsWith('received undefined'))
        message = 'required';
      return { path: path || '(root)', message };
    });
    const detail = `Invalid ${where}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`;
    return new AppError('validation', 400, 'Invalid input', detail, errors);
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError(
        'malformed',
        400,
        'Malformed request',
        `The body is not valid JSON: ${fe.message}`,
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(
        'payload-too-large',
        413,
        'Payload too large',
        'The request body is larger than allowed.',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported-media-type', 415, 'Unsupported media type', fe.message);
    case 'FST_ERR_RESPONSE_SERIALIZATION':
      return new AppError('internal', 500, 'Internal error', 'The response could not be produced.');
    default:
      break;
  }
  if (fe.statusCode === 429)
    return new AppError('rate-limited', 429, 'Too many requests', fe.message);
  if (err instanceof SyntaxError || fe.statusCode === 400) {
    return new AppError('malformed', 400, 'Malformed request', fe.message);
  }
  if (fe.statusCode === 413)
    return new AppError('payload-too-large', 413, 'Payload too large', fe.message);
  if (fe.statusCode === 415)
    return new AppError('unsupported-media-type', 415, 'Unsupported media type', fe.message);
  if (fe.statusCode === 404) return new AppError('not-found', 404, 'Not found', fe.message);
  return new AppError(
    'internal',
    500,
    'Internal error',
    'Something went wrong; the error was logged.',
  );
}

export async function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  err: FastifyError | Error,
): Promise<void> {
  const appErr = toAppError(err);
  if (appErr.status >= 500) request.log.error({ err }, 'request failed');
  else request.log.info({ problem: appErr.problem, detail: appErr.detail }, 'request refused');
  const path = request.url.split('?')[0] ?? request.url;
  const lang = problemLanguage(request.headers['accept-language'], path);
  const vary = reply.getHeader('vary');
  await reply
    .status(appErr.status)
    .type('application/problem+json; charset=utf-8')
    .header('content-language', lang === 'vi' && appErr.detailVi ? 'vi' : 'en')
    .header('vary', vary ? `${String(vary)}, Accept-Language` : 'Accept-Language')
    .send(problemOf(appErr, path, lang));
}
