/**
 * The e-mail channel over SMTP (CITYOPS_SMTP_URL, from CITYOPS_SMTP_FROM).
 * A notify entry names addresses, or a role: then the mail goes to the enabled
 * users of that role whose scope covers the alert.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { Role } from '@cityops/contracts';
import {
  PermanentFailure,
  type DeliveryReport,
  type NotificationChannel,
  type NotificationMessage,
  type Recipient,
} from './channel.js';
import { renderEmail } from './render.js';

/** Who holds a role where an alert happened. */
export interface RoleDirectory {
  addressesOf(
    role: Role,
    place: { adminUnit: string | null; agencyCode?: string | null },
  ): Promise<string[]>;
  /** The unit with every unit under it. */
  unitsUnder(code: string): Promise<string[]>;
}

export interface EmailSettings {
  url: string;
  from: string;
  timeZone: string;
}

export class EmailChannel implements NotificationChannel {
  readonly name = 'email';
  private readonly transport: Transporter;

  constructor(
    private readonly settings: EmailSettings,
    private readonly directory: RoleDirectory,
  ) {
    this.transport = nodemailer.createTransport(settings.url);
  }

  async send(message: NotificationMessage, recipient: Recipient): Promise<DeliveryReport | void> {
    if (recipient.channel !== 'email') throw new PermanentFailure('not an e-mail recipient');
    const alert = message.alert;
    if (recipient.adminUnit) {
      const units = await this.directory.unitsUnder(recipient.adminUnit);
      if (!alert.adminUnit || !units.includes(alert.adminUnit)) {
        return { skipped: `alert outside ${recipient.adminUnit}` };
      }
    }
    const to = recipient.to ?? (await this.directory.addressesOf(recipient.role!, alert));
    if (to.length === 0) return { skipped: 'no recipients' };
    const { subject, text } = renderEmail(message, this.settings.timeZone);
    await this.transport.sendMail({
      from: this.settings.from,
      to,
      subject,
      text,
      headers: { 'X-CityOps-Alert': alert.id, 'X-CityOps-Delivery': message.id },
    });
  }

  close(): void {
    this.transport.close();
  }
}
