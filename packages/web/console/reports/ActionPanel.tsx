/**
 * The actions the server says the signed-in user may take on a report now
 * (`allowedActions`: role, scope and status), each as a small form. The
 * server still judges every action: a refusal is explained in the user's
 * language, with the server's own words under it, and the report is read
 * again so that the offered actions follow its current state.
 */
import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import type { ReportAction, ReportDetail } from '@cityops/contracts';
import { ApiError } from '../../ui/api/errors';
import { ErrorState, errorKey } from '../../ui/components/states';
import { useResource } from '../../ui/api/use-resource';
import { resizePhoto } from '../../ui/reports/photos';
import { statusKey } from '../../ui/reports/report-messages';
import { useT } from '../i18n';
import { reportsApi } from './api';
import { useLookups } from './lookups';
import { StatusBadge } from './ReportQueue';

type T = ReturnType<typeof useT>['t'];

/** The form label of a field the server named in a 400 (its path in the action's body). */
const FIELD_LABEL = {
  note: 'rep.form.note',
  internalNote: 'rep.form.internalNote',
  categoryCode: 'rep.form.category',
  reason: 'rep.form.reason',
  agency: 'rep.form.primary',
  coordinating: 'rep.form.coordinating',
  days: 'rep.form.days',
  approve: 'rep.form.approve',
  text: 'rep.form.answerText',
  photoIds: 'rep.form.afterPhotos',
  into: 'rep.form.into',
} as const;

export interface Refusal {
  /** Why, in the user's language. */
  sentence: string;
  /** The server's own words (in the user's language when it has them), when it gave them. */
  detail?: string;
  /** The fields the server named, with their form labels. */
  fields: Array<{ label: string; message: string }>;
}

/** A refusal as shown under a form: the sentence, the fields named, the server's words. */
export function RefusalBox({ refusal, testid }: { refusal: Refusal; testid: string }) {
  const { t } = useT();
  return (
    <div className="state state-error compact" role="alert" data-testid={testid}>
      <p data-testid={`${testid}-reason`}>{refusal.sentence}</p>
      {refusal.fields.length > 0 && (
        <ul className="field-errors">
          {refusal.fields.map((f) => (
            <li key={`${f.label}:${f.message}`}>
              <strong>{f.label}</strong>: {f.message}
            </li>
          ))}
        </ul>
      )}
      {refusal.detail && (
        <p className="muted small" data-testid={`${testid}-detail`}>
          {t('rep.serverSays')} <q>{refusal.detail}</q>
        </p>
      )}
    </div>
  );
}

/**
 * A refused action explained: 403 (role or scope), 409 (the report's state;
 * `now` is the report as read again after the refusal), 400 (the fields), or
 * the common sentence for anything else.
 */
export function refusalOf(
  t: T,
  err: unknown,
  action: ReportAction,
  now: ReportDetail | null,
): Refusal {
  const name = t(`rep.act.${action}`);
  if (!(err instanceof ApiError)) return { sentence: t('error.server'), fields: [] };
  const detail = err.unreachable ? undefined : (err.detail ?? undefined);
  const fields = err.fieldErrors.map((f) => {
    const key = FIELD_LABEL[f.path.split('.')[0] as keyof typeof FIELD_LABEL];
    return { label: key ? t(key) : f.path, message: f.message };
  });
  let sentence: string;
  switch (err.status) {
    case 403:
      sentence = t('rep.refused.forbidden', { action: name });
      break;
    case 409:
      sentence = now
        ? t(
            now.extension?.status === 'pending'
              ? 'rep.refused.conflictPending'
              : 'rep.refused.conflict',
            { action: name, status: t(statusKey(now.status)) },
          )
        : t('rep.refused.conflictUnknown', { action: name });
      break;
    case 404:
      sentence = t('rep.refused.notFound');
      break;
    case 400:
      sentence = t('rep.refused.invalid', { action: name });
      break;
    default:
      sentence = t(errorKey(err));
  }
  return { sentence, ...(detail ? { detail } : {}), fields };
}

function Field(props: { label: string; children: ReactNode }) {
  return (
    <label className="action-field">
      <span>{props.label}</span>
      {props.children}
    </label>
  );
}

