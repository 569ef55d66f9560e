/**
 * Webhooks (administrators): where alert changes are POSTed. Each has a
 * signing secret, shown once on create and rotate-secret; it is stored as
 * given because signing needs it, and never answered, logged or audited again.
 */
import { randomBytes } from 'node:crypto';
import type { Webhook, WebhookCreate, WebhookPatch, WebhookWithSecret } from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import type { Actor } from '../core/auth/principal.js';
import { newId } from '../core/ids.js';
import { NotFoundError } from '../core/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import * as repo from './webhooks.repo.js';

function present(r: repo.WebhookRow): Webhook {
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    enabled: r.enabled,
    secretPrefix: r.secret_prefix,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

function newWebhookSecret(): { secret: string; prefix: string } {
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  return { secret, prefix: secret.slice(0, 10) };
}

export class WebhooksService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: WebhookCreate): Promise<WebhookWithSecret> {
    const { secret, prefix } = newWebhookSecret();
    const webhook = await this.db.transaction(async (tx) => {
      const row = await repo.insertWebhook(
        tx,
        { id: newId(), ...input, secret, secretPrefix: prefix },
        this.clock.now(),
      );
      const w = present(row);
      await this.audit.record(tx, actor, {
        action: 'webhook.create',
        entityType: 'webhook',
        entityId: w.id,
        after: w,
      });
      return w;
    });
    return { ...webhook, secret };
  }

  async list(opts: { after?: string | undefined; limit: number }): Promise<Webhook[]> {
    return (await repo.listWebhooks(this.db, opts)).map(present);
  }

  async get(id: string): Promise<Webhook> {
    const row = await repo.findWebhook(this.db, id);
    if (!row) throw new NotFoundError('Webhook', id);
    return present(row);
  }

  async update(actor: Actor, id: string, patch: WebhookPatch): Promise<Webhook> {
    const before = await this.get(id);
    return this.db.transaction(async (tx) => {
      const row = await repo.updateWebhook(tx, id, patch, this.clock.now());
      if (!row) throw new NotFoundError('Webhook', id);
      const after = present(row);
      await this.audit.record(tx, actor, {
        action: 'webhook.update',
        entityType: 'webhook',
        entityId: id,
        before,
        after,
      });
      return after;
    });
  }

  async rotateSecret(actor: Actor, id: string): Promise<WebhookWithSecret> {
    const before = await this.get(id);
    const { secret, prefix } = newWebhookSecret();
    const after = await this.db.transaction(async (tx) => {
      const row = await repo.replaceSecret(tx, id, secret, prefix, this.clock.now());
      if (!row) throw new NotFoundError('Webhook', id);
      const w = present(row);
      await this.audit.record(tx, actor, {
        action: 'webhook.rotate_secret',
        entityType: 'webhook',
        entityId: id,
        before,
        after: w,
      });
      return w;
    });
    return { ...after, secret };
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const before = await this.get(id);
    await this.db.transaction(async (tx) => {
      if (!(await repo.deleteWebhook(tx, id))) throw new NotFoundError('Webhook', id);
      await this.audit.record(tx, actor, {
        action: 'webhook.delete',
        entityType: 'webhook',
        entityId: id,
        before,
      });
    });
  }

  /** Which of the ids name no webhook (for checking a rule's notify list). */
  async unknownIds(ids: string[]): Promise<string[]> {
    const known = await repo.existingWebhooks(this.db, ids);
    return ids.filter((id) => !known.has(id));
  }

  /** The URL and secret to sign a delivery with; undefined when the webhook is gone. */
  signingTarget(id: string) {
    return repo.signingTarget(this.db, id);
  }
}
