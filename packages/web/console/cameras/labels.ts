/** Words for camera health and durations, in the console's language. */
import type { CameraHealthStatus } from './api';
import type { useT } from '../i18n';

type I18n = ReturnType<typeof useT>;

export function healthLabel(s: CameraHealthStatus, { t }: I18n): string {
  return t(`cameras.health.${s}`);
}

export function reasonText(
  reason: { vi: string; en: string } | null | undefined,
  { locale }: I18n,
): string | null {
  return reason ? (locale === 'vi' ? reason.vi : reason.en) : null;
}

export function durationText(seconds: number, { t }: I18n): string {
  const m = Math.floor(seconds / 60);
  if (m < 60) return t('cameras.duration.m', { m: Math.max(m, seconds > 0 ? 1 : 0) });
  const h = Math.floor(m / 60);
  if (h < 24) return t('cameras.duration.hm', { h, m: m % 60 });
  return t('cameras.duration.dh', { d: Math.floor(h / 24), h: h % 24 });
}
