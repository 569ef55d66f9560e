/**
 * Who the citizen is to the server, kept in localStorage so that reports can
 * be followed across visits: the phone sign-in (a token and the number) and
 * the follow tokens of reports sent without signing in. The first follow
 * token is reused for later anonymous reports, so one phone's anonymous
 * reports stay together; tokens from before a phone sign-in are kept so that
 * those reports can still be followed and rated.
 */
import { useSyncExternalStore } from 'react';

const KEY = 'cityops.citizen.identity';
const EVENT = 'cityops:identity';

export interface Identity {
  /** The phone sign-in, if any. */
  phone: { token: string; number: string; expiresAt: string } | null;
  /** Follow tokens of anonymous reports (newest last). */
  followTokens: string[];
}

const empty: Identity = { phone: null, followTokens: [] };
let cached: { raw: string | null; value: Identity } | null = null;

function read(): Identity {
  let raw: string | null = null;
  try {
    raw = localStorage.getItem(KEY);
  } catch {
    // Storage disabled: nothing remembered.
  }
  if (cached && cached.raw === raw) return cached.value;
  let value = empty;
  if (raw) {
    try {
      const v = JSON.parse(raw) as Partial<Identity>;
      value = {
        phone: v.phone ?? null,
        followTokens: Array.isArray(v.followTokens) ? v.followTokens : [],
      };
    } catch {
      value = empty;
    }
  }
  cached = { raw, value };
  return value;
}

function write(next: Identity): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // Storage disabled: the identity lasts for this page only.
    cached = { raw: null, value: next };
  }
  window.dispatchEvent(new Event(EVENT));
}

export const identity = {
  get: read,
  /** The token to send a new report with: the phone's, else the first anonymous one, else none. */
  submitToken(): string | null {
    const id = read();
    return id.phone?.token ?? id.followTokens[0] ?? null;
  },
  /** Every token that may own reports. */
  allTokens(): string[] {
    const id = read();
    return [...(id.phone ? [id.phone.token] : []), ...id.followTokens];
  },
  addFollowToken(token: string): void {
    const id = read();
    if (!id.followTokens.includes(token))
      write({ ...id, followTokens: [...id.followTokens, token] });
  },
  dropToken(token: string): void {
    const id = read();
    write({
      phone: id.phone?.token === token ? null : id.phone,
      followTokens: id.followTokens.filter((t) => t !== token),
    });
  },
  signIn(phone: Identity['phone']): void {
    write({ ...read(), phone });
  },
  signOut(): void {
    write({ ...read(), phone: null });
  },
};

function subscribe(cb: () => void): () => void {
  window.addEventListener(EVENT, cb);
  window.addEventListener('storage', cb);
  return () => {
    window.removeEventListener(EVENT, cb);
    window.removeEventListener('storage', cb);
  };
}

export function useIdentity(): Identity {
  return useSyncExternalStore(subscribe, read);
}
