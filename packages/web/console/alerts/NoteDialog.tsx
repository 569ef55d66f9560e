/** Acknowledge or resolve an alert with an optional note: a modal dialog (Ctrl+Enter confirms, Esc cancels). */
import { useEffect, useId, useRef, useState } from 'react';
import type { AlertDetail } from '@cityops/contracts';
import { api } from '../../ui/api';
import { ErrorState } from '../../ui/components/states';
import { useT } from '../i18n';

export type AlertAction = 'acknowledge' | 'resolve';

export function NoteDialog(props: {
  action: AlertAction;
  alertId: string;
  title: string;
  onDone: (alert: AlertDetail) => void;
  onCancel: () => void;
}) {
  const { t } = useT();
  const id = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const text = note.trim() || undefined;
      const done =
        props.action === 'acknowledge'
          ? await api.alerts.acknowledge(props.alertId, text)
          : await api.alerts.resolve(props.alertId, text);
      props.onDone(done);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={ref}
      className="note-dialog"
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
      data-testid="note-dialog"
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2 id={`${id}-title`}>
          {props.action === 'acknowledge' ? t('alerts.ackTitle') : t('alerts.resolveTitle')}
        </h2>
        <p className="muted">{props.title}</p>
        <label className="block-label">
          {props.action === 'acknowledge' ? t('alerts.noteOptional') : t('alerts.resolveNote')}
          <textarea
            value={note}
            onChange={(e) => setNote(e.target.value)}
            maxLength={2000}
            rows={4}
            autoFocus
            data-testid="note-text"
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void submit();
              }
            }}
          />
        </label>
        <p className="muted small">{t('alerts.noteHint')}</p>
        {error !== null && <ErrorState error={error} compact />}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onCancel}>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            className="button primary"
            disabled={busy}
            data-testid="note-submit"
          >
            {props.action === 'acknowledge' ? t('alerts.acknowledge') : t('alerts.resolve')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
