/** Cursor pagination: the API gives the next cursor; the pager remembers the previous ones. */
import { useCallback, useState } from 'react';
import { useT } from '../i18n';

export interface CursorPager {
  cursor: string | undefined;
  page: number;
  next: (cursor: string) => void;
  prev: () => void;
}

/** Pages of one list; a new `filterKey` (other filters) starts again at page 1. */
export function useCursorPager(filterKey: string): CursorPager {
  const [state, setState] = useState<{ key: string; stack: string[] }>({
    key: filterKey,
    stack: [],
  });
  const stack = state.key === filterKey ? state.stack : [];
  const next = useCallback(
    (c: string) =>
      setState((s) => ({ key: filterKey, stack: [...(s.key === filterKey ? s.stack : []), c] })),
    [filterKey],
  );
  const prev = useCallback(
    () =>
      setState((s) => ({ key: filterKey, stack: s.key === filterKey ? s.stack.slice(0, -1) : [] })),
    [filterKey],
  );
  return { cursor: stack[stack.length - 1], page: stack.length + 1, next, prev };
}

export function Pager(props: {
  pager: CursorPager;
  nextCursor: string | null | undefined;
  busy: boolean;
}) {
  const { t } = useT();
  const { pager, nextCursor, busy } = props;
  return (
    <nav className="pager" aria-label={t('pager.label')}>
      <button
        type="button"
        className="button"
        disabled={busy || pager.page === 1}
        onClick={pager.prev}
      >
        ‹ {t('pager.prev')}
      </button>
      <span aria-live="polite">{t('pager.page', { n: pager.page })}</span>
      <button
        type="button"
        className="button"
        disabled={busy || !nextCursor}
        onClick={() => nextCursor && pager.next(nextCursor)}
      >
        {t('pager.next')} ›
      </button>
    </nav>
  );
}
