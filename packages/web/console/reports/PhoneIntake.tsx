/**
 * A report taken by phone at the hotline (/reports/new): the kind and its
 * details, the description, the place (a tap on the map, coordinates typed,
 * or an address), and the caller's name and phone, which are kept as the
 * reporter's identity (shown only behind the audited button). The server
 * judges: a place outside the operator's units is refused with its reason.
 */
import { lazy, Suspense, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import type { ReportDetail } from '@cityops/contracts';
import { ApiError } from '../../ui/api/errors';
import { errorKey } from '../../ui/components/states';
import { AttributeField, type AttributeFieldLook } from '../../ui/reports/AttributeField';
import { attributeValues, type AttributeValues } from '../../ui/reports/attributes';
import { Link, navigate } from '../../ui/router';
import { useUiConfig } from '../../ui/ui-config';
import { useT } from '../i18n';
import { reportsApi } from './api';
import { useLookups } from './lookups';
import { queueHref } from './ReportQueue';
import { RefusalBox, type Refusal } from './ActionPanel';

const ReportMap = lazy(() => import('../../ui/reports/ReportMap'));

/** The form label of a field the server named in a 400. */
const FIELD_LABEL = {
  categoryCode: 'rep.new.category',
  description: 'rep.new.description',
  lat: 'rep.new.place',
  lon: 'rep.new.place',
  address: 'rep.new.address',
  reporter: 'rep.new.caller',
  attributes: 'rep.new.details',
} as const;

/** The category's details in the console's dense form: hints under typed inputs, test ids. */
const ATTRIBUTE_LOOK: AttributeFieldLook = {
  layout: 'stacked',
  name: 'data-testid',
  classes: {
    field: 'action-field',
    note: 'muted small',
    hint: 'muted small',
    check: 'inline-check',
    checkList: 'check-list',
  },
  textRows: 2,
};

/** "21.59, 105.84" (or with a semicolon or spaces) as a point; null when it is not one. */
export function parseLatLon(text: string): { lat: number; lon: number } | null {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*[,; ]\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!m) return null;
  const lat = Number(m[1]);
  const lon = Number(m[2]);
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon };
}

function Field(props: { label: string; hint?: string; children: ReactNode }) {
  return (
    <label className="action-field">
      <span>{props.label}</span>
      {props.children}
      {props.hint && <span className="muted small">{props.hint}</span>}
    </label>
  );
}

