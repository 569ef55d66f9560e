/**
 * The webhook channel: POSTs the message as JSON to the webhook's URL, signed
 * (see signature.ts), with `X-CityOps-Event` and `X-CityOps-Delivery` (the
 * same id on every retry, so a receiver can drop repeats). Any answer but 2xx,
 * a timeout or a network error is a failure to retry.
 */
import type { Clock } from '../core/clock.js';
import {
  PermanentFailure,
  type DeliveryReport,
  type NotificationChannel,
  type NotificationMessage,
  type Recipient,
} from './channel.js';
import { SIGNATURE_HEADER, signatureHeader } from './signature.js';

export interface WebhookTargets {
  signingTarget(id: string): Promise<{ url: string; secret: string; enabled: boolean } | undefined>;
}

export class WebhookChannel implements NotificationChannel {
  readonly name = 'webhook';

  constructor(
    private readonly webhooks: WebhookTargets,
    private readonly clock: Clock,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(message: NotificationMessage, recipient: Recipient): Promise<DeliveryReport | void> {
    if (recipient.channel !== 'webhook') throw new PermanentFailure('not a webhook recipient');
    const hook = await this.webhooks.signingTarget(recipient.webhookId);
    if (!hook) throw new PermanentFailure(`webhook ${recipient.webhookId} no longer exists`);
    if (!hook.enabled) return { skipped: 'webhook disabled' };
    const body = JSON.stringify(message);
    let res: Response;
    try {
      res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'CityOps-Webhook/1',
          'x-cityops-event': message.event,
          'x-cityops-delivery': message.id,
          [SIGNATURE_HEADER]: signatureHeader(hook.secret, body, this.clock.now()),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new Error(`webhook request failed: ${(err as Error).message}`);
    }
    await res.body?.cancel().catch(() => undefined);
    if (res.status < 200 || res.status > 299) {
      throw new Error(`webhook answered HTTP ${res.status}`);
    }
  }
}
