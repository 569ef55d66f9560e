/**
 * Domain errors, each with a stable id. Services throw them; one place
 * (http/problem.ts) turns them into RFC 9457 problem+json.
 */

export interface FieldError {
  /** Dotted path of the bad field in the input ("geometry.coordinates.0", "limit"). */
  path: string;
  message: string;
}

export type ProblemId =
  | 'validation'
  | 'malformed'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'rate-limited'
  | 'unavailable'
  | 'internal';

export class AppError extends Error {
  /**
   * The detail in Vietnamese, when the thrower gave one: the problem then
   * answers it to callers who prefer Vietnamese (http/problem.ts).
   */
  detailVi?: string;

  constructor(
    readonly problem: ProblemId,
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
  ) {
    super(detail ?? title);
  }

  /** Gives the detail in Vietnamese too; answers the error itself (`throw new X(…).vi('…')`). */
  vi(text: string): this {
    this.detailVi = text;
    return this;
  }
}

export class ValidationError extends AppError {
  constructor(errors: FieldError[], detail = 'The input is not valid.') {
    super('validation', 400, 'Invalid input', detail, errors);
  }
  static field(path: string, message: string): ValidationError {
    return new ValidationError([{ path, message }], `${path}: ${message}`);
  }
}

export class MalformedError extends AppError {
  constructor(detail: string) {
    super('malformed', 400, 'Malformed request', detail);
  }
}

export class UnauthorizedError extends AppError {
  constructor(detail = 'Sign in, or send a valid token or API key.') {
    super('unauthorized', 401, 'Unauthorized', detail);
  }
}

export class ForbiddenError extends AppError {
  constructor(detail = 'You do not have permission for this.') {
    super('forbidden', 403, 'Forbidden', detail);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, id?: string) {
    super(
      'not-found',
      404,
      'Not found',
      id === undefined ? `${what} not found.` : `${what} ${id} not found.`,
    );
  }
}

export class ConflictError extends AppError {
  constructor(detail: string, errors?: FieldError[]) {
    super('conflict', 409, 'Conflict', detail, errors);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(detail: string) {
    super('payload-too-large', 413, 'Payload too large', detail);
  }
}

export class RateLimitedError extends AppError {
  constructor(detail = 'Too many requests; try again later.') {
    super('rate-limited', 429, 'Too many requests', detail);
  }
}

export class UnavailableError extends AppError {
  constructor(detail: string) {
    super('unavailable', 503, 'Service unavailable', detail);
  }
}
