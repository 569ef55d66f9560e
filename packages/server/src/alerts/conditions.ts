/**
 * The conditions of rules, as pure functions over an event: which rules look
 * at an event, whether a threshold fires or clears (with hysteresis), where an
 * event says its asset is. No I/O here.
 */
import {
  eventTypeMatches,
  type AlertRuleKind,
  type AlertSeverity,
  type ComparisonOp,
  type NotifyTarget,
  type StoredEvent,
} from '@cityops/contracts';

/** A rule as the engine holds it in memory. */
export interface LiveRule {
  id: string;
  name: string;
  kind: AlertRuleKind;
  severity: AlertSeverity;
  assetId: string | null;
  assetType: string | null;
  /** The rule's admin unit with the units under it; null: province-wide. */
  units: ReadonlySet<string> | null;
  eventType: string | null;
  field: string | null;
  op: ComparisonOp | null;
  value: number | string | boolean | null;
  clearValue: number | null;
  on: 'enter' | 'leave' | null;
  message: { vi?: string; en?: string } | null;
  notify: NotifyTarget[];
}

/** Whether the rule looks at this event's asset and type at all. */
export function ruleApplies(rule: LiveRule, e: StoredEvent): boolean {
  // Rules look at what assets report, not at the alert changes rules make (source `rule`).
  if (!e.assetId || e.source === 'rule') return false;
  if (rule.assetId && rule.assetId !== e.assetId) return false;
  if (rule.assetType && rule.assetType !== e.assetType) return false;
  if (rule.units && (e.adminUnit === null || !rule.units.has(e.adminUnit))) return false;
  if (rule.eventType && !eventTypeMatches(e.type, rule.eventType)) return false;
  return true;
}

/** The value at a dotted path of the data (`pm25`, `lanes.0.count`), or undefined. */
export function valueAt(data: Record<string, unknown>, path: string): unknown {
  let cur: unknown = data;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export function compare(v: unknown, op: ComparisonOp, limit: unknown): boolean {
  switch (op) {
    case '==':
      return v === limit;
    case '!=':
      return v !== limit;
    case '>':
      return typeof v === 'number' && typeof limit === 'number' && v > limit;
    case '>=':
      return typeof v === 'number' && typeof limit === 'number' && v >= limit;
    case '<':
      return typeof v === 'number' && typeof limit === 'number' && v < limit;
    case '<=':
      return typeof v === 'number' && typeof limit === 'number' && v <= limit;
  }
}

/**
 * What a threshold rule makes of an event: `fire` when the condition holds;
 * `clear` when it no longer holds with `clearValue` (or `value`) as the limit;
 * `none` in between (hysteresis) or when the field is missing or of another type.
 */
export function thresholdOutcome(
  rule: Pick<LiveRule, 'field' | 'op' | 'value' | 'clearValue'>,
  data: Record<string, unknown>,
): { outcome: 'fire' | 'clear' | 'none'; value: unknown } {
  const v = valueAt(data, rule.field!);
  const op = rule.op!;
  const numeric = op !== '==' && op !== '!=';
  if (v === undefined || (numeric && (typeof v !== 'number' || !Number.isFinite(v)))) {
    return { outcome: 'none', value: v };
  }
  if (compare(v, op, rule.value)) return { outcome: 'fire', value: v };
  const clearLimit = rule.clearValue ?? rule.value;
  return { outcome: compare(v, op, clearLimit) ? 'none' : 'clear', value: v };
}

/** Where the event says its asset is: numeric `data.lat` and `data.lon` in range. */
export function positionOf(e: StoredEvent): { lat: number; lon: number } | undefined {
  const { lat, lon } = e.data;
  if (typeof lat !== 'number' || typeof lon !== 'number') return undefined;
  if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) return undefined;
  return { lat, lon };
}

/** Rules by what they watch, so that an event is checked only against rules that may concern it. */
export class RuleSet {
  private readonly byAsset = new Map<string, LiveRule[]>();
  private readonly byType = new Map<string, LiveRule[]>();
  private readonly general: LiveRule[] = [];

  constructor(readonly rules: readonly LiveRule[]) {
    for (const r of rules) {
      if (r.assetId) this.byAsset.set(r.assetId, [...(this.byAsset.get(r.assetId) ?? []), r]);
      else if (r.assetType)
        this.byType.set(r.assetType, [...(this.byType.get(r.assetType) ?? []), r]);
      else this.general.push(r);
    }
  }

  /** The rules that apply to the event. */
  *applying(e: StoredEvent): Iterable<LiveRule> {
    const candidates = [
      ...(e.assetId ? (this.byAsset.get(e.assetId) ?? []) : []),
      ...(e.assetType ? (this.byType.get(e.assetType) ?? []) : []),
      ...this.general,
    ];
    for (const r of candidates) if (ruleApplies(r, e)) yield r;
  }
}
