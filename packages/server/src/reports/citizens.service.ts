/**
 * Citizen sign-in: a phone number and a one-time code sent by SMS. Codes are
 * six digits, kept only as a salted hash, valid five minutes, five attempts;
 * asking is limited per phone (one a minute, three in fifteen minutes) and
 * per address (ten in fifteen minutes). A verified code gives a citizen
 * token (a bearer secret of kind `citizen`, coc_…); a citizen who reports
 * without signing in gets the token of a new anonymous citizen instead, to
 * follow and rate that report. Without an SMS gateway (development) the code
 * is written to the log, and only then.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Db, Queryable } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import type { Actor, Principal } from '../core/auth/principal.js';
import { hashSecret, newSecret } from '../core/auth/secrets.js';
import { newId } from '../core/ids.js';
import {
  RateLimitedError,
  UnauthorizedError,
  UnavailableError,
  ValidationError,
} from '../core/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import type { SmsSender } from './sms.js';
import * as repo from './citizens.repo.js';

export const OTP_TTL_MS = 5 * 60_000;
export const OTP_ATTEMPTS = 5;
const WINDOW_MS = 15 * 60_000;
const PER_PHONE = 3;
const PER_IP = 10;
const RESEND_MS = 60_000;

/** A Vietnamese mobile number in E.164 (+84 and nine digits), from what people type. */
export function normalizePhone(input: string): string {
  const digits = input.replace(/[\s.()-]/g, '');
  const n = digits.startsWith('+84')
    ? digits
    : digits.startsWith('84') && digits.length === 11
      ? `+${digits}`
      : digits.startsWith('0')
        ? `+84${digits.slice(1)}`
        : digits;
  if (!/^\+84[35789]\d{8}$/.test(n)) {
    throw ValidationError.field(
      'phone',
      'not a Vietnamese mobile number (0912 345 678 or +84 912 345 678)',
    );
  }
  return n;
}

/** "+84912345678" → "+8491*****78", for logs. */
export const maskPhone = (phone: string) => `${phone.slice(0, 5)}*****${phone.slice(-2)}`;

const hashCode = (salt: string, code: string) =>
  createHash('sha256').update(salt).update(':').update(code).digest();

export interface CitizenSession {
  token: string;
  expiresAt: string;
  citizen: { id: string; phone: string | null };
}

