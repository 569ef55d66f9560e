/**
 * Web push notifications of the citizen app: the server's VAPID public key
 * and a browser's push subscription (PushSubscription.toJSON()), kept for the
 * citizen whose token registers it.
 */
import { z } from 'zod';

export const pushKeySchema = z.object({
  /** The VAPID public key (base64url), the applicationServerKey of PushManager.subscribe. */
  publicKey: z.string(),
});
export type PushKey = z.infer<typeof pushKeySchema>;

/** base64url without padding. */
const b64url = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+=*$/, 'must be base64url text');

export const pushSubscriptionCreateSchema = z
  .object({
    endpoint: z.string().min(1).max(2000),
    expirationTime: z.number().nullable().optional(),
    keys: z
      .object({
        /** The browser's P-256 public key (65 bytes: 87 characters). */
        p256dh: b64url(80, 100),
        /** Its authentication secret (16 bytes: 22 characters). */
        auth: b64url(16, 32),
      })
      .strict(),
    /** The language of the notifications' text. */
    lang: z.enum(['vi', 'en']).default('vi'),
  })
  .strict();
export type PushSubscriptionCreate = z.input<typeof pushSubscriptionCreateSchema>;

export const pushSubscriptionSchema = z.object({
  id: z.string(),
  /** Where the endpoint is (its host): the endpoint itself is not answered back. */
  host: z.string(),
  lang: z.enum(['vi', 'en']),
  createdAt: z.string(),
});
export type PushSubscriptionInfo = z.infer<typeof pushSubscriptionSchema>;

export const pushSubscriptionRemoveSchema = z
  .object({ endpoint: z.string().min(1).max(2000) })
  .strict();

/** What a push message carries (JSON, encrypted for the browser). */
export const pushMessageSchema = z.object({
  reportId: z.string(),
  event: z.string(),
  lang: z.enum(['vi', 'en']),
  textVi: z.string(),
  textEn: z.string(),
  /** The app's page of the report, relative to the site. */
  url: z.string(),
});
export type PushMessage = z.infer<typeof pushMessageSchema>;
