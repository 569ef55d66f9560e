/**
 * Text messages to citizens (sign-in codes, news of their reports) through a
 * pluggable sender. CITYOPS_SMS_URL names an HTTP gateway that takes
 * POST {"to": "+84…", "text": "…"} (the province's SMS brand-name provider, or
 * an adapter to it). With none configured the process runs in development
 * mode: sign-in codes are written to the log, and nothing else is sent.
 */
export interface SmsSender {
  readonly name: string;
  send(to: string, text: string): Promise<void>;
}

export class HttpSmsSender implements SmsSender {
  readonly name = 'http';

  constructor(
    private readonly url: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(to: string, text: string): Promise<void> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to, text }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`);
  }
}
