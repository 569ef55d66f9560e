/**
 * How report statuses and categories look in both apps: a colour per status
 * (text on it stays readable in both themes) and a pictogram per category.
 */
import type { ReportStatus } from '@cityops/contracts';

/** Every status, in workflow order (the contracts' list without pulling zod into a page). */
export const reportStatusOrder: readonly ReportStatus[] = [
  'received',
  'verified',
  'assigned',
  'in_progress',
  'answered',
  'closed',
  'rejected',
  'merged',
];

/** Still waiting for the authorities (what the public map calls "open"). */
export const openStatuses: readonly ReportStatus[] = [
  'received',
  'verified',
  'assigned',
  'in_progress',
];

export const reportStatusColours: Record<ReportStatus, string> = {
  received: '#d9480f',
  verified: '#c2255c',
  assigned: '#7048e8',
  in_progress: '#1971c2',
  answered: '#2b8a3e',
  closed: '#5c6b7a',
  rejected: '#868e96',
  merged: '#868e96',
};

const byCode: Record<string, string> = {
  road_damage: '🚧',
  street_lighting: '💡',
  waste_sanitation: '🗑️',
  urban_order: '🚫',
  trees_parks: '🌳',
  water_drainage: '💧',
  traffic_signals: '🚦',
  public_security: '🛡️',
  noise: '🔊',
  other: '📝',
};

const byGroup: Record<string, string> = {
  streets: '🛣️',
  sanitation: '🗑️',
  order: '🚫',
  parks: '🌳',
  water: '💧',
  security: '🛡️',
  environment: '🌿',
};

/** A pictogram for a category: its own, else its group's, else a note. */
export function categoryIcon(code: string, group?: string): string {
  return byCode[code] ?? (group ? byGroup[group] : undefined) ?? '📝';
}
