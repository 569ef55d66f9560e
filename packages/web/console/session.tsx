/**
 * Who is signed in to the console: restored from the token in sessionStorage
 * (GET /api/v1/auth/me), set by sign-in, cleared by sign-out or when the
 * server refuses the token.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import type { Permission, User } from '@cityops/contracts';
import { api, ApiError } from '../ui/api';

export type SessionState =
  | { status: 'checking' }
  | { status: 'unreachable'; error: unknown }
  | { status: 'signed-out'; reason: 'none' | 'expired' | 'signed-out' }
  | { status: 'signed-in'; user: User; permissions: readonly string[] };

interface SessionValue {
  session: SessionState;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  retry: () => void;
  can: (permission: Permission) => boolean;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider(props: { children: ReactNode }) {
  const [session, setSession] = useState<SessionState>(() =>
    api.client.getToken() ? { status: 'checking' } : { status: 'signed-out', reason: 'none' },
  );
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!api.client.getToken()) return;
    const ctl = new AbortController();
    setSession({ status: 'checking' });
    api.me(ctl.signal).then(
      (me) => {
        if (me.user)
          setSession({ status: 'signed-in', user: me.user, permissions: me.permissions });
        else setSession({ status: 'signed-out', reason: 'none' });
      },
      (error: unknown) => {
        if (ctl.signal.aborted) return;
        if (error instanceof ApiError && error.status === 401)
          setSession({ status: 'signed-out', reason: 'expired' });
        else setSession({ status: 'unreachable', error });
      },
    );
    return () => ctl.abort();
  }, [attempt]);

  useEffect(
    () =>
      api.client.onSessionExpired(() => setSession({ status: 'signed-out', reason: 'expired' })),
    [],
  );

  const signIn = useCallback(async (email: string, password: string) => {
    const res = await api.login(email, password);
    api.client.setToken(res.token);
    setSession({ status: 'signed-in', user: res.user, permissions: res.permissions });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.logout();
    } catch {
      // The token is dropped below whatever the server says; an unreachable server cannot keep it alive.
    }
    api.client.setToken(null);
    setSession({ status: 'signed-out', reason: 'signed-out' });
  }, []);

  const value = useMemo<SessionValue>(
    () => ({
      session,
      signIn,
      signOut,
      retry: () => setAttempt((n) => n + 1),
      can: (p) => session.status === 'signed-in' && session.permissions.includes(p),
    }),
    [session, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{props.children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession needs a SessionProvider');
  return v;
}
