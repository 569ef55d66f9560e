/** The citizen app's translation hook, typed by its dictionary. */
import { useI18n } from '../ui/i18n/i18n';
import type { CitizenKey } from './messages';

export const useT = () => useI18n<CitizenKey>();
