/**
 * Alerts: rules as data (threshold, silence, match, geofence), alerts with
 * their lifecycle open → acknowledged → resolved and history, the alert
 * message of the live stream, and notification webhooks and dead letters.
 */
import { z } from 'zod';
import { pageQuery } from './common.js';
import { areaSchema } from './geometry.js';
import { assetTypeSchema } from './assets.js';
import { dataFieldSchema, eventTypePatternSchema } from './events.js';
import { roleSchema, type Role } from './people.js';

export const alertSeverities = ['info', 'warning', 'critical'] as const;
export const alertSeveritySchema = z.enum(alertSeverities);
export type AlertSeverity = z.infer<typeof alertSeveritySchema>;

export const alertStatuses = ['open', 'acknowledged', 'resolved'] as const;
export const alertStatusSchema = z.enum(alertStatuses);
export type AlertStatus = z.infer<typeof alertStatusSchema>;

export const alertRuleKinds = ['threshold', 'silence', 'match', 'geofence'] as const;
export const alertRuleKindSchema = z.enum(alertRuleKinds);
export type AlertRuleKind = z.infer<typeof alertRuleKindSchema>;

export const comparisonOps = ['>', '>=', '<', '<=', '==', '!='] as const;
export const comparisonOpSchema = z.enum(comparisonOps);
export type ComparisonOp = z.infer<typeof comparisonOpSchema>;

/**
 * Who hears of an alert at each escalation level: level 0 (when it opens) is
 * for operators, each escalation notifies the next role. An alert escalates at
 * most `escalationRoles.length - 1` times.
 */
export const escalationRoles: readonly Role[] = ['operator', 'supervisor', 'administrator'];

/** The severity one step up (critical stays critical). */
export function severityAbove(s: AlertSeverity): AlertSeverity {
  const i = alertSeverities.indexOf(s);
  return alertSeverities[Math.min(i + 1, alertSeverities.length - 1)]!;
}

const unitCode = z.string().min(1).max(64);
const localizedText = z
  .object({
    vi: z.string().trim().min(1).max(500).optional(),
    en: z.string().trim().min(1).max(500).optional(),
  })
  .strict();
export type LocalizedText = z.infer<typeof localizedText>;

/**
 * Who a rule notifies, besides the live stream (which always gets every alert):
 * e-mail to addresses, or to the users of a role whose scope covers the alert
 * (optionally only for alerts inside `adminUnit`); or a registered webhook.
 */
export const notifyTargetSchema = z.discriminatedUnion('channel', [
  z
    .object({
      channel: z.literal('email'),
      to: z.array(z.email().max(254)).min(1).max(50).optional(),
      role: roleSchema.optional(),
      adminUnit: unitCode.optional(),
    })
    .strict()
    .refine((t) => (t.to === undefined) !== (t.role === undefined), {
      message: 'give either "to" (addresses) or "role"',
      path: ['to'],
    }),
  z.object({ channel: z.literal('webhook'), webhookId: z.uuid() }).strict(),
]);
export type NotifyTarget = z.infer<typeof notifyTargetSchema>;

/** Fields every rule has. */
const ruleCommon = {
  name: z.string().trim().min(1).max(200),
  severity: alertSeveritySchema,
  enabled: z.boolean().default(true),
  /** The alert's text per language; the rule's name when absent. */
  message: localizedText.optional(),
  /** Only assets in this admin unit (with the units under it). */
  adminUnit: unitCode.optional(),
  /** Not acknowledged within this many minutes: severity up one step, next role notified. */
  escalateAfterMinutes: z.number().int().min(1).max(10_080).optional(),
  notify: z.array(notifyTargetSchema).max(20).default([]),
};
const target = { assetId: z.uuid().optional(), assetType: assetTypeSchema.optional() };

type Target = { assetId?: string | undefined; assetType?: string | undefined };
const exactlyOneTarget = (r: Target, ctx: z.RefinementCtx) => {
  if ((r.assetId === undefined) === (r.assetType === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['assetId'],
      message: 'give either assetId or assetType',
    });
  }
};

const ordered = new Set<ComparisonOp>(['>', '>=', '<', '<=']);

