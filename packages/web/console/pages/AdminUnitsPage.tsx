/** Admin units in force on a date, by level and search, with cursor pagination. */
import { useState } from 'react';
import { adminLevels } from '@cityops/contracts';
import type { AdminLevel } from '@cityops/contracts';
import { api } from '../../ui/api';
import { useResource } from '../../ui/api/use-resource';
import { todayIn } from '../../ui/i18n/format';
import { Empty, ErrorState, Loading } from '../../ui/components/states';
import { Link } from '../../ui/router';
import { Pager, useCursorPager } from '../components/Pager';
import { useDebounced } from '../components/useDebounced';
import { useT } from '../i18n';

const PAGE_SIZE = 100;

export default function AdminUnitsPage() {
  const i18n = useT();
  const { t, fmt, timeZone, pick } = i18n;
  const [level, setLevel] = useState<AdminLevel | ''>('');
  const [q, setQ] = useState('');
  const [at, setAt] = useState(() => todayIn(timeZone));
  const [parent, setParent] = useState('');
  const query = useDebounced(q.trim());
  const pager = useCursorPager(`${level}|${query}|${at}|${parent}`);

  // The provinces and districts in force on the date: the choices of "part of", and parents' names.
  const parents = useResource(at, async (signal) => {
    const [provinces, districts] = await Promise.all(
      (['province', 'district'] as const).map((l) =>
        api.adminUnits.list({ level: l, at, limit: 1000 }, signal),
      ),
    );
    return [...provinces!.items, ...districts!.items];
  });
  const parentUnits = parents.data ?? [];
  const parentName = (code: string) => {
    const p = parentUnits.find((u) => u.code === code);
    return p ? pick(p.nameVi, p.nameEn) : code;
  };

  const units = useResource(`${level}|${query}|${at}|${parent}|${pager.cursor ?? ''}`, (signal) =>
    api.adminUnits.list(
      {
        ...(level ? { level } : {}),
        ...(parent ? { parent } : {}),
        ...(query ? { q: query } : {}),
        ...(at ? { at } : {}),
        limit: PAGE_SIZE,
        ...(pager.cursor ? { cursor: pager.cursor } : {}),
      },
      signal,
    ),
  );
  const items = units.data?.items ?? [];

  return (
    <div className="page">
      <h1>{t('units.title')}</h1>
      <p className="muted">{t('units.intro')}</p>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('field.level')}
          <select value={level} onChange={(e) => setLevel(e.target.value as AdminLevel | '')}>
            <option value="">{t('common.all')}</option>
            {adminLevels.map((l) => (
              <option key={l} value={l}>
                {t(`level.${l}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('units.parent')}
          <select
            value={parent}
            onChange={(e) => setParent(e.target.value)}
            data-testid="units-parent"
          >
            <option value="">{t('common.all')}</option>
            {(['province', 'district'] as const).map((l) => {
              const options = parentUnits.filter((u) => u.level === l);
              return (
                options.length > 0 && (
                  <optgroup key={l} label={t(`level.${l}`)}>
                    {options.map((u) => (
                      <option key={u.code} value={u.code}>
                        {pick(u.nameVi, u.nameEn)}
                      </option>
                    ))}
                  </optgroup>
                )
              );
            })}
          </select>
        </label>
        <label>
          {t('units.search')}
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <label>
          {t('units.at')}
          <input
            type="date"
            value={at}
            required
            onChange={(e) => {
              setAt(e.target.value || todayIn(timeZone));
              setParent('');
            }}
            data-testid="units-at"
          />
        </label>
        <button
          type="button"
          className="button"
          onClick={() => {
            setAt(todayIn(timeZone));
            setParent('');
          }}
        >
          {t('units.today')}
        </button>
      </form>

      {units.state === 'error' && <ErrorState error={units.error} onRetry={units.reload} />}
      {units.state === 'loading' && items.length === 0 && <Loading />}
      {units.state === 'ready' && items.length === 0 && <Empty />}
      {items.length > 0 && (
        <div className="table-wrap" aria-busy={units.state === 'loading'}>
          <table className="data" data-testid="units-table">
            <thead>
              <tr>
                <th scope="col">{t('field.code')}</th>
                <th scope="col">{t('field.name')}</th>
                <th scope="col">{t('field.level')}</th>
                <th scope="col">{t('field.kind')}</th>
                <th scope="col">{t('field.parent')}</th>
                <th scope="col">{t('field.validFrom')}</th>
                <th scope="col">{t('field.validTo')}</th>
                <th scope="col">{t('field.boundary')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((u) => (
                <tr key={`${u.code}|${u.validFrom}`}>
                  <td className="nowrap">
                    <code>{u.code}</code>
                  </td>
                  <td>
                    <Link href={`/map?unit=${encodeURIComponent(u.code)}&at=${at}`}>
                      {pick(u.nameVi, u.nameEn)}
                    </Link>
                    <div className="muted small" lang={i18n.locale === 'vi' ? 'en' : 'vi'}>
                      {pick(u.nameEn, u.nameVi)}
                    </div>
                  </td>
                  <td>{t(`level.${u.level}`)}</td>
                  <td>{t(`kind.${u.kind}`)}</td>
                  <td>{u.parentCode ? parentName(u.parentCode) : '—'}</td>
                  <td>{fmt.date(u.validFrom)}</td>
                  <td>{u.validTo ? fmt.date(u.validTo) : t('validTo.current')}</td>
                  <td>
                    {u.approximate ? (
                      <span className="badge warning" title={t('boundary.approximateNote')}>
                        {t('boundary.approximate')}
                      </span>
                    ) : (
                      t('boundary.official')
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager pager={pager} nextCursor={units.data?.nextCursor} busy={units.state === 'loading'} />
    </div>
  );
}
