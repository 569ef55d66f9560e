/**
 * Dashboards: the aggregations behind the console's dashboard widgets
 * (GET /api/v1/dashboards/…), each within the caller's scope and optionally
 * one admin unit (with the units under it) and a period.
 */
import { z } from 'zod';
import { isoDateTime } from './common.js';
import { assetStatusSchema, assetTypeSchema } from './assets.js';
import { alertRuleKindSchema, alertSeveritySchema, alertStatusSchema } from './alerts.js';

const unitCode = z.string().trim().min(1).max(64);

/** How a period is cut: hours, or calendar days in the server's time zone. */
export const dashboardBuckets = ['hour', 'day'] as const;
export const dashboardBucketSchema = z.enum(dashboardBuckets);
export type DashboardBucket = z.infer<typeof dashboardBucketSchema>;

/** The longest period each bucket may cover (so that an answer stays small). */
export const dashboardMaxBuckets = { hour: 24 * 31, day: 366 } as const;

const period = {
  adminUnit: unitCode.optional(),
  /** Start of the period (default: 24 hours before `to`). */
  from: isoDateTime.optional(),
  /** End of the period, excluded (default: now). */
  to: isoDateTime.optional(),
};

/** GET /api/v1/dashboards/assets-by-status: assets now, counted by type and status. */
export const assetsByStatusQuery = z.object({ adminUnit: unitCode.optional() }).strict();
export const assetsByStatusSchema = z.object({
  items: z.array(
    z.object({ type: assetTypeSchema, status: assetStatusSchema, count: z.number().int() }),
  ),
});
export type AssetsByStatus = z.infer<typeof assetsByStatusSchema>;

/**
 * GET /api/v1/dashboards/events-over-time: stored events per bucket, by family
 * (the first part of the type: `env` for `env.reading`, `alert` for alert changes).
 */
export const eventsOverTimeQuery = z
  .object({ ...period, bucket: dashboardBucketSchema.default('hour') })
  .strict();
export const eventsOverTimeSchema = z.object({
  from: z.string(),
  to: z.string(),
  bucket: dashboardBucketSchema,
  items: z.array(z.object({ t: z.string(), family: z.string(), count: z.number().int() })),
});
export type EventsOverTime = z.infer<typeof eventsOverTimeSchema>;

/**
 * GET /api/v1/dashboards/alerts-summary: the alerts unresolved now, and those
 * opened in the period by rule and by admin unit.
 */
export const alertsSummaryQuery = z.object(period).strict();
export const alertsSummarySchema = z.object({
  from: z.string(),
  to: z.string(),
  unresolved: z.array(
    z.object({
      severity: alertSeveritySchema,
      status: alertStatusSchema,
      count: z.number().int(),
    }),
  ),
  byRule: z.array(
    z.object({
      ruleId: z.uuid(),
      title: z.string(),
      kind: alertRuleKindSchema,
      severity: alertSeveritySchema,
      count: z.number().int(),
    }),
  ),
  byUnit: z.array(
    z.object({
      adminUnit: z.string().nullable(),
      severity: alertSeveritySchema,
      count: z.number().int(),
    }),
  ),
});
export type AlertsSummary = z.infer<typeof alertsSummarySchema>;