export const thresholdRuleSchema = z
  .object({
    ...ruleCommon,
    kind: z.literal('threshold'),
    ...target,
    eventType: eventTypePatternSchema,
    field: dataFieldSchema,
    op: comparisonOpSchema,
    value: z.union([z.number().finite(), z.string().max(200), z.boolean()]),
    /** Hysteresis: the alert clears only once the condition fails with this in place of `value`. */
    clearValue: z.number().finite().optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    exactlyOneTarget(r, ctx);
    if (ordered.has(r.op) && typeof r.value !== 'number') {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `"${r.op}" needs a number` });
    }
    if (r.clearValue === undefined || typeof r.value !== 'number') return;
    if (!ordered.has(r.op)) {
      ctx.addIssue({ code: 'custom', path: ['clearValue'], message: 'only with >, >=, < or <=' });
    } else if (r.op.startsWith('>') ? r.clearValue > r.value : r.clearValue < r.value) {
      ctx.addIssue({
        code: 'custom',
        path: ['clearValue'],
        message: `must be ${r.op.startsWith('>') ? 'at most' : 'at least'} value (${r.value})`,
      });
    }
  });

export const silenceRuleSchema = z
  .object({
    ...ruleCommon,
    kind: z.literal('silence'),
    ...target,
    /** Seconds without any event, from the asset's last event or the rule's arming, whichever is later. */
    seconds: z
      .number()
      .int()
      .min(10)
      .max(30 * 86_400),
  })
  .strict()
  .superRefine(exactlyOneTarget);

export const matchRuleSchema = z
  .object({
    ...ruleCommon,
    kind: z.literal('match'),
    /** An event type, or a prefix like `fire.*`. */
    eventType: eventTypePatternSchema,
    assetType: assetTypeSchema.optional(),
    assetId: z.uuid().optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.assetId !== undefined && r.assetType !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['assetId'],
        message: 'give assetId or assetType, not both',
      });
    }
  });

export const geofenceRuleSchema = z
  .object({
    ...ruleCommon,
    kind: z.literal('geofence'),
    ...target,
    area: areaSchema,
    on: z.enum(['enter', 'leave']),
  })
  .strict()
  .superRefine(exactlyOneTarget);

/** POST /api/v1/alert-rules. */
export const alertRuleCreateSchema = z.discriminatedUnion('kind', [
  thresholdRuleSchema,
  silenceRuleSchema,
  matchRuleSchema,
  geofenceRuleSchema,
]);
export type AlertRuleCreate = z.infer<typeof alertRuleCreateSchema>;
export type AlertRuleCreateInput = z.input<typeof alertRuleCreateSchema>;

/**
 * PATCH /api/v1/alert-rules/{id}: the fields given replace the rule's (null
 * removes an optional one); the kind never changes. The result is checked as a
 * whole, like a new rule.
 */
export const alertRulePatchSchema = z
  .object({
    name: z.string(),
    severity: alertSeveritySchema,
    enabled: z.boolean(),
    message: localizedText.nullable(),
    adminUnit: unitCode.nullable(),
    escalateAfterMinutes: z.number().int().nullable(),
    notify: z.array(z.unknown()),
    assetId: z.uuid().nullable(),
    assetType: z.string().nullable(),
    eventType: z.string(),
    field: z.string(),
    op: comparisonOpSchema,
    value: z.union([z.number(), z.string(), z.boolean()]),
    clearValue: z.number().nullable(),
    seconds: z.number(),
    area: z.unknown(),
    on: z.enum(['enter', 'leave']),
  })
  .partial()
  .strict();
export type AlertRulePatch = z.infer<typeof alertRulePatchSchema>;

/** A rule as the API answers it: the common fields, and the fields of its kind. */
export const alertRuleSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  severity: alertSeveritySchema,
  enabled: z.boolean(),
  kind: alertRuleKindSchema,
  message: localizedText.optional(),
  adminUnit: z.string().optional(),
  escalateAfterMinutes: z.number().int().optional(),
  notify: z.array(notifyTargetSchema),
  assetId: z.uuid().optional(),
  assetType: z.string().optional(),
  eventType: z.string().optional(),
  field: z.string().optional(),
  op: comparisonOpSchema.optional(),
  value: z.union([z.number(), z.string(), z.boolean()]).optional(),
  clearValue: z.number().optional(),
  seconds: z.number().int().optional(),
  area: z.unknown().optional(),
  on: z.enum(['enter', 'leave']).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** When silence is counted from (creation, or the last time the rule was enabled or changed). */
  armedAt: z.string(),
});
export type AlertRule = z.infer<typeof alertRuleSchema>;

export const alertRuleListQuery = z
  .object({
    ...pageQuery,
    kind: alertRuleKindSchema.optional(),
    enabled: z.enum(['true', 'false']).optional(),
    asset: z.uuid().optional(),
  })
  .strict();

