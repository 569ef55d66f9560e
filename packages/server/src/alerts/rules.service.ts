/**
 * Alert rules as data: create, read, change, enable/disable and delete, each
 * change audited. Beyond the schema, a rule is checked against the database:
 * its asset exists in the caller's scope, its admin unit exists (and is in the
 * caller's scope: a caller limited to part of the province must give one), its
 * geofence area is valid for PostGIS (not self-intersecting), its webhooks
 * exist. Deleting a rule resolves its unresolved alerts.
 */
import {
  alertRuleCreateSchema,
  type AlertRule,
  type AlertRuleCreate,
  type AlertRulePatch,
  type NotifyTarget,
} from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../core/errors.js';
import type { Actor, Scope } from '../core/auth/principal.js';
import type { AuditService } from '../audit/audit.service.js';
import { unknownUnitCodes, withDescendants } from '../geo/unit-tree.js';
import * as repo from './rules.repo.js';
import { resolveAllOfRule } from './alerts.repo.js';
import { clearGeofence } from './geofence.repo.js';
import { AlertsService } from './alerts.service.js';
import type { AlertChanges } from './changes.js';
import { actorRef } from './present.js';

export interface RuleDeps {
  db: Db;
  clock: Clock;
  audit: AuditService;
  changes: AlertChanges;
  /** Whether an asset is visible in a scope (the assets module). */
  assetVisible(id: string, scope: Scope): Promise<boolean>;
  /** Which webhook ids are unknown (the notifications module). */
  unknownWebhooks(ids: string[]): Promise<string[]>;
  /** Called after every change (the engine reloads its rules). */
  onChange(): void;
}

const KIND_FIELDS = ['eventType', 'field', 'op', 'value', 'clearValue', 'seconds', 'on'] as const;
/** Changing these restarts the counting of silence and forgets geofence positions. */
const REARMING = ['assetId', 'assetType', 'adminUnit', 'seconds', 'area'] as const;

export function presentRule(r: repo.RuleRow): AlertRule {
  const rule: Record<string, unknown> = {
    id: r.id,
    name: r.name,
    severity: r.severity,
    enabled: r.enabled,
    kind: r.kind,
    notify: r.notify,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    armedAt: r.armed_at.toISOString(),
  };
  if (r.message) rule.message = r.message;
  if (r.admin_unit_code) rule.adminUnit = r.admin_unit_code;
  if (r.escalate_after_minutes) rule.escalateAfterMinutes = r.escalate_after_minutes;
  if (r.asset_id) rule.assetId = r.asset_id;
  if (r.asset_type) rule.assetType = r.asset_type;
  for (const k of KIND_FIELDS) if (r.params[k] !== undefined) rule[k] = r.params[k];
  if (r.area) rule.area = r.area;
  return rule as AlertRule;
}

/** The writable fields of a presented rule (what a patch is applied to). */
function inputOf(rule: AlertRule): Record<string, unknown> {
  const { id: _i, createdAt: _c, updatedAt: _u, armedAt: _a, ...input } = rule;
  return input;
}

const readable = (scope: Scope, r: repo.RuleRow) =>
  scope.all || r.admin_unit_code === null || scope.units.includes(r.admin_unit_code);
const writable = (scope: Scope, r: repo.RuleRow) =>
  scope.all || (r.admin_unit_code !== null && scope.units.includes(r.admin_unit_code));

export class RulesService {
  constructor(private readonly deps: RuleDeps) {}

  async list(
    scope: Scope,
    q: { kind?: string; enabled?: boolean; asset?: string; after?: string; limit: number },
  ): Promise<AlertRule[]> {
    const rows = await repo.listRules(this.deps.db, {
      scope,
      kind: q.kind,
      enabled: q.enabled,
      assetId: q.asset,
      after: q.after,
      limit: q.limit,
    });
    return rows.map(presentRule);
  }

  async get(scope: Scope, id: string): Promise<AlertRule> {
    return presentRule(await this.visible(scope, id));
  }

  async create(actor: Actor, scope: Scope, input: AlertRuleCreate): Promise<AlertRule> {
    const row = await this.checked(scope, input, newId(), true);
    const { db, clock, audit } = this.deps;
    const rule = await db.transaction(async (tx) => {
      await repo.insertRule(tx, row, clock.now());
      const r = presentRule((await repo.findRule(tx, row.id))!);
      await audit.record(tx, actor, {
        action: 'alert_rule.create',
        entityType: 'alert_rule',
        entityId: r.id,
        after: r,
      });
      return r;
    });
    this.deps.onChange();
    return rule;
  }