export class CitizensService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
    private readonly sms: SmsSender | null,
    private readonly tokenDays: number,
  ) {}

  /** Sends a sign-in code; answers when it expires and when another may be asked. */
  async requestCode(input: string, ip: string): Promise<{ expiresAt: string; retryAfter: number }> {
    const phone = normalizePhone(input);
    const now = this.clock.now();
    const recent = await repo.recentOtps(this.db, phone, ip, new Date(now.getTime() - WINDOW_MS));
    const last = recent.byPhone[0];
    if (last && now.getTime() - last.getTime() < RESEND_MS) {
      const wait = Math.ceil((RESEND_MS - (now.getTime() - last.getTime())) / 1000);
      throw new RateLimitedError(`A code was just sent to this phone; ask again in ${wait} s.`);
    }
    if (recent.byPhone.length >= PER_PHONE)
      throw new RateLimitedError('Too many codes for this phone; try again in 15 minutes.');
    if (recent.byIp >= PER_IP)
      throw new RateLimitedError('Too many codes from this address; try again in 15 minutes.');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const salt = randomBytes(16).toString('hex');
    const expiresAt = new Date(now.getTime() + OTP_TTL_MS);
    const id = newId();
    await repo.insertOtp(this.db, {
      id,
      phone,
      ip,
      salt,
      code_hash: hashCode(salt, code).toString('hex'),
      created_at: now,
      expires_at: expiresAt,
    });
    const text = `CityOps: ma xac thuc cua ban la ${code} (hieu luc 5 phut). Your code: ${code}`;
    if (this.sms) {
      try {
        await this.sms.send(phone, text);
      } catch (err) {
        await repo.useOtp(this.db, id, now);
        this.log.error({ err }, 'sign-in code not sent');
        throw new UnavailableError('The code could not be sent; try again later.');
      }
    } else {
      this.log.warn(
        { phone: maskPhone(phone), code },
        'development mode (no CITYOPS_SMS_URL): the sign-in code is written here instead of sent',
      );
    }
    return { expiresAt: expiresAt.toISOString(), retryAfter: RESEND_MS / 1000 };
  }

  /** Checks a code; answers a citizen token. */
  async verifyCode(input: string, code: string, ip: string): Promise<CitizenSession> {
    const phone = normalizePhone(input);
    const now = this.clock.now();
    const outcome = await this.db.transaction(async (tx) => {
      const otp = await repo.currentOtp(tx, phone, now);
      if (!otp) return { error: 'No valid code for this phone; ask for a new one.' } as const;
      if (otp.attempts >= OTP_ATTEMPTS)
        return { error: 'Too many wrong codes; ask for a new one.' } as const;
      const ok = timingSafeEqual(hashCode(otp.salt, code), Buffer.from(otp.code_hash, 'hex'));
      if (!ok) {
        const used = await repo.countAttempt(tx, otp.id);
        const left = OTP_ATTEMPTS - used;
        return {
          error:
            left > 0
              ? `Wrong code; ${left} attempt${left > 1 ? 's' : ''} left.`
              : 'Wrong code; ask for a new one.',
        } as const;
      }
      await repo.useOtp(tx, otp.id, now);
      const citizenId = await repo.citizenByPhone(tx, newId(), phone, now);
      const session = await this.newSession(tx, citizenId, phone, now);
      await this.audit.record(
        tx,
        { type: 'citizen', id: citizenId, label: `citizen ${citizenId}`, ip },
        { action: 'citizen.sign_in', entityType: 'citizen', entityId: citizenId },
      );
      return { session } as const;
    });
    if ('error' in outcome) throw new UnauthorizedError(outcome.error);
    return outcome.session;
  }

  /** A new anonymous citizen and its token, in the caller's transaction. */
  async anonymous(tx: Queryable): Promise<CitizenSession> {
    const now = this.clock.now();
    const id = newId();
    await repo.insertAnonymous(tx, id, now);
    return this.newSession(tx, id, null, now);
  }

  /**
   * A new token for an anonymous citizen (the answer to a retried anonymous
   * submission, whose first answer with the token was lost).
   */
  async reissueAnonymous(citizenId: string, actor: Actor): Promise<string> {
    return this.db.transaction(async (tx) => {
      const s = await this.newSession(tx, citizenId, null, this.clock.now());
      await this.audit.record(tx, actor, {
        action: 'citizen.token_reissued',
        entityType: 'citizen',
        entityId: citizenId,
      });
      return s.token;
    });
  }

  private async newSession(tx: Queryable, citizenId: string, phone: string | null, now: Date) {
    const token = newSecret('citizen');
    const expiresAt = new Date(now.getTime() + this.tokenDays * 86_400_000);
    await repo.insertSession(tx, {
      id: newId(),
      citizenId,
      tokenHash: hashSecret(token),
      now,
      expiresAt,
    });
    return { token, expiresAt: expiresAt.toISOString(), citizen: { id: citizenId, phone } };
  }

  /** The secret handler for citizen tokens (registered with the auth service). */
  async authenticate(hash: string): Promise<Principal | null> {
    const row = await repo.sessionByHash(this.db, hash, this.clock.now());
    if (!row) return null;
    return {
      kind: 'citizen',
      id: row.citizen_id,
      phone: row.phone,
      scope: { all: false, units: [], agencies: [] },
    };
  }

  async signOut(token: string): Promise<void> {
    await repo.revokeSession(this.db, hashSecret(token), this.clock.now());
  }
}
