/**
 * Web push to the citizen app (RFC 8030 with VAPID, RFC 8292, and the
 * aes128gcm payload encryption of RFC 8291, by the `web-push` package):
 * - the VAPID key pair: CITYOPS_VAPID_PUBLIC_KEY and CITYOPS_VAPID_PRIVATE_KEY,
 *   or `vapid.json` in the data folder, made on first start readable by its
 *   owner only (like secret.key). The public key is served to the app; the
 *   private key is never logged nor answered;
 * - citizens' subscriptions (a browser's endpoint and keys), registered with a
 *   citizen token (signed in, or an anonymous follow token) and audited
 *   without the endpoint;
 * - the sender, which the report notifier's outbox uses (retries there): a
 *   push service answering 404 or 410 has dropped the subscription, and it is
 *   removed here too.
 */
import { isIP } from 'node:net';
import webpush from 'web-push';
import type { PushSubscriptionCreate, PushSubscriptionInfo } from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import type { Actor } from '../core/auth/principal.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { keyFromFile } from '../core/key-file.js';
import type { AuditService } from '../audit/audit.service.js';
import * as repo from './push.repo.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

const KEY_FILE = 'vapid.json';
const PUBLIC = /^[A-Za-z0-9_-]{87}$/;
const PRIVATE = /^[A-Za-z0-9_-]{43}$/;

function parseKeys(v: unknown): VapidKeys | undefined {
  const k = v as Partial<VapidKeys> | null;
  return k && PUBLIC.test(k.publicKey ?? '') && PRIVATE.test(k.privateKey ?? '')
    ? { publicKey: k.publicKey!, privateKey: k.privateKey! }
    : undefined;
}

/** The keys of the settings, or the data folder's key file (made now if there is none). */
export async function loadVapidKeys(opts: {
  publicKey: string | undefined;
  privateKey: string | undefined;
  dataDir: string;
}): Promise<VapidKeys> {
  if (opts.publicKey || opts.privateKey) {
    const keys = parseKeys(opts);
    if (!keys)
      throw new Error(
        'CITYOPS_VAPID_PUBLIC_KEY and CITYOPS_VAPID_PRIVATE_KEY: set both, as base64url P-256 keys (npx web-push generate-vapid-keys)',
      );
    return keys;
  }
  return keyFromFile(opts.dataDir, {
    name: KEY_FILE,
    make: () => JSON.stringify(webpush.generateVAPIDKeys()) + '\n',
    parse: (text) => {
      try {
        return parseKeys(JSON.parse(text));
      } catch {
        return undefined;
      }
    },
    expected: 'a VAPID key pair ({"publicKey","privateKey"})',
  });
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Checks a subscription's endpoint: an https URL of a push service, named by
 * its host (not an address: the server must not be made to post into a
 * private network). `allowLoopback` (tests) also takes http on the loopback.
 */
export function checkEndpoint(endpoint: string, allowLoopback: boolean): URL {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    throw ValidationError.field('endpoint', 'must be the URL of a push service');
  }
  if (allowLoopback && LOOPBACK.has(u.hostname) && ['http:', 'https:'].includes(u.protocol))
    return u;
  if (u.protocol !== 'https:')
    throw ValidationError.field('endpoint', 'must be an https URL of a push service');
  if (u.username || u.password)
    throw ValidationError.field('endpoint', 'must not carry a user name or password');
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) || LOOPBACK.has(u.hostname) || !host.includes('.'))
    throw ValidationError.field(
      'endpoint',
      'must name the push service by its public host name, not an address or a local name',
    );
  return u;
}

export interface PushOutcome {
  /** The push service's status. */
  status: number;
}

export class PushError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** Sends encrypted messages to push services, signed with the VAPID keys. */
export class WebPushSender {
  constructor(
    private readonly keys: VapidKeys,
    private readonly subject: string,
    private readonly timeoutMs = 10_000,
  ) {}

  get publicKey(): string {
    return this.keys.publicKey;
  }

  /**
   * Sends one message (kept by the push service for a day at most). Resolves
   * with the status on 2xx; a 404 or 410 is answered as well (the
   * subscription is gone); anything else throws PushError, for a retry.
   */
  async send(
    sub: { endpoint: string; p256dh: string; auth: string },
    payload: string,
  ): Promise<PushOutcome> {
    const details = webpush.generateRequestDetails(
      { endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
      payload,
      {
        vapidDetails: { subject: this.subject, ...this.keys },
        TTL: 86_400,
        contentEncoding: 'aes128gcm',
      },
    );
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(details.headers))
      if (k.toLowerCase() !== 'content-length') headers[k] = String(v);
    const host = new URL(sub.endpoint).host;
    let res: Response;
    try {
      res = await fetch(details.endpoint, {
        method: details.method,
        headers,
        body: details.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      // The endpoint carries the subscription's secret path: only its host is named.
      throw new PushError(`push service ${host}: ${(err as Error).message}`, null);
    }
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok || res.status === 404 || res.status === 410) return { status: res.status };
    throw new PushError(`push service ${host} answered ${res.status}`, res.status);
  }
}

export interface CitizenPushDeps {
  db: Db;
  audit: AuditService;
  clock: Clock;
  allowLoopback: boolean;
}

const info = (r: repo.PushSubscriptionRow): PushSubscriptionInfo => ({
  id: r.id,
  host: new URL(r.endpoint).host,
  lang: r.lang,
  createdAt: r.created_at.toISOString(),
});

/** A citizen's push subscriptions: register, list, remove (audited, without endpoints). */
export class CitizenPush {
  constructor(private readonly d: CitizenPushDeps) {}

  async subscribe(
    citizenId: string,
    actor: Actor,
    s: PushSubscriptionCreate,
  ): Promise<{ subscription: PushSubscriptionInfo; created: boolean }> {
    const url = checkEndpoint(s.endpoint, this.d.allowLoopback);
    return this.d.db.transaction(async (tx) => {
      const row = await repo.upsert(
        tx,
        {
          id: newId(),
          citizenId,
          endpoint: s.endpoint,
          p256dh: s.keys.p256dh,
          auth: s.keys.auth,
          lang: s.lang ?? 'vi',
        },
        this.d.clock.now(),
      );
      await this.d.audit.record(tx, actor, {
        action: row.inserted ? 'citizen.push_subscribe' : 'citizen.push_renew',
        entityType: 'citizen',
        entityId: citizenId,
        after: { subscription: row.id, host: url.host, lang: row.lang },
      });
      return { subscription: info(row), created: row.inserted };
    });
  }

  async unsubscribe(citizenId: string, actor: Actor, endpoint: string): Promise<void> {
    await this.d.db.transaction(async (tx) => {
      if (!(await repo.remove(tx, citizenId, endpoint)))
        throw new NotFoundError('Push subscription with this endpoint');
      await this.d.audit.record(tx, actor, {
        action: 'citizen.push_unsubscribe',
        entityType: 'citizen',
        entityId: citizenId,
        after: { host: hostOf(endpoint) },
      });
    });
  }

  async list(citizenId: string): Promise<PushSubscriptionInfo[]> {
    return (await repo.listOf(this.d.db, citizenId)).map(info);
  }
}

function hostOf(endpoint: string): string | null {
  try {
    return new URL(endpoint).host;
  } catch {
    return null;
  }
}
