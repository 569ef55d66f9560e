/** Loads something from the API for a component: loading, data or error, and reload. */
import { useCallback, useEffect, useState } from 'react';
import { isAbort } from './errors';

export type Resource<T> =
  | { state: 'loading'; data: T | undefined; error: null; reload: () => void }
  | { state: 'ready'; data: T; error: null; reload: () => void }
  | { state: 'error'; data: T | undefined; error: unknown; reload: () => void };

/**
 * Runs `load` when `key` changes (aborting the previous run) and on reload().
 * The previous data stays available while the next load runs.
 */
export function useResource<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
): Resource<T> {
  const [state, setState] = useState<{
    key: string;
    data: T | undefined;
    error: unknown;
    done: boolean;
  }>({ key, data: undefined, error: null, done: false });
  const [attempt, setAttempt] = useState(0);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ key, data: s.data, error: null, done: false }));
    load(ctl.signal).then(
      (data) => {
        if (!ctl.signal.aborted) setState({ key, data, error: null, done: true });
      },
      (error: unknown) => {
        if (!ctl.signal.aborted && !isAbort(error))
          setState((s) => ({ key, data: s.data, error, done: true }));
      },
    );
    return () => ctl.abort();
    // `load` is a fresh closure on every render; `key` says when it means something else.
  }, [key, attempt]);

  if (!state.done || state.key !== key)
    return { state: 'loading', data: state.data, error: null, reload };
  if (state.error !== null) return { state: 'error', data: state.data, error: state.error, reload };
  return { state: 'ready', data: state.data as T, error: null, reload };
}
