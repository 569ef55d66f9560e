/**
 * The rules engine: subscribed to the bus as the queue group `rules`, so each
 * stored event is evaluated once across all processes. Threshold, match and
 * geofence rules are evaluated per event against rules held in memory,
 * reloaded after a change here and, for other processes' changes, when the
 * rules table's fingerprint moves (checked every `refreshMs`).
 *
 * Batches are evaluated one after another. Within a batch, consecutive firings
 * of one (rule, asset) become one write that counts them all; a threshold that
 * fires and clears in the same batch does both, in order.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { StoredEvent } from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import type { EventBus, Unsubscribe } from '../bus/bus.js';
import { newId } from '../core/ids.js';
import type { AlertsService } from './alerts.service.js';
import type { AlertChanges } from './changes.js';
import { unresolvedKeys, type Firing } from './alerts.repo.js';
import { enabledEventRules, rulesVersion, type RuleRow } from './rules.repo.js';
import { moveAsset } from './geofence.repo.js';
import { positionOf, RuleSet, thresholdOutcome, type LiveRule } from './conditions.js';

export interface EngineOptions {
  /** The bus queue group (one evaluation per event across the group). */
  group?: string;
  /** How often other processes' rule changes are looked for. */
  refreshMs?: number;
}

type Action =
  | { type: 'fire'; e: StoredEvent; count: number; details: Record<string, unknown> }
  | { type: 'clear'; e: StoredEvent }
  | { type: 'move'; e: StoredEvent; lat: number; lon: number };

export function compileRule(r: RuleRow): LiveRule {
  const p = r.params as Partial<LiveRule>;
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    severity: r.severity,
    assetId: r.asset_id,
    assetType: r.asset_type,
    units: r.unit_codes ? new Set(r.unit_codes) : null,
    eventType: p.eventType ?? null,
    field: p.field ?? null,
    op: p.op ?? null,
    value: p.value ?? null,
    clearValue: p.clearValue ?? null,
    on: p.on ?? null,
    message: r.message,
    notify: r.notify as LiveRule['notify'],
  };
}

