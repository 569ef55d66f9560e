/**
 * Notifications about reports: to the citizen who sent a report and those
 * following it (their reports were merged into it, or they follow it) by SMS
 * and by web push to their browsers' subscriptions (push.ts), and to the
 * supervisors of its area by e-mail when it is overdue or needs a decision.
 * Rows are written in the transaction of the change (an outbox) and delivered
 * by a worker with retries (a LeasedQueue of core, as the alerts' outbox);
 * targets name who, and the address is looked up at delivery, so no phone
 * number waits in the outbox. Supervisors are found with the alerts module's
 * RoleDirectory.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { PushMessage } from '@cityops/contracts';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Db, Queryable } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';
import { LeasedQueue } from '../core/leased-queue.js';
import type { RoleDirectory } from '../notifications/index.js';
import type { SmsSender } from './sms.js';
import * as repo from './notify.repo.js';
import * as pushRepo from './push.repo.js';
import type { WebPushSender } from './push.js';

export type NotifyTarget =
  | { kind: 'reporter'; reportId: number }
  | { kind: 'supervisors'; adminUnit: string | null; agency: string | null }
  | { kind: 'push'; subscriptionId: string };

export interface ReportMessage {
  event: string;
  reportId: number;
  textVi: string;
  textEn: string;
}

export interface NotifierDeps {
  db: Db;
  clock: Clock;
  log: FastifyBaseLogger;
  sms: SmsSender | null;
  directory: RoleDirectory | null;
  smtp: { url: string; from: string } | null;
  /** The web push sender (its VAPID keys are read on first use); none: no push. */
  push?: (() => Promise<WebPushSender>) | null;
}

export class ReportNotifier {
  private readonly mail: Transporter | null;
  private readonly queue: LeasedQueue<repo.NotificationRow>;

  constructor(private readonly deps: NotifierDeps) {
    this.mail = deps.smtp ? nodemailer.createTransport(deps.smtp.url) : null;
    this.queue = new LeasedQueue<repo.NotificationRow>({
      db: deps.db,
      clock: deps.clock,
      log: deps.log,
      table: 'report_notifications',
      returning: 'id, report_id, channel, target, event, payload, attempts',
      deliver: (row) => this.send(row),
      maxAttempts: 6,
      backoffMs: 2000,
      what: 'report notification',
    });
  }

  /**
   * Tells the reporter and the followers of a report (SMS to the senders of
   * it and of its duplicates; a push to each browser subscribed by them or by
   * its followers), in the caller's transaction.
   */
  async toReporters(tx: Queryable, msg: ReportMessage): Promise<void> {
    const ids = [msg.reportId, ...(await repo.duplicatesOf(tx, msg.reportId))];
    const subscriptions = this.deps.push ? await pushRepo.subscribersOf(tx, msg.reportId) : [];
    await repo.insertNotifications(
      tx,
      [
        ...ids.map((reportId) => ({
          id: newId(),
          report_id: msg.reportId,
          channel: 'sms',
          target: { kind: 'reporter', reportId } satisfies NotifyTarget,
          event: msg.event,
          payload: msg,
        })),
        ...subscriptions.map((s) => ({
          id: newId(),
          report_id: msg.reportId,
          channel: 'push',
          target: { kind: 'push', subscriptionId: s.id } satisfies NotifyTarget,
          event: msg.event,
          payload: msg,
        })),
      ],
      this.deps.clock.now(),
    );
  }

  /** Tells the supervisors of the report's area (e-mail), in the caller's transaction. */
  async toSupervisors(
    tx: Queryable,
    msg: ReportMessage,
    place: { adminUnit: string | null; agency: string | null },
  ): Promise<void> {
    await repo.insertNotifications(
      tx,
      [
        {
          id: newId(),
          report_id: msg.reportId,
          channel: 'email',
          target: { kind: 'supervisors', ...place } satisfies NotifyTarget,
          event: msg.event,
          payload: msg,
        },
      ],
      this.deps.clock.now(),
    );
  }

  start(intervalMs = 5000): void {
    this.queue.start(intervalMs);
  }

  async stop(): Promise<void> {
    await this.queue.stop();
    this.mail?.close();
  }

  /** Delivers every due notification; answers how many were tried. */
  drainOnce(): Promise<number> {
    return this.queue.drainOnce();
  }

  /** Sends one notification; answers why it was skipped, if it was. */
  private async send(row: repo.NotificationRow): Promise<string | undefined> {
    const msg = row.payload as ReportMessage;
    const target = row.target as NotifyTarget;
    if (row.channel === 'sms' && target.kind === 'reporter') {
      if (!this.deps.sms) return 'no SMS gateway configured';
      const phone = await repo.reporterPhone(this.deps.db, target.reportId);
      if (!phone) return 'no phone number';
      await this.deps.sms.send(phone, msg.textVi);
      return undefined;
    }
    if (row.channel === 'email' && target.kind === 'supervisors') {
      if (!this.mail || !this.deps.directory || !this.deps.smtp) return 'no SMTP server configured';
      const to = await this.deps.directory.addressesOf('supervisor', {
        adminUnit: target.adminUnit,
        agencyCode: target.agency,
      });
      if (to.length === 0) return 'no supervisor for this area';
      await this.mail.sendMail({
        from: this.deps.smtp.from,
        to,
        subject: `[CityOps] ${msg.textVi.slice(0, 120)}`,
        text: `${msg.textVi}\n\n${msg.textEn}\n`,
        headers: { 'X-CityOps-Report': String(msg.reportId) },
      });
      return undefined;
    }
    if (row.channel === 'push' && target.kind === 'push') return this.push(target, msg);
    return `cannot deliver ${row.channel} to ${target.kind}`;
  }

  /** Pushes one message to a subscription; a push service that forgot it removes it here too. */
  private async push(
    target: { subscriptionId: string },
    msg: ReportMessage,
  ): Promise<string | undefined> {
    if (!this.deps.push) return 'web push is off';
    const sub = await pushRepo.byId(this.deps.db, target.subscriptionId);
    if (!sub) return 'the subscription was removed';
    const sender = await this.deps.push();
    const message: PushMessage = {
      reportId: String(msg.reportId),
      event: msg.event,
      lang: sub.lang,
      textVi: msg.textVi,
      textEn: msg.textEn,
      url: `/citizen/reports/${msg.reportId}`,
    };
    const { status } = await sender.send(sub, JSON.stringify(message));
    if (status === 404 || status === 410) {
      await pushRepo.removeEndpointOf(this.deps.db, sub.id);
      return `the push service no longer knows the subscription (${status}); removed`;
    }
    return undefined;
  }
}
