/**
 * Report a problem: the kind (categories from the API with their own extra
 * questions), photos from the camera (made smaller in the browser), the place
 * (GPS or a tap on the map), a description; before sending, open reports of
 * the same kind nearby, any of which the citizen may follow instead. Offline,
 * or when the server cannot be reached, the report is queued and sent later.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError } from '../../ui/api/errors';
import { ErrorState } from '../../ui/components/states';
import { navigate } from '../../ui/router';
import { AttributeField, type AttributeFieldLook } from '../../ui/reports/AttributeField';
import { attributeValues, isBlank, type AttributeValues } from '../../ui/reports/attributes';
import { statusKey } from '../../ui/reports/report-messages';
import { MAX_PHOTO_EDGE, resizePhoto } from '../../ui/reports/photos';
import { citizenApi, type NearbyReport, type ReportCategory, type ReportDraft } from '../api';
import { useT } from '../i18n';
import { LazyMap } from '../map/LazyMap';
import { enqueue, isTransient, newAttempt, sendReport } from '../outbox/outbox';
import { useCategories } from '../state/categories';
import { identity, useIdentity } from '../state/identity';
import { followReport, markSeen, refreshMyReports, watching } from '../state/my-reports';
import { useOnline } from '../state/online';
import { CategoryIcon, Icon, type IconName } from '../../ui/reports/icons';

const MAX_PHOTOS = 5;
/** Roughly the province (after the 2025 merger with Bắc Kạn): only a hint, the server decides. */
const AREA = { minLon: 105.3, maxLon: 106.4, minLat: 21.25, maxLat: 22.8 };

interface Photo {
  blob: Blob;
  url: string;
}

interface Place {
  lat: number;
  lon: number;
  accuracy: number | null;
}

/** The category's details in the big touch form: label, mark and hint above each control, ids. */
const ATTRIBUTE_LOOK: AttributeFieldLook = {
  layout: 'captioned',
  name: 'id',
  classes: { field: 'field', note: 'note', hint: 'hint', check: 'check' },
  textRows: 3,
};

