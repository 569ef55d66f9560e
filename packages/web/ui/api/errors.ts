/** Failures of an API call: the server's problem+json, or no answer at all. */
import type { Problem } from '@cityops/contracts';

export type FieldError = NonNullable<Problem['errors']>[number];

export class ApiError extends Error {
  constructor(
    /** The HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    /** The RFC 9457 body the server sent, when it sent one. */
    readonly problem: Problem | null,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True when no HTTP answer came back (server down, network cut). */
  get unreachable(): boolean {
    return this.status === 0;
  }

  get detail(): string | undefined {
    return this.problem?.detail;
  }

  get fieldErrors(): FieldError[] {
    return this.problem?.errors ?? [];
  }
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

/** Reads a problem body when the answer is one; otherwise a minimal problem from the status. */
export async function problemFrom(res: Response): Promise<Problem> {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await res.json()) as Partial<Problem>;
      if (typeof body.title === 'string') {
        return {
          type: body.type ?? 'about:blank',
          title: body.title,
          status: typeof body.status === 'number' ? body.status : res.status,
          ...(typeof body.detail === 'string' ? { detail: body.detail } : {}),
          ...(Array.isArray(body.errors) ? { errors: body.errors } : {}),
        };
      }
    } catch {
      // Not JSON after all: fall through to the status line.
    }
  }
  return { type: 'about:blank', title: res.statusText || `HTTP ${res.status}`, status: res.status };
}
