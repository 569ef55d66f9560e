/** The operators' keyboard shortcuts (opened with `?`). */
import { useEffect, useId, useRef } from 'react';
import { useT } from '../i18n';
import type { ConsoleKey } from '../messages';

export const shortcuts: ReadonlyArray<{ keys: string[]; what: ConsoleKey }> = [
  { keys: ['j', '↓'], what: 'keys.next' },
  { keys: ['k', '↑'], what: 'keys.prev' },
  { keys: ['a'], what: 'keys.acknowledge' },
  { keys: ['r'], what: 'keys.resolve' },
  { keys: ['Enter'], what: 'keys.open' },
  { keys: ['1', '2', '3'], what: 'keys.queues' },
  { keys: ['m'], what: 'keys.map' },
  { keys: ['?'], what: 'keys.help' },
  { keys: ['Esc'], what: 'keys.close' },
];

export function ShortcutHelp(props: { onClose: () => void }) {
  const { t } = useT();
  const id = useId();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="help-dialog"
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
      data-testid="shortcut-help"
    >
      <h2 id={`${id}-title`}>{t('keys.title')}</h2>
      <table className="data">
        <tbody>
          {shortcuts.map((s) => (
            <tr key={s.what}>
              <td className="nowrap">
                {s.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && ' '}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>{t(s.what)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dialog-actions">
        <button type="button" className="button primary" onClick={props.onClose} autoFocus>
          {t('state.close')}
        </button>
      </div>
    </dialog>
  );
}
