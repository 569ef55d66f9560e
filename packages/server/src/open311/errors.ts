/**
 * Open311's own error format: an array of {code, description}, with the HTTP
 * status the spec asks for: 404 for what does not exist, 403 for a missing
 * or wrong api_key, 400 for anything else the request got wrong, 500 for our
 * own failures (413/415/429 kept for uploads and limits, which say more).
 */
import type { AppError } from '../core/errors.js';
import { toAppError } from '../core/http/problem.js';

export interface Open311ErrorItem {
  code: number;
  description: string;
}

export class Open311Error extends Error {
  constructor(
    readonly status: number,
    readonly errors: Open311ErrorItem[],
  ) {
    super(errors.map((e) => e.description).join('; '));
  }

  static of(status: number, description: string): Open311Error {
    return new Open311Error(status, [{ code: status, description }]);
  }
}

/** Any error as Open311 answers it. */
export function toOpen311(err: Error): Open311Error {
  if (err instanceof Open311Error) return err;
  const app: AppError = toAppError(err);
  const status =
    app.status === 401 || app.status === 403
      ? 403
      : app.status === 404
        ? 404
        : [413, 415, 429].includes(app.status)
          ? app.status
          : app.status >= 500
            ? 500
            : 400;
  if (status === 500) {
    return Open311Error.of(
      500,
      'The Open311 service failed; the error was logged. Try again later.',
    );
  }
  if (app.errors?.length) {
    return new Open311Error(
      status,
      app.errors.map((e) => ({ code: status, description: `${e.path}: ${e.message}` })),
    );
  }
  return Open311Error.of(status, app.detail ?? app.title);
}