/** Who did something to an alert. */
export const actorRefSchema = z.object({
  type: z.enum(['user', 'apikey', 'device', 'citizen', 'system']),
  id: z.string().nullable(),
  label: z.string(),
});
export type ActorRef = z.infer<typeof actorRefSchema>;

export const alertSchema = z.object({
  id: z.uuid(),
  ruleId: z.uuid(),
  kind: alertRuleKindSchema,
  assetId: z.uuid(),
  severity: alertSeveritySchema,
  status: alertStatusSchema,
  title: z.string(),
  message: localizedText.nullable(),
  /** What fired: the value and limit, the position, the silence… */
  details: z.record(z.string(), z.unknown()),
  openedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: actorRefSchema.nullable(),
  resolvedAt: z.string().nullable(),
  resolvedBy: actorRefSchema.nullable(),
  note: z.string().nullable(),
  /** The seq of the last event that fired the condition (null for silence). */
  lastEventSeq: z.number().int().nullable(),
  /** How many times the condition fired while the alert was unresolved. */
  count: z.number().int(),
  adminUnit: z.string().nullable(),
  escalationLevel: z.number().int(),
  escalatedAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type Alert = z.infer<typeof alertSchema>;

export const alertActions = ['opened', 'acknowledged', 'resolved', 'cleared', 'escalated'] as const;
export const alertActionSchema = z.enum(alertActions);
export type AlertAction = z.infer<typeof alertActionSchema>;

export const alertHistoryEntrySchema = z.object({
  at: z.string(),
  action: alertActionSchema,
  actor: actorRefSchema,
  fromStatus: alertStatusSchema.nullable(),
  toStatus: alertStatusSchema,
  severity: alertSeveritySchema,
  note: z.string().nullable(),
});
export type AlertHistoryEntry = z.infer<typeof alertHistoryEntrySchema>;

export const alertDetailSchema = alertSchema.extend({ history: z.array(alertHistoryEntrySchema) });
export type AlertDetail = z.infer<typeof alertDetailSchema>;

export const alertListQuery = z
  .object({
    ...pageQuery,
    /** One status, or several separated by commas (`open,acknowledged`: the unresolved). */
    status: z
      .string()
      .max(100)
      .transform((s) => s.split(',').map((x) => x.trim()))
      .pipe(z.array(alertStatusSchema).min(1))
      .optional(),
    asset: z.uuid().optional(),
    severity: alertSeveritySchema.optional(),
    adminUnit: unitCode.optional(),
    rule: z.uuid().optional(),
  })
  .strict();

/** Body of POST /api/v1/alerts/{id}/acknowledge and /resolve. */
export const alertActionBodySchema = z
  .object({ note: z.string().trim().max(2000, 'must be at most 2000 characters').optional() })
  .strict();

/** The live stream's `event: alert` message: one alert change. */
export const alertMessageSchema = z.object({
  id: z.uuid(),
  ruleId: z.uuid(),
  assetId: z.uuid(),
  status: alertStatusSchema,
  severity: alertSeveritySchema,
  title: z.string(),
  adminUnit: z.string().nullable(),
  agencyCode: z.string().nullable(),
  change: alertActionSchema,
  at: z.string(),
  escalationLevel: z.number().int(),
});
export type AlertMessage = z.infer<typeof alertMessageSchema>;

const webhookUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2000);

/** Webhooks (administrators): alert changes POSTed as signed JSON. */
export const webhookCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    url: webhookUrl,
    enabled: z.boolean().default(true),
  })
  .strict();
export type WebhookCreate = z.infer<typeof webhookCreateSchema>;

export const webhookPatchSchema = z
  .object({ name: z.string().trim().min(1).max(200), url: webhookUrl, enabled: z.boolean() })
  .partial()
  .strict();
export type WebhookPatch = z.infer<typeof webhookPatchSchema>;

export const webhookSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  url: z.string(),
  enabled: z.boolean(),
  /** The start of the secret, to tell secrets apart. */
  secretPrefix: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Webhook = z.infer<typeof webhookSchema>;

/** A webhook with its signing secret: answered once, on create and rotate-secret. */
export const webhookWithSecretSchema = webhookSchema.extend({ secret: z.string() });
export type WebhookWithSecret = z.infer<typeof webhookWithSecretSchema>;

/** A notification that failed every attempt. */
export const deadLetterSchema = z.object({
  id: z.uuid(),
  channel: z.string(),
  target: z.record(z.string(), z.unknown()),
  event: z.string(),
  alertId: z.uuid().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  failedAt: z.string().nullable(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;
