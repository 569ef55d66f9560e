/** What one check of a probe found. `code` is a stable reason code when it failed. */
export interface CheckResult {
  ok: boolean;
  ms: number;
  code?: string;
  detail?: string;
}

export type Credentials = { username: string; password: string } | undefined;