/** An excerpt of a description, at most `n` characters, cut at a word. */
function excerpt(text: string, n = 90): string {
  const one = text.replace(/\s+/g, ' ').trim();
  if (one.length <= n) return one;
  const cut = one.slice(0, n);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), n / 2)).trimEnd()}…`;
}

/**
 * The candidates of a merge: open reports of the same category near this one
 * (the server's nearby search, in the user's scope), nearest first; picking
 * one fills the number below, which can still be typed.
 */
function MergeCandidates(props: {
  report: ReportDetail;
  into: string;
  onPick: (id: string) => void;
}) {
  const { t, fmt } = useT();
  const id = props.report.id;
  const res = useResource(`duplicates:${id}`, (signal) => reportsApi.duplicates(id, signal));
  const picked = props.into.trim().replace(/^#/, '');
  return (
    <fieldset className="action-field merge-candidates" data-testid="merge-candidates">
      <legend>{t('rep.merge.candidates')}</legend>
      {res.state === 'loading' && <p className="muted small">{t('state.loading')}</p>}
      {res.state === 'error' && <ErrorState error={res.error} compact onRetry={res.reload} />}
      {res.state === 'ready' &&
        (res.data.items.length === 0 ? (
          <p className="muted small" data-testid="merge-no-candidates">
            {props.report.location ? t('rep.merge.none') : t('rep.merge.noLocation')}
          </p>
        ) : (
          <ul className="candidate-list">
            {res.data.items.map((c) => (
              <li key={c.id}>
                <label className="candidate" data-testid={`merge-candidate-${c.id}`}>
                  <input
                    type="radio"
                    name="merge-into"
                    value={c.id}
                    checked={picked === c.id}
                    onChange={() => props.onPick(c.id)}
                  />
                  <span>
                    <strong>#{c.id}</strong>{' '}
                    <span className="muted">
                      {t('rep.merge.distance', { m: fmt.number(c.distance) })}
                    </span>{' '}
                    <StatusBadge status={c.status} />
                    <br />
                    <span className="small">{excerpt(c.description)}</span>{' '}
                    <a href={`/reports/${c.id}`} target="_blank" rel="noreferrer" className="small">
                      {t('rep.merge.open')}
                    </a>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        ))}
    </fieldset>
  );
}

function ActionForm(props: {
  action: ReportAction;
  report: ReportDetail;
  onDone: (r: ReportDetail) => void;
  onRefreshed: (r: ReportDetail) => void;
  onCancel: () => void;
}) {
  const { t, pick } = useT();
  const lookups = useLookups();
  const { action, report } = props;
  const [note, setNote] = useState('');
  const [internalNote, setInternalNote] = useState('');
  const [reason, setReason] = useState('');
  const [category, setCategory] = useState('');
  const [agency, setAgency] = useState('');
  const [coordinating, setCoordinating] = useState<string[]>(
    report.coordinatingAgencies.map((a) => a.code),
  );
  const [days, setDays] = useState('5');
  const [approve, setApprove] = useState(true);
  const [text, setText] = useState('');
  const [photos, setPhotos] = useState<File[]>([]);
  const [into, setInto] = useState('');
  const [busy, setBusy] = useState<false | 'uploading' | 'sending'>(false);
  const [error, setError] = useState<Refusal | null>(null);

  const opt = (v: string) => (v.trim() ? v.trim() : undefined);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      let result: ReportDetail;
      const id = report.id;
      switch (action) {
        case 'verify':
          setBusy('sending');
          result = await reportsApi.act(id, 'verify', {
            note: opt(note),
            internalNote: opt(internalNote),
            categoryCode: opt(category),
          });
          break;
        case 'reject':
          setBusy('sending');
          result = await reportsApi.act(id, 'reject', {
            reason: reason.trim(),
            internalNote: opt(internalNote),
          });
          break;
        case 'assign':
          setBusy('sending');
          result = await reportsApi.act(id, 'assign', {
            agency: opt(agency),
            coordinating: coordinating.filter((c) => c !== agency),
            note: opt(note),
            internalNote: opt(internalNote),
          });
          break;
        case 'start':
          setBusy('sending');
          result = await reportsApi.act(id, 'start', {
            note: opt(note),
            internalNote: opt(internalNote),
          });
          break;
        case 'extend':
          setBusy('sending');
          result = await reportsApi.act(id, 'extend', {
            days: Number(days),
            reason: reason.trim(),
          });
          break;
        case 'approve-extension':
          setBusy('sending');
          result = await reportsApi.act(id, 'approve-extension', { approve, note: opt(note) });
          break;
        case 'return':
          setBusy('sending');
          result = await reportsApi.act(id, 'return', { reason: reason.trim() });
          break;
        case 'answer': {
          setBusy('uploading');
          const photoIds: string[] = [];
          for (const f of photos)
            photoIds.push((await reportsApi.uploadPhoto(await resizePhoto(f))).id);
          setBusy('sending');
          result = await reportsApi.act(id, 'answer', {
            text: text.trim(),
            photoIds,
            internalNote: opt(internalNote),
          });
          break;
        }
        case 'merge':
          setBusy('sending');
          result = await reportsApi.act(id, 'merge', {
            into: into.trim().replace(/^#/, ''),
            note: opt(note),
          });
          break;
        case 'close':
          setBusy('sending');
          result = await reportsApi.act(id, 'close', { note: opt(note) });
          break;
      }
      props.onDone(result);
    } catch (err) {
      // Read the report again after a refusal: its state may have moved on, and
      // the actions offered follow it.
      const now =
        err instanceof ApiError && (err.status === 403 || err.status === 409)
          ? await reportsApi.get(report.id).catch(() => null)
          : null;
      setError(refusalOf(t, err, action, now));
      if (now) props.onRefreshed(now);
    } finally {
      setBusy(false);
    }
  };

  const noteField = (
    <Field label={t('rep.form.note')}>
      <textarea
        rows={2}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        data-testid="action-note"
      />
    </Field>
  );
  const internalField = (
    <Field label={t('rep.form.internalNote')}>
      <textarea rows={2} value={internalNote} onChange={(e) => setInternalNote(e.target.value)} />
    </Field>
  );
  const reasonField = (
    <Field label={t('rep.form.reason')}>
      <textarea
        rows={2}
        required
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        data-testid="action-reason"
      />
    </Field>
  );

  let fields: ReactNode;
  switch (action) {
    case 'verify':
      fields = (
        <>
          <Field label={t('rep.form.category')}>
            <select value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="">{t('rep.form.keepCategory')}</option>
              {lookups.categories
                .filter((c) => c.active && c.code !== report.category.code)
                .map((c) => (
                  <option key={c.code} value={c.code}>
                    {pick(c.nameVi, c.nameEn)}
                  </option>
                ))}
            </select>
          </Field>
          {noteField}
          {internalField}
        </>
      );
      break;
    case 'reject':
    case 'return':
      fields = (
        <>
          {reasonField}
          {action === 'reject' && internalField}
        </>
      );
      break;
    case 'assign': {
      const routed = report.suggestedAgency;
      fields = (
        <>
          <Field label={t('rep.form.primary')}>
            <select
              value={agency}
              onChange={(e) => setAgency(e.target.value)}
              data-testid="assign-agency"
            >
              <option value="">
                {routed ? t('rep.form.routed', { name: pick(routed.nameVi, routed.nameEn) }) : '—'}
              </option>
              {lookups.agencies.map((a) => (
                <option key={a.code} value={a.code}>
                  {pick(a.nameVi, a.nameEn)}
                </option>
              ))}
            </select>
          </Field>
          <fieldset className="action-field">
            <legend>{t('rep.form.coordinating')}</legend>
            <div className="check-list">
              {lookups.agencies
                .filter((a) => a.code !== (agency || routed?.code))
                .map((a) => (
                  <label key={a.code} className="inline-check">
                    <input
                      type="checkbox"
                      checked={coordinating.includes(a.code)}
                      data-testid={`coordinating-${a.code}`}
                      onChange={(e) =>
                        setCoordinating((list) =>
                          e.target.checked ? [...list, a.code] : list.filter((c) => c !== a.code),
                        )
                      }
                    />
                    {pick(a.nameVi, a.nameEn)}
                  </label>
                ))}
            </div>
          </fieldset>
          {noteField}
          {internalField}
        </>
      );
      break;
    }
    case 'start':
      fields = (
        <>
          {noteField}
          {internalField}
        </>
      );
      break;
    case 'extend':
      fields = (
        <>
          <Field label={t('rep.form.days')}>
            <input
              type="number"
              min={1}
              max={30}
              value={days}
              onChange={(e) => setDays(e.target.value)}
            />
          </Field>
          {reasonField}
        </>
      );
      break;
    case 'approve-extension':
      fields = (
        <>
          <div className="check-list" role="radiogroup">
            <label className="inline-check">
              <input type="radio" checked={approve} onChange={() => setApprove(true)} />
              {t('rep.form.approve')}
            </label>
            <label className="inline-check">
              <input type="radio" checked={!approve} onChange={() => setApprove(false)} />
              {t('rep.form.refuse')}
            </label>
          </div>
          <Field label={t('rep.form.decisionNote')}>
            <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
          </Field>
        </>
      );
      break;
    case 'answer':
      fields = (
        <>
          <Field label={t('rep.form.answerText')}>
            <textarea
              rows={4}
              required
              value={text}
              onChange={(e) => setText(e.target.value)}
              data-testid="answer-text"
            />
          </Field>
          <Field label={t('rep.form.afterPhotos')}>
            <input
              type="file"
              accept="image/*"
              multiple
              data-testid="answer-photos"
              onChange={(e) => setPhotos(Array.from(e.target.files ?? []).slice(0, 10))}
            />
          </Field>
          {photos.length > 0 && (
            <p className="muted small">{photos.map((p) => p.name).join(', ')}</p>
          )}
          {internalField}
        </>
      );
      break;
    case 'merge':
      fields = (
        <>
          <MergeCandidates report={report} into={into} onPick={setInto} />
          <Field label={t('rep.form.into')}>
            <input
              type="text"
              inputMode="numeric"
              required
              value={into}
              onChange={(e) => setInto(e.target.value)}
              data-testid="merge-into"
            />
          </Field>
          {noteField}
        </>
      );
      break;
    case 'close':
      fields = noteField;
      break;
  }

  return (
    <form className="action-form" onSubmit={(e) => void send(e)} data-testid={`form-${action}`}>
      <h3>{t(`rep.act.${action}`)}</h3>
      {fields}
      {busy === 'uploading' && <p role="status">{t('rep.form.uploading')}</p>}
      {error && <RefusalBox refusal={error} testid="action-error" />}
      <div className="action-buttons">
        <button
          type="submit"
          className="button primary"
          disabled={busy !== false || !report.allowedActions.includes(action)}
          data-testid="action-submit"
        >
          {t('rep.form.submit')}
        </button>
        <button type="button" className="button" onClick={props.onCancel}>
          {t('rep.form.cancel')}
        </button>
      </div>
    </form>
  );
}

export function ActionPanel(props: { report: ReportDetail; onChange: (r: ReportDetail) => void }) {
  const { t } = useT();
  const [open, setOpen] = useState<ReportAction | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const actions = props.report.allowedActions;
  return (
    <section className="detail-section actions-panel" aria-labelledby="actions-title">
      <h2 id="actions-title">{t('rep.actions')}</h2>
      {done && (
        <p className="success-note" role="status" data-testid="action-done">
          {done}
        </p>
      )}
      {actions.length === 0 ? (
        <p className="muted" data-testid="no-actions">
          {t('rep.noActions')}
        </p>
      ) : (
        <div className="action-buttons" data-testid="action-list">
          {actions.map((a) => (
            <button
              key={a}
              type="button"
              className={`button${open === a ? ' primary' : ''}`}
              aria-expanded={open === a}
              data-testid={`action-${a}`}
              data-action={a}
              onClick={() => {
                setDone(null);
                setOpen(open === a ? null : a);
              }}
            >
              {t(`rep.act.${a}`)}
            </button>
          ))}
        </div>
      )}
      {open && (
        <ActionForm
          key={open}
          action={open}
          report={props.report}
          onCancel={() => setOpen(null)}
          onRefreshed={props.onChange}
          onDone={(r) => {
            setOpen(null);
            setDone(t('rep.done', { status: t(statusKey(r.status)) }));
            props.onChange(r);
          }}
        />
      )}
    </section>
  );
}