  async update(actor: Actor, scope: Scope, id: string, patch: AlertRulePatch): Promise<AlertRule> {
    const current = await this.editable(scope, id);
    const before = presentRule(current);
    const merged = inputOf(before);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    const parsed = alertRuleCreateSchema.safeParse(merged);
    if (!parsed.success) {
      throw new ValidationError(
        parsed.error.issues.map((i) => ({
          path: i.path.join('.') || '(root)',
          message: i.message,
        })),
      );
    }
    const assetChanged = parsed.data.assetId !== before.assetId;
    const row = await this.checked(scope, parsed.data, id, assetChanged);
    const rearm =
      (row.enabled && !current.enabled) ||
      REARMING.some((k) => patch[k as keyof AlertRulePatch] !== undefined);
    const { db, clock, audit } = this.deps;
    const after = await db.transaction(async (tx) => {
      await repo.updateRule(tx, row, rearm, clock.now());
      if (rearm) await clearGeofence(tx, id);
      const r = presentRule((await repo.findRule(tx, id))!);
      await audit.record(tx, actor, {
        action: 'alert_rule.update',
        entityType: 'alert_rule',
        entityId: id,
        before,
        after: r,
      });
      return r;
    });
    this.deps.onChange();
    return after;
  }

  async remove(actor: Actor, scope: Scope, id: string): Promise<void> {
    const before = presentRule(await this.editable(scope, id));
    const { clock, audit, changes } = this.deps;
    const note = 'Rule deleted / Quy tắc đã bị xoá';
    await changes.apply(async (tx) => {
      const resolved = await resolveAllOfRule(tx, id, actorRef(actor), note, clock.now());
      await repo.deleteRule(tx, id);
      await audit.record(tx, actor, {
        action: 'alert_rule.delete',
        entityType: 'alert_rule',
        entityId: id,
        before,
      });
      return AlertsService.asChanges(resolved, 'resolved', actor, note);
    });
    this.deps.onChange();
  }

  private async visible(scope: Scope, id: string): Promise<repo.RuleRow> {
    const row = await repo.findRule(this.deps.db, id);
    if (!row || !readable(scope, row)) throw new NotFoundError('Alert rule', id);
    return row;
  }

  private async editable(scope: Scope, id: string): Promise<repo.RuleRow> {
    const row = await this.visible(scope, id);
    if (!writable(scope, row)) {
      throw new ForbiddenError('This rule is province-wide; only province-wide users change it.');
    }
    return row;
  }

  /** Checks what the schema cannot and answers the row to write. */
  private async checked(
    scope: Scope,
    input: AlertRuleCreate,
    id: string,
    checkAsset: boolean,
  ): Promise<repo.RuleWrite> {
    const { db } = this.deps;
    const unit = input.adminUnit ?? null;
    if (unit === null && !scope.all) {
      throw ValidationError.field(
        'adminUnit',
        'required: your scope covers only part of the province',
      );
    }
    if (unit !== null) {
      if ((await unknownUnitCodes(db, [unit])).length > 0) {
        throw ValidationError.field('adminUnit', `no admin unit has the code ${unit}`);
      }
      if (!scope.all && !scope.units.includes(unit)) {
        throw ValidationError.field('adminUnit', `${unit} is outside your scope`);
      }
    }
    if (checkAsset && input.assetId && !(await this.deps.assetVisible(input.assetId, scope))) {
      throw ValidationError.field('assetId', 'no asset with this id in your scope');
    }
    if (input.kind === 'geofence') {
      const problem = await repo.areaProblem(db, input.area);
      if (problem) throw ValidationError.field('area', `not a valid area: ${problem}`);
    }
    await this.checkNotify(input.notify);
    const params: Record<string, unknown> = {};
    for (const k of KIND_FIELDS) {
      const v = (input as Record<string, unknown>)[k];
      if (v !== undefined) params[k] = v;
    }
    return {
      id,
      name: input.name,
      kind: input.kind,
      severity: input.severity,
      enabled: input.enabled,
      asset_id: input.assetId ?? null,
      asset_type: input.assetType ?? null,
      admin_unit_code: unit,
      unit_codes: unit === null ? null : await withDescendants(db, [unit]),
      params,
      area: input.kind === 'geofence' ? input.area : null,
      message: input.message ?? null,
      escalate_after_minutes: input.escalateAfterMinutes ?? null,
      notify: input.notify,
    };
  }

  private async checkNotify(notify: readonly NotifyTarget[]): Promise<void> {
    const hooks = notify.flatMap((t, i) =>
      t.channel === 'webhook' ? [[i, t.webhookId] as const] : [],
    );
    const unknown = new Set(await this.deps.unknownWebhooks(hooks.map(([, id]) => id)));
    const bad = hooks.find(([, id]) => unknown.has(id));
    if (bad) throw ValidationError.field(`notify.${bad[0]}.webhookId`, 'no webhook has this id');
    const units = notify.flatMap((t, i) =>
      t.channel === 'email' && t.adminUnit ? [[i, t.adminUnit] as const] : [],
    );
    const unknownUnits = new Set(
      await unknownUnitCodes(
        this.deps.db,
        units.map(([, u]) => u),
      ),
    );
    const badUnit = units.find(([, u]) => unknownUnits.has(u));
    if (badUnit) {
      throw ValidationError.field(
        `notify.${badUnit[0]}.adminUnit`,
        `no admin unit has the code ${badUnit[1]}`,
      );
    }
  }
}
