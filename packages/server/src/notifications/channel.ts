/**
 * What a notification channel is: something that delivers one message to one
 * recipient (an e-mail list, a webhook; SMS or Zalo can follow). The outbox
 * worker calls `send` and retries with backoff when it throws.
 */
import type { Alert, AlertAction, NotifyTarget, Role } from '@cityops/contracts';

/** The event a notification announces. */
export type NotificationEvent = `alert.${AlertAction}`;

/** What is delivered: the alert as it was at the change, with its rule. */
export interface NotificationMessage {
  /** The delivery's id (the outbox row): the same on every retry, for receivers to dedupe. */
  id: string;
  event: NotificationEvent;
  /** When the change happened (ISO 8601, UTC). */
  at: string;
  alert: Alert;
  rule: { id: string; name: string };
  /** On escalation: the new level and the role it now concerns. */
  escalation?: { level: number; role: Role };
}

/** A notify entry as the outbox stores it (the e-mail of an escalation names a role). */
export type Recipient = NotifyTarget;

/** Delivered, or deliberately not (nobody to tell, webhook disabled): not retried. */
export interface DeliveryReport {
  skipped?: string;
}

export interface NotificationChannel {
  readonly name: Recipient['channel'];
  /** Delivers the message; throws to be retried later, or PermanentFailure to stop at once. */
  send(message: NotificationMessage, recipient: Recipient): Promise<DeliveryReport | void>;
  /** Lets go of connections (at shutdown). */
  close?(): void;
}

/** A failure no retry can mend (a webhook that no longer exists): dead-lettered at once. */
export { PermanentFailure } from '../core/leased-queue.js';
