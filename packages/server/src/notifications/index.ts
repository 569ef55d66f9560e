/**
 * The notifications module: channels (e-mail over SMTP when CITYOPS_SMTP_URL
 * is set, webhooks always), the outbox and its worker, webhooks and dead
 * letters. The live stream is not a channel here: every alert change reaches
 * it through the alerts module.
 */
import type { CityOpsModule, CoreContext } from '../core/module.js';
import type { NotificationChannel } from './channel.js';
import { EmailChannel, type RoleDirectory } from './email.channel.js';
import { WebhookChannel } from './webhook.channel.js';
import { WebhooksService } from './webhooks.service.js';
import { Outbox, type OutboxOptions } from './outbox.js';
import { notificationsRoutes } from './notifications.routes.js';

export type { NotificationChannel, NotificationMessage, Recipient } from './channel.js';
export { PermanentFailure } from './channel.js';
export type { RoleDirectory } from './email.channel.js';
export { Outbox, type Notification, type OutboxOptions } from './outbox.js';
export { WebhooksService } from './webhooks.service.js';
export { peopleDirectory } from './recipients.js';
export { verifySignature, signatureHeader, SIGNATURE_HEADER } from './signature.js';

export interface NotificationsOptions extends OutboxOptions {
  /** Timeout of one webhook request. */
  webhookTimeoutMs?: number;
  /** Extra channels (tests; SMS or Zalo later). */
  channels?: NotificationChannel[];
}

export function notificationsModule(
  ctx: CoreContext,
  deps: { directory: RoleDirectory },
  opts: NotificationsOptions = {},
) {
  const webhooks = new WebhooksService(ctx.db, ctx.audit, ctx.clock);
  const channels = new Map<string, NotificationChannel>();
  channels.set('webhook', new WebhookChannel(webhooks, ctx.clock, opts.webhookTimeoutMs));
  const { smtpUrl, smtpFrom } = ctx.config;
  if (smtpUrl) {
    channels.set(
      'email',
      new EmailChannel(
        { url: smtpUrl, from: smtpFrom, timeZone: ctx.config.timezone },
        deps.directory,
      ),
    );
  }
  for (const c of opts.channels ?? []) channels.set(c.name, c);
  const outbox = new Outbox(ctx.db, ctx.clock, ctx.log, ctx.audit, channels, ctx.metrics, opts);
  const module: CityOpsModule = {
    name: 'notifications',
    routes: notificationsRoutes(webhooks, outbox),
    start: () => {
      outbox.start();
      return Promise.resolve();
    },
    stop: () => outbox.stop(),
  };
  return { module, outbox, webhooks };
}
