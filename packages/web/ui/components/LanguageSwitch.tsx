/**
 * The language switch every screen shows, labelled with the other language:
 * `EN` (accessible name "English") while Vietnamese is shown, `VI` ("Tiếng Việt") while English is.
 */
import { useI18n } from '../i18n/i18n';

export function LanguageSwitch(props: { long?: boolean; className?: string }) {
  const { locale, setLocale, t } = useI18n();
  const other = locale === 'vi' ? 'en' : 'vi';
  return (
    <button
      type="button"
      className={props.className ?? 'lang-switch'}
      lang={other}
      aria-label={t('lang.otherName')}
      title={t('lang.switchTo')}
      data-testid="language-switch"
      onClick={() => setLocale(other)}
    >
      {props.long ? t('lang.otherName') : t('lang.otherCode')}
    </button>
  );
}
