/** The console's pages, the permission each needs, and where navigation lists them. */
import { lazy } from 'react';
import type { ComponentType, LazyExoticComponent } from 'react';
import type { Permission } from '@cityops/contracts';
import type { ConsoleKey } from './messages';

export interface PageRoute {
  path: string;
  label: ConsoleKey;
  /** Shown and reachable only with this permission. */
  permission: Permission;
  icon: string;
  page: LazyExoticComponent<ComponentType>;
}

export const pageRoutes: readonly PageRoute[] = [
  {
    path: '/map',
    label: 'nav.map',
    permission: 'admin-units:read',
    icon: '◎',
    page: lazy(() => import('./map/MapPage')),
  },
  {
    path: '/admin-units',
    label: 'nav.adminUnits',
    permission: 'admin-units:read',
    icon: '▦',
    page: lazy(() => import('./pages/AdminUnitsPage')),
  },
  {
    path: '/assets',
    label: 'nav.assets',
    permission: 'assets:read',
    icon: '◆',
    page: lazy(() => import('./pages/AssetsPage')),
  },
  {
    path: '/users',
    label: 'nav.users',
    permission: 'users:read',
    icon: '☺',
    page: lazy(() => import('./pages/UsersPage')),
  },
];
