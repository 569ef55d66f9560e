/**
 * Search on the map: assets by code or name (GET /api/v1/assets?q=) and admin
 * units (GET /api/v1/admin-units?q=), as a keyboard-friendly combobox.
 */
import { useId, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { AdminUnit, Asset } from '@cityops/contracts';
import { api } from '../../ui/api';
import { useResource } from '../../ui/api/use-resource';
import { useDebounced } from '../components/useDebounced';
import { assetTypeName } from '../components/labels';
import { useT } from '../i18n';

export type SearchResult =
  | { kind: 'asset'; asset: Asset }
  | { kind: 'unit'; unit: AdminUnit }
  | { kind: 'place'; lon: number; lat: number };

/** A place typed as coordinates: "21.59, 105.84" (latitude first, as phones and maps show them). */
export function coordinatesOf(q: string): { lon: number; lat: number } | null {
  const m = /^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,;\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$/.exec(q);
  if (!m) return null;
  const lat = Number(m[1]);
  const lon = Number(m[2]);
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lon, lat };
}

const LIMIT = 6;

async function search(q: string, signal: AbortSignal) {
  const place = coordinatesOf(q);
  if (place) return { results: [{ kind: 'place' as const, ...place }], partial: false };
  const [assets, units] = await Promise.allSettled([
    api.assets.list({ q, limit: LIMIT }, signal),
    api.adminUnits.list({ q, limit: LIMIT }, signal),
  ]);
  const results: SearchResult[] = [
    ...(assets.status === 'fulfilled'
      ? assets.value.items.map((asset) => ({ kind: 'asset' as const, asset }))
      : []),
    ...(units.status === 'fulfilled'
      ? units.value.items.map((unit) => ({ kind: 'unit' as const, unit }))
      : []),
  ];
  const failed = [assets, units].filter((r) => r.status === 'rejected');
  if (failed.length === 2) throw (failed[0] as PromiseRejectedResult).reason;
  return { results, partial: failed.length > 0 };
}

export function SearchBox(props: { onChoose: (result: SearchResult) => void }) {
  const i18n = useT();
  const { t, pick } = i18n;
  const id = useId();
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const q = useDebounced(text.trim(), 250);
  const enabled = q.length >= 2;
  const found = useResource(enabled ? q : '', (signal) =>
    enabled ? search(q, signal) : Promise.resolve({ results: [], partial: false }),
  );
  const results = found.data?.results ?? [];
  const showList = open && enabled;

  const choose = (r: SearchResult) => {
    setOpen(false);
    if (r.kind === 'asset') setText(r.asset.name);
    else if (r.kind === 'unit') setText(pick(r.unit.nameVi, r.unit.nameEn));
    props.onChoose(r);
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(a + 1, results.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const r = results[active];
      if (r && showList) choose(r);
    } else if (e.key === 'Escape') {
      setOpen(false);
    }
  };

  const optionId = (i: number) => `${id}-opt-${i}`;
  let index = -1;
  const option = (r: SearchResult) => {
    index += 1;
    const i = index;
    const key =
      r.kind === 'asset'
        ? `a:${r.asset.id}`
        : r.kind === 'unit'
          ? `u:${r.unit.code}:${r.unit.validFrom}`
          : `p:${r.lat},${r.lon}`;
    return (
      <li
        key={key}
        id={optionId(i)}
        role="option"
        aria-selected={i === active}
        className={i === active ? 'active' : undefined}
        onMouseDown={(e) => e.preventDefault()}
        onClick={() => choose(r)}
        onMouseEnter={() => setActive(i)}
      >
        {r.kind === 'asset' ? (
          <>
            <span className="result-name">{r.asset.name}</span>
            <span className="result-meta">
              {r.asset.code} · {assetTypeName(r.asset.type, i18n)}
            </span>
          </>
        ) : r.kind === 'place' ? (
          <>
            <span className="result-name">{t('search.place')}</span>
            <span className="result-meta">
              {r.lat}, {r.lon}
            </span>
          </>
        ) : (
          <>
            <span className="result-name">{pick(r.unit.nameVi, r.unit.nameEn)}</span>
            <span className="result-meta">
              {r.unit.code} · {t(`level.${r.unit.level}`)}
            </span>
          </>
        )}
      </li>
    );
  };
  const assets = results.filter((r) => r.kind === 'asset');
  const units = results.filter((r) => r.kind === 'unit');
  const places = results.filter((r) => r.kind === 'place');

  return (
    <div className="map-search" role="search">
      <label htmlFor={`${id}-input`} className="sr-only">
        {t('search.label')}
      </label>
      <input
        id={`${id}-input`}
        type="search"
        role="combobox"
        aria-expanded={showList}
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-activedescendant={showList && results.length ? optionId(active) : undefined}
        placeholder={t('search.placeholder')}
        value={text}
        autoComplete="off"
        data-testid="map-search"
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          setActive(0);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKey}
      />
      <div className="search-results" hidden={!showList}>
        {found.state === 'loading' && results.length === 0 && (
          <p className="muted">{t('state.loading')}</p>
        )}
        {found.state === 'error' && <p className="form-error">{t('search.partial')}</p>}
        {found.state === 'ready' && results.length === 0 && (
          <p className="muted">{t('search.none')}</p>
        )}
        {found.data?.partial && <p className="muted small">{t('search.partial')}</p>}
        {results.length > 0 && (
          <ul id={`${id}-list`} role="listbox" aria-label={t('search.label')}>
            {assets.length > 0 && (
              <li role="presentation" className="group-label">
                {t('search.assets')}
              </li>
            )}
            {assets.map(option)}
            {units.length > 0 && (
              <li role="presentation" className="group-label">
                {t('search.units')}
              </li>
            )}
            {units.map(option)}
            {places.map(option)}
          </ul>
        )}
      </div>
    </div>
  );
}
