/** Assets by type, with cursor pagination; a row links to the asset on the map. */
import { useState } from 'react';
import { useDebounced } from '../components/useDebounced';
import { useUnitNames } from '../components/unit-names';
import { assetTypes } from '@cityops/contracts';
import type { AssetType } from '@cityops/contracts';
import { api } from '../../ui/api';
import { useResource } from '../../ui/api/use-resource';
import { Empty, ErrorState, Loading } from '../../ui/components/states';
import { Link } from '../../ui/router';
import { statusColours } from '../../ui/status';
import { Pager, useCursorPager } from '../components/Pager';
import { assetTypeName } from '../components/labels';
import { useT } from '../i18n';

const PAGE_SIZE = 50;

export default function AssetsPage() {
  const i18n = useT();
  const { t, fmt } = i18n;
  const [type, setType] = useState<AssetType | ''>('');
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim());
  const pager = useCursorPager(`${type}|${query}`);
  const unitNames = useUnitNames();

  const assets = useResource(`${type}|${query}|${pager.cursor ?? ''}`, (signal) =>
    api.assets.list(
      {
        ...(type ? { type } : {}),
        ...(query ? { q: query } : {}),
        limit: PAGE_SIZE,
        ...(pager.cursor ? { cursor: pager.cursor } : {}),
      },
      signal,
    ),
  );
  const items = assets.data?.items ?? [];
  const unitLabel = (code: string) => {
    const u = unitNames.get(code);
    return u ? i18n.pick(u.nameVi, u.nameEn) : code;
  };

  return (
    <div className="page">
      <h1>{t('assets.title')}</h1>
      <p className="muted">{t('assets.intro')}</p>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('assets.type')}
          <select
            value={type}
            onChange={(e) => setType(e.target.value as AssetType | '')}
            data-testid="assets-type"
          >
            <option value="">{t('common.all')}</option>
            {assetTypes.map((ty) => (
              <option key={ty} value={ty}>
                {assetTypeName(ty, i18n)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('assets.search')}
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
      </form>

      {assets.state === 'error' && <ErrorState error={assets.error} onRetry={assets.reload} />}
      {assets.state === 'loading' && items.length === 0 && <Loading />}
      {assets.state === 'ready' && items.length === 0 && <Empty />}
      {items.length > 0 && (
        <div className="table-wrap" aria-busy={assets.state === 'loading'}>
          <table className="data" data-testid="assets-table">
            <thead>
              <tr>
                <th scope="col">{t('field.code')}</th>
                <th scope="col">{t('field.name')}</th>
                <th scope="col">{t('field.type')}</th>
                <th scope="col">{t('field.status')}</th>
                <th scope="col">{t('field.adminUnit')}</th>
                <th scope="col">{t('field.updatedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id}>
                  <td className="nowrap">
                    <code>{a.code}</code>
                  </td>
                  <td>
                    <Link href={`/map?asset=${encodeURIComponent(a.id)}`}>{a.name}</Link>
                  </td>
                  <td>{assetTypeName(a.type, i18n)}</td>
                  <td>
                    <span className="status">
                      <span
                        className="dot"
                        style={{ background: statusColours[a.status] }}
                        aria-hidden="true"
                      />
                      {t(`status.${a.status}`)}
                    </span>
                  </td>
                  <td>{a.adminUnit ? unitLabel(a.adminUnit) : '—'}</td>
                  <td>{fmt.dateTime(a.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager pager={pager} nextCursor={assets.data?.nextCursor} busy={assets.state === 'loading'} />
    </div>
  );
}
