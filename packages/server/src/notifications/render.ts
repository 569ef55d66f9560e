/**
 * The text of an alert e-mail: Vietnamese first, then English, times in the
 * province's zone (CITYOPS_TIMEZONE, Asia/Ho_Chi_Minh by default).
 */
import type { Alert, AlertAction, AlertSeverity } from '@cityops/contracts';
import type { NotificationMessage } from './channel.js';

type Lang = 'vi' | 'en';

const changeText: Record<AlertAction, Record<Lang, string>> = {
  opened: { vi: 'Cảnh báo mới', en: 'New alert' },
  escalated: { vi: 'Cảnh báo chưa được tiếp nhận, đã nâng mức', en: 'Alert escalated' },
  acknowledged: { vi: 'Cảnh báo đã được tiếp nhận', en: 'Alert acknowledged' },
  resolved: { vi: 'Cảnh báo đã được xử lý', en: 'Alert resolved' },
  cleared: { vi: 'Cảnh báo tự đóng (hết điều kiện)', en: 'Alert cleared (condition ended)' },
};

const severityText: Record<AlertSeverity, Record<Lang, string>> = {
  info: { vi: 'Thông tin', en: 'Info' },
  warning: { vi: 'Cảnh báo', en: 'Warning' },
  critical: { vi: 'Nghiêm trọng', en: 'Critical' },
};

const labels: Record<string, Record<Lang, string>> = {
  severity: { vi: 'Mức độ', en: 'Severity' },
  asset: { vi: 'Đối tượng', en: 'Asset' },
  unit: { vi: 'Đơn vị hành chính', en: 'Admin unit' },
  opened: { vi: 'Thời điểm phát sinh', en: 'Opened' },
  at: { vi: 'Thời điểm thay đổi', en: 'Changed' },
  what: { vi: 'Chi tiết', en: 'Details' },
  escalation: { vi: 'Cấp nâng', en: 'Escalation level' },
  id: { vi: 'Mã cảnh báo', en: 'Alert id' },
};

function titleIn(alert: Alert, lang: Lang): string {
  return alert.message?.[lang] ?? alert.title;
}

export function formatTime(iso: string, timeZone: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}

/** One line saying what fired, from the alert's details. */
function whatFired(alert: Alert, lang: Lang): string | undefined {
  const d = alert.details;
  switch (alert.kind) {
    case 'threshold':
      return `${String(d.field)} = ${JSON.stringify(d.value)} (${String(d.op)} ${JSON.stringify(d.limit)})`;
    case 'silence':
      return lang === 'vi'
        ? `Không có tín hiệu quá ${String(d.seconds)} giây`
        : `No events for more than ${String(d.seconds)} seconds`;
    case 'geofence':
      return lang === 'vi'
        ? `${d.on === 'enter' ? 'Đi vào' : 'Rời khỏi'} vùng giám sát tại ${String(d.lat)}, ${String(d.lon)}`
        : `${d.on === 'enter' ? 'Entered' : 'Left'} the area at ${String(d.lat)}, ${String(d.lon)}`;
    case 'match':
      return lang === 'vi' ? `Sự kiện ${String(d.eventType)}` : `Event ${String(d.eventType)}`;
  }
}

function assetLabel(alert: Alert): string {
  const a = alert.details.asset as { code?: string; name?: string } | undefined;
  return a?.name ? `${a.name} (${a.code ?? alert.assetId})` : alert.assetId;
}

function section(m: NotificationMessage, lang: Lang, timeZone: string): string {
  const a = m.alert;
  const lines = [
    `${changeText[m.event.slice(6) as AlertAction][lang]}: ${titleIn(a, lang)}`,
    '',
    `${labels.severity![lang]}: ${severityText[a.severity][lang]}`,
    `${labels.asset![lang]}: ${assetLabel(a)}`,
    `${labels.unit![lang]}: ${a.adminUnit ?? '-'}`,
    `${labels.opened![lang]}: ${formatTime(a.openedAt, timeZone, lang)} (${timeZone})`,
  ];
  if (m.at !== a.openedAt) lines.push(`${labels.at![lang]}: ${formatTime(m.at, timeZone, lang)}`);
  const what = whatFired(a, lang);
  if (what) lines.push(`${labels.what![lang]}: ${what}`);
  if (m.escalation) lines.push(`${labels.escalation![lang]}: ${m.escalation.level}`);
  lines.push(`${labels.id![lang]}: ${a.id}`);
  return lines.join('\n');
}

export function renderEmail(
  m: NotificationMessage,
  timeZone: string,
): { subject: string; text: string } {
  const action = m.event.slice(6) as AlertAction;
  const severity = severityText[m.alert.severity];
  const subject =
    `[CityOps] [${severity.vi}] ${changeText[action].vi} - ${titleIn(m.alert, 'vi')}` +
    ` | [${severity.en}] ${changeText[action].en} - ${titleIn(m.alert, 'en')}`;
  const text = [
    section(m, 'vi', timeZone),
    '',
    '----',
    '',
    section(m, 'en', timeZone),
    '',
    '-- ',
    'CityOps',
  ].join('\n');
  return { subject, text };
}
