/** The colour of each asset status, on the map and in lists. */
import type { AssetStatus } from '@cityops/contracts';

export const statusColours: Record<AssetStatus, string> = {
  online: '#2fb36d',
  degraded: '#f0a500',
  offline: '#8b93a1',
  alarm: '#e5484d',
  unknown: '#7b8fa8',
  maintenance: '#9b7ede',
  inactive: '#5c6370',
};

/** In the order a legend lists them: what needs attention first. */
export const statusOrder: readonly AssetStatus[] = [
  'alarm',
  'offline',
  'degraded',
  'online',
  'maintenance',
  'inactive',
  'unknown',
];
