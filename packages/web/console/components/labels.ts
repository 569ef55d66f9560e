/** Names of catalogue values (asset types from the contracts, unit kinds, statuses) in the current language. */
import { assetTypeCatalogue } from '@cityops/contracts';
import type { AdminUnit, AssetType } from '@cityops/contracts';
import type { I18n } from '../../ui/i18n/i18n';
import type { ConsoleKey } from '../messages';

export function assetTypeName(type: AssetType, i18n: Pick<I18n<ConsoleKey>, 'pick'>): string {
  const entry = assetTypeCatalogue[type] as { nameVi: string; nameEn: string } | undefined;
  // A type newer than this build of the console: show its code.
  return entry ? i18n.pick(entry.nameVi, entry.nameEn) : type;
}

export function unitName(
  u: Pick<AdminUnit, 'nameVi' | 'nameEn'>,
  i18n: Pick<I18n<ConsoleKey>, 'pick'>,
): string {
  return i18n.pick(u.nameVi, u.nameEn);
}

/** Event types the console names; others show their code. */
export const namedEventTypes = [
  'heartbeat',
  'status',
  'traffic.count',
  'env.reading',
  'fire.alarm',
  'alert.opened',
  'alert.acknowledged',
  'alert.resolved',
  'alert.cleared',
  'alert.escalated',
] as const;
type NamedEventType = (typeof namedEventTypes)[number];

/** Type filters the feed offers: a type, or a family of them. */
export const eventTypeFilters = [
  'heartbeat',
  'status',
  'traffic.*',
  'env.*',
  'fire.*',
  'alert.*',
] as const;
type EventTypeFilter = (typeof eventTypeFilters)[number];

export function eventTypeName(type: string, i18n: Pick<I18n<ConsoleKey>, 't'>): string {
  return (namedEventTypes as readonly string[]).includes(type)
    ? i18n.t(`eventType.${type as NamedEventType}`)
    : type;
}

export function eventFilterName(f: EventTypeFilter, i18n: Pick<I18n<ConsoleKey>, 't'>): string {
  return i18n.t(`eventFilter.${f}`);
}
