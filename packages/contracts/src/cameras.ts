/**
 * The camera platform: cameras with their health, groups, per-camera and
 * per-group grants, uptime and imports. A camera is an asset of type `camera`
 * or `anpr_camera`; its credentials are write-only and never appear here.
 */
import { z } from 'zod';
import { pageQuery } from './common.js';
import { assetSchema } from './assets.js';

export const cameraTypes = ['camera', 'anpr_camera'] as const;
export const cameraHealthStatuses = ['online', 'degraded', 'offline', 'unknown'] as const;
export const cameraHealthStatusSchema = z.enum(cameraHealthStatuses);
export type CameraHealthStatus = z.infer<typeof cameraHealthStatusSchema>;

/** A text shown to people, in both languages, with a stable code for programs. */
export const bilingualReasonSchema = z.object({
  code: z.string(),
  vi: z.string(),
  en: z.string(),
});
export type BilingualReason = z.infer<typeof bilingualReasonSchema>;

export const cameraCheckSchema = z.object({
  ok: z.boolean(),
  /** Milliseconds the check took (or waited before giving up). */
  ms: z.number(),
  /** What answered or failed (status line, error code); never an address or a credential. */
  detail: z.string().optional(),
});

export const cameraHealthSchema = z.object({
  status: cameraHealthStatusSchema,
  reason: bilingualReasonSchema.nullable(),
  checkedAt: z.string().nullable(),
  /** When the status last changed. */
  since: z.string().nullable(),
  checks: z
    .object({
      rtsp: cameraCheckSchema.optional(),
      snapshot: cameraCheckSchema.optional(),
      onvif: cameraCheckSchema.optional(),
    })
    .optional(),
});
export type CameraHealth = z.infer<typeof cameraHealthSchema>;

/** A camera as listed: the asset (without credentials) and its health. */
export const cameraSchema = assetSchema.extend({
  health: cameraHealthSchema,
  /** Whether credentials are stored (their values never leave the server). */
  hasCredentials: z.boolean(),
});
export type Camera = z.infer<typeof cameraSchema>;

/** `ward:<unit code>`, `purpose:<purpose>`, or a name from the cameras' `groups`. */
export const cameraGroupKeySchema = z.string().trim().min(1).max(120);

export const cameraListQuery = z
  .object({
    ...pageQuery,
    status: z
      .union([z.string(), z.array(z.string())])
      .transform((v, ctx) => {
        const parts = (Array.isArray(v) ? v.join(',') : v)
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean);
        const bad = parts.filter((p) => !(cameraHealthStatuses as readonly string[]).includes(p));
        if (parts.length === 0 || bad.length > 0) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown status: ${bad.join(', ') || '(none)'} (known: ${cameraHealthStatuses.join(', ')})`,
          });
          return z.NEVER;
        }
        return [...new Set(parts)] as CameraHealthStatus[];
      })
      .optional(),
    adminUnit: z.string().min(1).max(64).optional(),
    group: cameraGroupKeySchema.optional(),
    type: z.enum(cameraTypes).optional(),
  })
  .strict();
export type CameraListQuery = z.infer<typeof cameraListQuery>;

export const cameraGroupSchema = z.object({
  key: z.string(),
  kind: z.enum(['ward', 'purpose', 'custom']),
  name: z.string(),
  cameras: z.number().int(),
});
export type CameraGroup = z.infer<typeof cameraGroupSchema>;

export const cameraRights = ['live', 'snapshot', 'manage'] as const;
export const cameraRightSchema = z.enum(cameraRights);
export type CameraRight = z.infer<typeof cameraRightSchema>;

export const cameraGrantCreateSchema = z
  .object({
    cameraId: z.uuid().optional(),
    group: cameraGroupKeySchema.optional(),
    userId: z.uuid().optional(),
    role: z
      .enum(['administrator', 'supervisor', 'operator', 'agency_officer', 'viewer'])
      .optional(),
    rights: z.array(cameraRightSchema).min(1).max(3),
  })
  .strict()
  .superRefine((g, ctx) => {
    if ((g.cameraId === undefined) === (g.group === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['cameraId'],
        message: 'give cameraId or group, not both',
      });
    if ((g.userId === undefined) === (g.role === undefined))
      ctx.addIssue({ code: 'custom', path: ['userId'], message: 'give userId or role, not both' });
  });
export type CameraGrantCreate = z.infer<typeof cameraGrantCreateSchema>;

export const cameraGrantSchema = z.object({
  id: z.uuid(),
  cameraId: z.string().nullable(),
  group: z.string().nullable(),
  userId: z.string().nullable(),
  role: z.string().nullable(),
  rights: z.array(cameraRightSchema),
  createdAt: z.string(),
});
export type CameraGrant = z.infer<typeof cameraGrantSchema>;

export const uptimeQuery = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const outageSchema = z.object({
  cameraId: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  seconds: z.number(),
  reason: z.string().nullable(),
});

export const cameraUptimeSchema = z.object({
  cameraId: z.string(),
  from: z.string(),
  to: z.string(),
  /** Share of the observed time that was online or degraded, 0–100; null when never observed. */
  uptimePercent: z.number().nullable(),
  onlineSeconds: z.number(),
  degradedSeconds: z.number(),
  offlineSeconds: z.number(),
  observedSeconds: z.number(),
  longestOutages: z.array(outageSchema),
});

export const wardUptimeSchema = z.object({
  from: z.string(),
  to: z.string(),
  wards: z.array(
    z.object({
      adminUnit: z.string().nullable(),
      cameras: z.number().int(),
      uptimePercent: z.number().nullable(),
      offlineSeconds: z.number(),
    }),
  ),
  longestOutages: z.array(outageSchema),
});

/** A row problem of a camera import. */
export const cameraImportErrorSchema = z.object({
  row: z.number().int(),
  field: z.string(),
  reason: z.string(),
});
export const cameraImportResultSchema = z.object({
  created: z.number().int(),
  updated: z.number().int(),
});