export class RulesEngine {
  private rules = new RuleSet([]);
  private version: string | undefined;
  private stale = true;
  private chain: Promise<void> = Promise.resolve();
  private unsubscribe: Unsubscribe | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Events this engine has evaluated (for tests and metrics). */
  evaluated = 0;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly alerts: AlertsService,
    private readonly changes: AlertChanges,
    private readonly log: FastifyBaseLogger,
    private readonly opts: EngineOptions = {},
  ) {}

  async start(): Promise<void> {
    if (this.unsubscribe) return;
    this.unsubscribe = await this.bus.subscribeQueue(this.opts.group ?? 'rules', (batch) =>
      this.handle(batch),
    );
    this.timer = setInterval(() => void this.checkVersion(), this.opts.refreshMs ?? 5000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.chain;
  }

  /** The rules changed here: reload before the next batch. */
  invalidate(): void {
    this.stale = true;
  }

  /** Evaluates a batch after the ones before it; rejects when a write failed (the bus retries). */
  handle(batch: readonly StoredEvent[]): Promise<void> {
    const run = this.chain.then(() => this.evaluate(batch));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async checkVersion(): Promise<void> {
    try {
      if ((await rulesVersion(this.db)) !== this.version) this.stale = true;
    } catch (err) {
      this.log.warn({ err }, 'rules: checking for changes failed');
    }
  }

  private async loadRules(): Promise<void> {
    if (!this.stale) return;
    this.stale = false;
    const version = await rulesVersion(this.db);
    this.rules = new RuleSet((await enabledEventRules(this.db)).map(compileRule));
    this.version = version;
  }

  private async evaluate(batch: readonly StoredEvent[]): Promise<void> {
    await this.loadRules();
    this.evaluated += batch.length;
    if (this.rules.rules.length === 0) return;
    const byKey = new Map<string, { rule: LiveRule; actions: Action[] }>();
    for (const e of batch) {
      for (const rule of this.rules.applying(e)) {
        const action = this.actionFor(rule, e);
        if (!action) continue;
        const key = `${rule.id}/${e.assetId}`;
        const entry = byKey.get(key) ?? { rule, actions: [] };
        const last = entry.actions[entry.actions.length - 1];
        if (action.type === 'fire' && last?.type === 'fire') {
          entry.actions[entry.actions.length - 1] = { ...action, count: last.count + 1 };
        } else {
          entry.actions.push(action);
        }
        byKey.set(key, entry);
      }
    }
    // Most readings are normal: a clear needs a write only where an alert is unresolved.
    const clearing = [...byKey.values()].filter((k) => k.actions.some((a) => a.type === 'clear'));
    const open = await unresolvedKeys(this.db, [...new Set(clearing.map((k) => k.rule.id))]);
    let failure: Error | undefined;
    for (const [key, { rule, actions }] of byKey) {
      for (const action of actions) {
        if (action.type === 'fire') open.add(key);
        else if (action.type === 'clear' && !open.delete(key)) continue;
        try {
          await this.apply(rule, action);
        } catch (err) {
          failure ??= err instanceof Error ? err : new Error(String(err));
          this.log.error({ err, rule: rule.id, seq: action.e.seq }, 'rule evaluation failed');
        }
      }
    }
    if (failure) throw failure;
  }

  private actionFor(rule: LiveRule, e: StoredEvent): Action | undefined {
    const base = { eventType: e.type, observedAt: e.observedAt };
    switch (rule.kind) {
      case 'threshold': {
        const { outcome, value } = thresholdOutcome(rule, e.data);
        if (outcome === 'clear') return { type: 'clear', e };
        if (outcome === 'none') return undefined;
        const details = { ...base, field: rule.field, value, op: rule.op, limit: rule.value };
        return { type: 'fire', e, count: 1, details };
      }
      case 'match':
        return { type: 'fire', e, count: 1, details: { ...base, eventId: e.id, data: e.data } };
      case 'geofence': {
        const pos = positionOf(e);
        return pos ? { type: 'move', e, ...pos } : undefined;
      }
      case 'silence':
        return undefined;
    }
  }

  private firing(
    rule: LiveRule,
    e: StoredEvent,
    count: number,
    details: Record<string, unknown>,
  ): Firing {
    return {
      id: newId(),
      ruleId: rule.id,
      kind: rule.kind,
      assetId: e.assetId!,
      severity: rule.severity,
      title: rule.name,
      message: rule.message,
      details,
      seq: e.seq,
      adminUnit: e.adminUnit,
      agencyCode: e.agencyCode,
      count,
    };
  }

  private async apply(rule: LiveRule, action: Action): Promise<void> {
    const { e } = action;
    const assetId = e.assetId!;
    switch (action.type) {
      case 'fire':
        await this.changes.apply((tx) =>
          this.alerts.fireIn(tx, this.firing(rule, e, action.count, action.details)),
        );
        return;
      case 'clear':
        await this.changes.apply((tx) =>
          this.alerts.clearIn(tx, { ruleId: rule.id, assetId, seq: e.seq }),
        );
        return;
      case 'move':
        await this.changes.apply(async (tx) => {
          const { lat, lon } = action;
          const moved = await moveAsset(tx, {
            ruleId: rule.id,
            assetId,
            lon,
            lat,
            seq: e.seq,
            at: new Date(e.observedAt),
          });
          if (!moved || moved.before === moved.after) return [];
          const entered = moved.after;
          if ((rule.on === 'enter') === entered) {
            const details = { on: rule.on, lat, lon, eventType: e.type, observedAt: e.observedAt };
            return this.alerts.fireIn(tx, this.firing(rule, e, 1, details));
          }
          return this.alerts.clearIn(tx, { ruleId: rule.id, assetId, seq: e.seq });
        });
        return;
    }
  }
}
