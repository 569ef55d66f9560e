/**
 * What the console reads from live events: the alert change an `alert.*`
 * event carries, the live status of an asset, and the feed's filters. Pure
 * functions, so that the feed, the map, the banner and the wall agree.
 */
import type { AlertMessage, AlertSeverity, AssetStatus, StoredEvent } from '@cityops/contracts';
import { alertSeverities, eventTypeMatches } from '@cityops/contracts';

/** The alert change of an `alert.*` event (its data is the stream's alert message). */
export function alertOf(e: StoredEvent): AlertMessage | null {
  if (!e.type.startsWith('alert.')) return null;
  const d = e.data as Partial<AlertMessage>;
  if (typeof d.id !== 'string' || typeof d.severity !== 'string' || typeof d.status !== 'string')
    return null;
  return d as AlertMessage;
}

/** A new critical alert: opened as critical, or escalated to critical. */
export function isNewCritical(a: AlertMessage): boolean {
  return a.severity === 'critical' && (a.change === 'opened' || a.change === 'escalated');
}

/** The live status of an asset as events arrive over the stream. */
export interface AssetLive {
  /** The status it had before any alarm (from the registry, then from its own events). */
  base: AssetStatus;
  /** Unresolved alerts (warning or critical) on the asset. */
  alarms: readonly string[];
  lastEventAt: string | null;
  lastEventType: string | null;
}

export function shownStatus(a: AssetLive): AssetStatus {
  return a.alarms.length > 0 ? 'alarm' : a.base;
}

const deviceStatus: Record<string, AssetStatus> = {
  online: 'online',
  offline: 'offline',
  degraded: 'degraded',
  fault: 'degraded',
  maintenance: 'maintenance',
};

/** At most this many alarms are remembered per asset (an asset rarely has more than a few rules). */
const MAX_ALARMS = 16;

/**
 * The asset's live state after an event about it. A `status` event sets the
 * status it reports; any other event from a device shows it is alive (so an
 * offline or unknown asset is online again); an alert opening (warning or
 * critical) raises an alarm until that alert is resolved.
 */
export function nextAssetLive(prev: AssetLive, e: StoredEvent): AssetLive {
  const alert = alertOf(e);
  if (alert) {
    const open = alert.status !== 'resolved' && alert.severity !== 'info';
    const has = prev.alarms.includes(alert.id);
    if (open === has) return prev;
    const alarms = open
      ? [...prev.alarms, alert.id].slice(-MAX_ALARMS)
      : prev.alarms.filter((id) => id !== alert.id);
    return { ...prev, alarms };
  }
  let base = prev.base;
  if (e.type === 'status') {
    const s = deviceStatus[String((e.data as { status?: unknown }).status)];
    if (s) base = s;
  } else if (e.deviceId && (base === 'offline' || base === 'unknown')) {
    base = 'online';
  }
  return { ...prev, base, lastEventAt: e.observedAt, lastEventType: e.type };
}

/** Filters of the live feed. */
export interface FeedFilter {
  kind: 'all' | 'events' | 'alerts';
  /** An event type, or a prefix like `env.*`; '' for any. */
  type: string;
  /** An admin-unit code; '' for any. */
  unit: string;
  /** The least severity of the alerts shown; '' for any (events have none and then show too). */
  severity: AlertSeverity | '';
}

export const noFilter: FeedFilter = { kind: 'all', type: '', unit: '', severity: '' };

export function feedMatches(f: FeedFilter, e: StoredEvent): boolean {
  const alert = alertOf(e);
  if (f.kind === 'events' && alert) return false;
  if (f.kind === 'alerts' && !alert) return false;
  if (f.type && !eventTypeMatches(e.type, f.type)) return false;
  if (f.unit && e.adminUnit !== f.unit) return false;
  if (f.severity) {
    if (!alert) return false;
    if (alertSeverities.indexOf(alert.severity) < alertSeverities.indexOf(f.severity)) return false;
  }
  return true;
}

/** The numbers of an event's data worth a glance in a list: up to `max` of them. */
export function dataSummary(data: Record<string, unknown>, max = 3): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(data)) {
    if (out.length >= max) break;
    if (k === 'sentAt') continue;
    if (typeof v === 'number' && Number.isFinite(v))
      out.push([k, String(Math.round(v * 100) / 100)]);
    else if (typeof v === 'string' && v.length <= 40) out.push([k, v]);
    else if (typeof v === 'boolean') out.push([k, v ? '✓' : '✗']);
  }
  return out;
}
