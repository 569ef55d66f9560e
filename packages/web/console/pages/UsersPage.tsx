/** The users of CityOps (needs users:read): who, which role, which scope, last sign-in. */
import { api } from '../../ui/api';
import { useResource } from '../../ui/api/use-resource';
import { Empty, ErrorState, Loading } from '../../ui/components/states';
import { Pager, useCursorPager } from '../components/Pager';
import { useT } from '../i18n';

export default function UsersPage() {
  const { t, fmt } = useT();
  const pager = useCursorPager('');
  const users = useResource(pager.cursor ?? '', (signal) =>
    api.users.list({ limit: 50, ...(pager.cursor ? { cursor: pager.cursor } : {}) }, signal),
  );
  const items = users.data?.items ?? [];
  return (
    <div className="page">
      <h1>{t('users.title')}</h1>
      {users.state === 'error' && <ErrorState error={users.error} onRetry={users.reload} />}
      {users.state === 'loading' && items.length === 0 && <Loading />}
      {users.state === 'ready' && items.length === 0 && <Empty />}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="data" data-testid="users-table">
            <thead>
              <tr>
                <th scope="col">{t('field.name')}</th>
                <th scope="col">{t('field.email')}</th>
                <th scope="col">{t('field.role')}</th>
                <th scope="col">{t('field.scope')}</th>
                <th scope="col">{t('field.account')}</th>
                <th scope="col">{t('field.lastLogin')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((u) => (
                <tr key={u.id}>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td>{t(`role.${u.role}`)}</td>
                  <td>
                    {u.units.length + u.agencies.length === 0
                      ? t('users.provinceWide')
                      : [...u.units, ...u.agencies].join(', ')}
                  </td>
                  <td>{u.disabled ? t('users.disabled') : t('users.active')}</td>
                  <td>{u.lastLoginAt ? fmt.dateTime(u.lastLoginAt) : t('users.never')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager pager={pager} nextCursor={users.data?.nextCursor} busy={users.state === 'loading'} />
    </div>
  );
}
