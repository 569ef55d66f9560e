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