export default function PhoneIntake() {
  const { t, pick } = useT();
  const { config } = useUiConfig();
  const lookups = useLookups();
  const [category, setCategory] = useState('');
  const [values, setValues] = useState<AttributeValues>({});
  const [description, setDescription] = useState('');
  const [place, setPlace] = useState<{ lat: number; lon: number } | null>(null);
  const [coords, setCoords] = useState('');
  const [address, setAddress] = useState('');
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Refusal | null>(null);

  const def = lookups.categories.find((c) => c.code === category);
  const typed = coords.trim() ? parseLatLon(coords) : null;
  const badCoords = coords.trim() !== '' && !typed;

  const send = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (badCoords) {
      setError({ sentence: t('rep.new.badCoords'), fields: [] });
      return;
    }
    setBusy(true);
    try {
      const where = place ?? typed;
      const made: ReportDetail = await reportsApi.create({
        channel: 'phone',
        categoryCode: category,
        description: description.trim(),
        ...(where ? { lat: where.lat, lon: where.lon } : {}),
        ...(address.trim() ? { address: address.trim() } : {}),
        attributes: def ? attributeValues(def.attributes, values) : {},
        ...(name.trim() || phone.trim()
          ? {
              reporter: {
                ...(name.trim() ? { name: name.trim() } : {}),
                ...(phone.trim() ? { phone: phone.trim() } : {}),
              },
            }
          : {}),
      });
      navigate(`/reports/${made.id}`);
    } catch (err) {
      if (!(err instanceof ApiError)) {
        setError({ sentence: t('error.server'), fields: [] });
        return;
      }
      const fields = err.fieldErrors.map((f) => {
        const key = FIELD_LABEL[f.path.split('.')[0] as keyof typeof FIELD_LABEL] as
          (typeof FIELD_LABEL)[keyof typeof FIELD_LABEL] | undefined;
        return { label: key ? t(key) : f.path, message: f.message };
      });
      const sentence =
        err.status === 403
          ? t('rep.new.refused')
          : err.status === 400
            ? t('rep.new.invalid')
            : t(errorKey(err));
      setError({
        sentence,
        ...(err.detail && !err.unreachable ? { detail: err.detail } : {}),
        fields,
      });
    } finally {
      setBusy(false);
    }
  };

  const shown = place ?? typed;
  return (
    <div className="page phone-intake" data-testid="phone-intake">
      <Link href={queueHref()} className="back-link">
        ‹ {t('rep.back')}
      </Link>
      <h1>{t('rep.new.title')}</h1>
      <p className="muted">{t('rep.new.intro')}</p>
      <form className="intake-form" onSubmit={(e) => void send(e)}>
        <div className="intake-columns">
          <div className="intake-fields">
            <Field label={`${t('rep.new.category')} *`}>
              <select
                required
                value={category}
                data-testid="intake-category"
                onChange={(e) => {
                  setCategory(e.target.value);
                  setValues({});
                }}
              >
                <option value="">{t('rep.new.choose')}</option>
                {lookups.categories
                  .filter((c) => c.active)
                  .map((c) => (
                    <option key={c.code} value={c.code}>
                      {pick(c.nameVi, c.nameEn)}
                    </option>
                  ))}
              </select>
            </Field>
            {def?.attributes.map((a) => (
              <AttributeField
                key={a.code}
                def={a}
                value={values[a.code]}
                onChange={(v) => setValues((old) => ({ ...old, [a.code]: v }))}
                look={ATTRIBUTE_LOOK}
                choose={t('rep.new.choose')}
                requiredMark=" *"
              />
            ))}
            <Field label={`${t('rep.new.description')} *`}>
              <textarea
                rows={4}
                required
                maxLength={4000}
                value={description}
                data-testid="intake-description"
                onChange={(e) => setDescription(e.target.value)}
              />
            </Field>
            <Field label={t('rep.new.coords')} hint={t('rep.new.coordsHint')}>
              <input
                type="text"
                value={coords}
                data-testid="intake-coords"
                aria-invalid={badCoords}
                onChange={(e) => {
                  setCoords(e.target.value);
                  setPlace(null);
                }}
              />
            </Field>
            <Field label={t('rep.new.address')}>
              <input
                type="text"
                maxLength={500}
                value={address}
                data-testid="intake-address"
                onChange={(e) => setAddress(e.target.value)}
              />
            </Field>
            <fieldset className="action-field intake-caller">
              <legend>{t('rep.new.caller')}</legend>
              <p className="muted small">{t('rep.new.callerPrivate')}</p>
              <Field label={t('rep.reporterName')}>
                <input
                  type="text"
                  maxLength={200}
                  autoComplete="off"
                  value={name}
                  data-testid="intake-name"
                  onChange={(e) => setName(e.target.value)}
                />
              </Field>
              <Field label={t('rep.reporterPhone')}>
                <input
                  type="tel"
                  maxLength={20}
                  autoComplete="off"
                  value={phone}
                  data-testid="intake-phone"
                  onChange={(e) => setPhone(e.target.value)}
                />
              </Field>
            </fieldset>
          </div>
          <div className="intake-place">
            <p>{t('rep.new.place')}</p>
            <Suspense fallback={<div className="intake-map">{t('state.loading')}</div>}>
              <ReportMap
                label={t('rep.new.place')}
                className="intake-map"
                basemapUrl={config.basemapUrl}
                start="city"
                pick={{
                  value: shown,
                  onPick: (lat, lon) => {
                    setPlace({ lat, lon });
                    setCoords(`${lat.toFixed(6)}, ${lon.toFixed(6)}`);
                  },
                }}
              />
            </Suspense>
            <p className="muted small" data-testid="intake-picked">
              {shown
                ? t('rep.new.picked', { lat: shown.lat.toFixed(6), lon: shown.lon.toFixed(6) })
                : t('rep.new.tapHint')}
            </p>
          </div>
        </div>
        {error && <RefusalBox refusal={error} testid="intake-error" />}
        <div className="action-buttons">
          <button
            type="submit"
            className="button primary"
            disabled={busy}
            data-testid="intake-submit"
          >
            {t('rep.new.submit')}
          </button>
          <Link href={queueHref()} className="button">
            {t('rep.form.cancel')}
          </Link>
        </div>
      </form>
    </div>
  );
}