function CategoryPicker(props: {
  categories: ReportCategory[];
  value: string;
  onChange: (code: string) => void;
}) {
  const { t, pick } = useT();
  return (
    <fieldset className="section">
      <legend>
        <h2>1. {t('form.category')}</h2>
      </legend>
      <div className="category-grid" role="radiogroup" aria-label={t('form.category')}>
        {props.categories.map((c) => (
          <label
            key={c.code}
            className={`category-tile${props.value === c.code ? ' chosen' : ''}`}
            data-testid={`category-${c.code}`}
          >
            <input
              type="radio"
              name="category"
              className="sr-only"
              value={c.code}
              checked={props.value === c.code}
              onChange={() => props.onChange(c.code)}
            />
            <CategoryIcon code={c.code} group={c.group} size={30} />
            <span>{pick(c.nameVi, c.nameEn)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function PhotoPicker(props: { photos: Photo[]; onChange: (photos: Photo[]) => void }) {
  const { t } = useT();
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const photos = useRef(props.photos);
  photos.current = props.photos;

  const add = async (files: FileList | null) => {
    if (!files) return;
    setBusy(true);
    setFailed(false);
    const next = [...photos.current];
    for (const file of Array.from(files)) {
      if (next.length >= MAX_PHOTOS) break;
      try {
        const blob = await resizePhoto(file, MAX_PHOTO_EDGE);
        next.push({ blob, url: URL.createObjectURL(blob) });
      } catch {
        setFailed(true);
      }
    }
    setBusy(false);
    props.onChange(next);
  };

  const input = (capture: boolean, testId: string, label: string, icon: IconName) => (
    <label className="button big photo-button">
      <Icon name={icon} /> {label}
      <input
        type="file"
        accept="image/*"
        {...(capture ? { capture: 'environment' } : { multiple: true })}
        className="sr-only"
        data-testid={testId}
        disabled={busy || props.photos.length >= MAX_PHOTOS}
        onChange={(e) => {
          const files = e.target.files;
          void add(files).then(() => (e.target.value = ''));
        }}
      />
    </label>
  );

  return (
    <section className="section" aria-labelledby="photos-title">
      <h2 id="photos-title">2. {t('form.photos')}</h2>
      <p className="muted">{t('form.photosHint', { n: MAX_PHOTOS })}</p>
      <div className="photo-buttons">
        {input(true, 'photo-camera', t('form.takePhoto'), 'camera')}
        {input(false, 'photo-library', t('form.pickPhoto'), 'image')}
      </div>
      {busy && <p role="status">{t('form.preparing')}</p>}
      {failed && <p className="form-error">{t('form.photoError')}</p>}
      {props.photos.length > 0 && (
        <ul className="photo-strip" data-testid="photo-previews">
          {props.photos.map((p, i) => (
            <li key={p.url}>
              <img src={p.url} alt={t('detail.photo', { n: i + 1 })} />
              <button
                type="button"
                className="icon-button remove"
                aria-label={t('form.removePhoto', { n: i + 1 })}
                onClick={() => {
                  URL.revokeObjectURL(p.url);
                  props.onChange(props.photos.filter((x) => x !== p));
                }}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function LocationPicker(props: { place: Place | null; onChange: (p: Place) => void }) {
  const { t, fmt } = useT();
  const [gps, setGps] = useState<
    { state: 'idle' | 'locating' } | { state: 'failed'; reason: string }
  >({
    state: 'idle',
  });
  const locate = () => {
    if (!('geolocation' in navigator)) {
      setGps({ state: 'failed', reason: 'GPS' });
      return;
    }
    setGps({ state: 'locating' });
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setGps({ state: 'idle' });
        props.onChange({
          lat: pos.coords.latitude,
          lon: pos.coords.longitude,
          accuracy: Math.round(pos.coords.accuracy),
        });
      },
      (err) => setGps({ state: 'failed', reason: err.message || String(err.code) }),
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 },
    );
  };
  const p = props.place;
  const outside =
    p && (p.lon < AREA.minLon || p.lon > AREA.maxLon || p.lat < AREA.minLat || p.lat > AREA.maxLat);
  return (
    <section className="section" aria-labelledby="location-title">
      <h2 id="location-title">3. {t('form.location')}</h2>
      <button
        type="button"
        className="button big"
        onClick={locate}
        disabled={gps.state === 'locating'}
        data-testid="use-gps"
      >
        <Icon name="pin" /> {gps.state === 'locating' ? t('form.locating') : t('form.useGps')}
      </button>
      {gps.state === 'failed' && (
        <p className="form-error" role="alert">
          {t('form.gpsDenied', { reason: gps.reason })}
        </p>
      )}
      <p className="muted">{t('form.tapMap')}</p>
      <LazyMap
        label={t('map.picker')}
        pick={{
          value: p,
          onPick: (lat, lon) => props.onChange({ lat, lon, accuracy: null }),
        }}
      />
      {p && (
        <p role="status" data-testid="picked-location">
          {t('form.position', {
            lat: fmt.number(Number(p.lat.toFixed(5))),
            lon: fmt.number(Number(p.lon.toFixed(5))),
          })}{' '}
          {p.accuracy !== null && t('form.accuracy', { m: p.accuracy })}
        </p>
      )}
      {outside && <p className="form-error">{t('form.outside')}</p>}
    </section>
  );
}

function Nearby(props: { items: NearbyReport[] }) {
  const { t, pick } = useT();
  if (props.items.length === 0) return null;
  return (
    <section className="section nearby" aria-labelledby="nearby-title" data-testid="nearby">
      <h2 id="nearby-title">{t('form.nearbyTitle', { n: props.items.length })}</h2>
      <p>{t('form.nearbyIntro')}</p>
      <ul className="cards">
        {props.items.map((r) => (
          <li key={r.id} className="card">
            <div className="card-head">
              <strong>#{r.id}</strong>
              <span className={`status-chip status-${r.status}`}>{t(statusKey(r.status))}</span>
              <span className="muted">
                {t('form.nearbyDistance', { m: Math.round(r.distance) })}
              </span>
            </div>
            <div>{pick(r.category.nameVi, r.category.nameEn)}</div>
            {r.description && <p className="clamp">{r.description}</p>}
            <button
              type="button"
              className="button big"
              data-testid={`follow-${r.id}`}
              onClick={() => {
                // On the server when this device has a citizen token (else on the device).
                followReport(r.id, r.status).then(
                  (done) => navigate(`/citizen/reports/${done.id}?followed=1`),
                  () => {
                    watching.add(r.id);
                    markSeen(r.id, r.status);
                    navigate(`/citizen/reports/${r.id}?followed=1`);
                  },
                );
              }}
            >
              {t('form.nearbyFollow')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function ReportForm() {
  const { t, pick } = useT();
  const online = useOnline();
  const me = useIdentity();
  const { categories, error: categoriesError, reload } = useCategories();
  const [categoryCode, setCategoryCode] = useState('');
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [place, setPlace] = useState<Place | null>(null);
  const [address, setAddress] = useState('');
  const [description, setDescription] = useState('');
  const [values, setValues] = useState<AttributeValues>({});
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [nearby, setNearby] = useState<NearbyReport[]>([]);
  const [missing, setMissing] = useState<string[]>([]);
  const [sending, setSending] = useState(false);
  const [refused, setRefused] = useState<unknown>(null);

  const category = useMemo(
    () => categories?.find((c) => c.code === categoryCode) ?? null,
    [categories, categoryCode],
  );
  const defs = useMemo(
    () => [...(category?.attributes ?? [])].sort((a, b) => a.order - b.order),
    [category],
  );

  // Free the previews' memory when leaving.
  const previews = useRef(photos);
  previews.current = photos;
  useEffect(() => () => previews.current.forEach((p) => URL.revokeObjectURL(p.url)), []);

  // Open reports of the same kind nearby: the duplicate check.
  useEffect(() => {
    setNearby([]);
    if (!categoryCode || !place || !online) return;
    const ctl = new AbortController();
    const timer = window.setTimeout(() => {
      citizenApi
        .nearby({ lat: place.lat, lon: place.lon, category: categoryCode }, ctl.signal)
        .then(
          (res) => setNearby(res.items),
          () => undefined,
        );
    }, 400);
    return () => {
      window.clearTimeout(timer);
      ctl.abort();
    };
  }, [categoryCode, place?.lat, place?.lon, online]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const lack: string[] = [];
    if (!category) lack.push(t('form.missingCategory'));
    if (!place) lack.push(t('form.missingLocation'));
    if (!description.trim()) lack.push(t('form.missingDescription'));
    for (const d of defs) {
      if (d.variable && d.required && isBlank(values[d.code]))
        lack.push(pick(d.descriptionVi, d.descriptionEn));
    }
    setMissing(lack);
    setRefused(null);
    if (lack.length > 0 || !category || !place) return;

    const draft: ReportDraft = {
      categoryCode: category.code,
      description: description.trim(),
      lat: place.lat,
      lon: place.lon,
      attributes: attributeValues(defs, values),
      ...(address.trim() ? { address: address.trim() } : {}),
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(email.trim() ? { email: email.trim() } : {}),
    };
    const blobs = photos.map((p) => p.blob);
    const label = { vi: category.nameVi, en: category.nameEn };
    setSending(true);
    const attempt = newAttempt(identity.submitToken());
    try {
      if (!navigator.onLine) {
        await enqueue(draft, blobs, label, attempt);
        navigate('/citizen/mine?queued=1');
        return;
      }
      const created = await sendReport(draft, blobs, attempt);
      if (created.followToken) identity.addFollowToken(created.followToken);
      markSeen(created.report.id, created.report.status);
      void refreshMyReports();
      navigate(`/citizen/reports/${created.report.id}?sent=1`);
    } catch (err) {
      if (isTransient(err) && !(err instanceof ApiError && err.status === 429)) {
        // Maybe made already (the answer was lost): the queue sends it again with the same key.
        await enqueue(draft, blobs, label, attempt);
        navigate('/citizen/mine?queued=1');
      } else {
        setRefused(err);
        setSending(false);
      }
    }
  };

  return (
    <form className="report-form" onSubmit={(e) => void submit(e)} noValidate>
      <h1>{t('form.title')}</h1>
      {categoriesError !== null && !categories && (
        <ErrorState error={categoriesError} onRetry={reload} />
      )}
      {categories && (
        <CategoryPicker categories={categories} value={categoryCode} onChange={setCategoryCode} />
      )}
      {category && <p className="muted">{pick(category.descriptionVi, category.descriptionEn)}</p>}
      <PhotoPicker photos={photos} onChange={setPhotos} />
      <LocationPicker place={place} onChange={setPlace} />
      <label className="field">
        {t('form.address')}
        <input
          type="text"
          value={address}
          maxLength={500}
          placeholder={t('form.addressPlaceholder')}
          onChange={(e) => setAddress(e.target.value)}
        />
      </label>

      <section className="section" aria-labelledby="description-title">
        <h2 id="description-title">4. {t('form.description')}</h2>
        <label className="field">
          <span>
            {t('form.description')} <span className="required">{t('form.required')}</span>
          </span>
          <textarea
            rows={4}
            maxLength={4000}
            value={description}
            required
            placeholder={t('form.descriptionPlaceholder')}
            data-testid="description"
            onChange={(e) => setDescription(e.target.value)}
          />
        </label>
        {defs.length > 0 && (
          <div className="attributes">
            <h3>{t('form.details')}</h3>
            {defs.map((d) => (
              <AttributeField
                key={d.code}
                def={d}
                value={values[d.code]}
                onChange={(v) => setValues((all) => ({ ...all, [d.code]: v }))}
                look={ATTRIBUTE_LOOK}
                choose={t('form.choose')}
                requiredMark={<span className="required">{t('form.required')}</span>}
              />
            ))}
          </div>
        )}
      </section>

      <details className="section contact">
        <summary>{t('form.contact')}</summary>
        <p className="muted">{t('form.contactNote')}</p>
        <label className="field">
          {t('form.name')}
          <input
            type="text"
            value={name}
            maxLength={200}
            autoComplete="name"
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label className="field">
          {t('form.email')}
          <input
            type="email"
            value={email}
            maxLength={254}
            autoComplete="email"
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
      </details>

      <Nearby items={nearby} />

      <p className="muted">
        {me.phone ? t('form.signedInAs', { phone: me.phone.number }) : t('form.anonymous')}
      </p>
      {missing.length > 0 && (
        <p className="form-error" role="alert" data-testid="form-missing">
          {t('form.missing', { fields: missing.join(', ') })}
        </p>
      )}
      {refused !== null && (
        <div role="alert" data-testid="form-refused">
          <p className="form-error">{t('form.refused')}</p>
          <ErrorState error={refused} compact />
        </div>
      )}
      <button
        type="submit"
        className="button primary big"
        disabled={sending}
        data-testid="submit-report"
      >
        {sending ? t('form.sending') : online ? t('form.submit') : t('form.submitOffline')}
      </button>
    </form>
  );
}
