/**
 * Typed dictionaries: Vietnamese is the source of the keys, and the English
 * table must have exactly the same keys (a missing or extra key is a type error).
 */
import type { Locale } from '@cityops/contracts';

export type Dictionary<K extends string> = Record<K, string>;

export interface Messages<K extends string> {
  vi: Dictionary<K>;
  en: Dictionary<K>;
}

/** Declares one table per language; `en` must name every key of `vi` and nothing else. */
export function defineMessages<const V extends Record<string, string>>(
  vi: V,
  en: { [K in keyof V]: string },
): Messages<Extract<keyof V, string>> {
  return { vi, en };
}

/** Joins two tables; a key may be defined once only (a duplicate is a type error). */
export function mergeMessages<A extends string, B extends string>(
  a: Messages<A>,
  b: Messages<B> & { vi: { [K in A & B]: never } },
): Messages<A | B> {
  return { vi: { ...a.vi, ...b.vi }, en: { ...a.en, ...b.en } };
}

export const locales: readonly Locale[] = ['vi', 'en'];

/** Replaces `{name}` placeholders with values. */
export function interpolate(text: string, params?: Record<string, string | number>): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
