/**
 * The console's pages, the permission each needs, and where navigation lists
 * them. Another module adds its page here with its own permission (the
 * citizen reports' back office goes in the slot after the alerts).
 */
import { lazy } from 'react';
import type { ComponentType, LazyExoticComponent } from 'react';
import type { Permission, Role } from '@cityops/contracts';
import type { ConsoleKey } from './messages';

export interface PageRoute {
  path: string;
  label: ConsoleKey;
  /** Shown and reachable only with this permission. */
  permission: Permission;
  icon: string;
  page: LazyExoticComponent<ComponentType>;
  /** A full-screen page without the console's frame (the video wall). */
  fullScreen?: boolean;
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
    path: '/feed',
    label: 'nav.feed',
    permission: 'stream:read',
    icon: '≋',
    page: lazy(() => import('./feed/FeedPage')),
  },
  {
    path: '/alerts',
    label: 'nav.alerts',
    permission: 'alerts:read',
    icon: '⚠',
    page: lazy(() => import('./alerts/AlertsPage')),
  },
  {
    path: '/reports',
    label: 'nav.reports',
    permission: 'reports:read',
    icon: '✉',
    page: lazy(() => import('./reports/ReportsPage')),
  },
  {
    path: '/dashboards',
    label: 'nav.dashboards',
    permission: 'assets:read',
    icon: '▤',
    page: lazy(() => import('./dashboards/DashboardsPage')),
  },
  {
    path: '/wall',
    label: 'nav.wall',
    permission: 'stream:read',
    icon: '▣',
    page: lazy(() => import('./wall/WallPage')),
    fullScreen: true,
  },
  {
    path: '/cameras',
    label: 'nav.cameras',
    permission: 'cameras:read',
    icon: '◉',
    page: lazy(() => import('./cameras/CamerasPage')),
  },
  {
    path: '/camera-wall',
    label: 'nav.cameraWall',
    permission: 'cameras:read',
    icon: '⊞',
    page: lazy(() => import('./cameras/CameraWallPage')),
    fullScreen: true,
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

/**
 * Where a role starts: supervisors on the dashboards, agency officers on the
 * alerts, everyone else on the map; on a phone, the alerts (or the feed).
 */
export function startPath(
  role: Role,
  phone: boolean,
  allowed: readonly PageRoute[],
): string | undefined {
  const has = (p: string) => allowed.some((r) => r.path === p);
  const wanted = phone
    ? ['/alerts', '/feed']
    : role === 'supervisor'
      ? ['/dashboards', '/map']
      : role === 'agency_officer'
        ? ['/alerts', '/map']
        : ['/map'];
  return wanted.find(has) ?? allowed[0]?.path;
}
