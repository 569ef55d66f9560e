/**
 * The language of a CityOps app: Vietnamese by default, English by a switch,
 * the choice remembered in localStorage and mirrored on `<html lang>`.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import type { Locale } from '@cityops/contracts';
import type { CommonKey } from './common';
import { interpolate, type Messages } from './dictionary';
import { createFormatters, DEFAULT_TIME_ZONE, type Formatters } from './format';

const STORAGE_KEY = 'cityops.locale';

export type Params = Record<string, string | number>;

interface I18nValue {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  timeZone: string;
  fmt: Formatters;
  translate: (key: string, params?: Params) => string;
}

const I18nContext = createContext<I18nValue | null>(null);

export function storedLocale(): Locale {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'en' || v === 'vi' ? v : 'vi';
  } catch {
    return 'vi';
  }
}

export function I18nProvider<K extends string>(props: {
  messages: Messages<K | CommonKey>;
  /** The document title, as a key of `messages`. */
  titleKey?: K;
  timeZone?: string;
  children: ReactNode;
}) {
  const { messages, titleKey, children } = props;
  const timeZone = props.timeZone ?? DEFAULT_TIME_ZONE;
  const [locale, setLocaleState] = useState<Locale>(storedLocale);

  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode or storage disabled: the choice lasts for this page only.
    }
  }, []);

  const value = useMemo<I18nValue>(() => {
    const table = messages[locale] as Record<string, string>;
    return {
      locale,
      setLocale,
      timeZone,
      fmt: createFormatters(locale, timeZone),
      translate: (key, params) => interpolate(table[key] ?? key, params),
    };
  }, [locale, messages, setLocale, timeZone]);

  useEffect(() => {
    document.documentElement.lang = locale;
    if (titleKey) document.title = value.translate(titleKey);
  }, [locale, titleKey, value]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export interface I18n<K extends string> {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  timeZone: string;
  fmt: Formatters;
  t: (key: K, params?: Params) => string;
  /** The Vietnamese or English one of a pair, by the current language. */
  pick: (vi: string, en: string) => string;
}

/** The language and translations; `K` is the key set the caller may use. */
export function useI18n<K extends string = CommonKey>(): I18n<K> {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n needs an I18nProvider');
  return useMemo(
    () => ({
      locale: v.locale,
      setLocale: v.setLocale,
      timeZone: v.timeZone,
      fmt: v.fmt,
      t: v.translate,
      pick: (vi: string, en: string) => (v.locale === 'vi' ? vi : en),
    }),
    [v],
  );
}
