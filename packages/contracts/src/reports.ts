/**
 * Citizen field reports (phản ánh hiện trường): categories, the workflow's
 * reports and history, the citizen app's views, statistics, the working-day
 * calendar and photo uploads. The staff console and the citizen PWA use these.
 */
import { z } from 'zod';
import { isoDate, isoDateTime } from './common.js';

export const reportStatuses = [
  'received',
  'verified',
  'rejected',
  'assigned',
  'in_progress',
  'answered',
  'closed',
  'merged',
] as const;
export const reportStatusSchema = z.enum(reportStatuses);
export type ReportStatus = z.infer<typeof reportStatusSchema>;

/** urgent ≤ 1 working day, on_the_spot ≤ 3, normal ≤ 15 (configurable). */
export const deadlineClasses = ['urgent', 'on_the_spot', 'normal'] as const;
export const deadlineClassSchema = z.enum(deadlineClasses);
export type DeadlineClass = z.infer<typeof deadlineClassSchema>;

/** Where a report came in: the citizen app, Open311, the IOC's hotline, other staff intake. */
export const reportChannels = ['citizen_app', 'open311', 'phone', 'staff'] as const;
export type ReportChannel = (typeof reportChannels)[number];

/** The staff actions, as in POST /api/v1/reports/{id}/{action}. */
export const reportActions = [
  'verify',
  'reject',
  'assign',
  'start',
  'extend',
  'approve-extension',
  'return',
  'answer',
  'merge',
  'close',
] as const;
export type ReportAction = (typeof reportActions)[number];

// ---------------------------------------------------------------- categories

export const attributeDatatypes = [
  'string',
  'number',
  'datetime',
  'text',
  'singlevaluelist',
  'multivaluelist',
] as const;
export type AttributeDatatype = (typeof attributeDatatypes)[number];

const code64 = z
  .string()
  .regex(/^[A-Za-z0-9][\w-]{0,63}$/, 'letters, digits, "-" or "_", at most 64');
const text = (max: number) => z.string().trim().max(max);

export const categoryAttributeSchema = z
  .object({
    code: code64,
    datatype: z.enum(attributeDatatypes),
    required: z.boolean().default(false),
    /** false: the attribute only informs the user (Open311 `variable`). */
    variable: z.boolean().default(true),
    order: z.number().int().min(1).max(1000),
    descriptionVi: text(500).min(1),
    descriptionEn: text(500).min(1),
    datatypeDescriptionVi: text(500).nullable().default(null),
    datatypeDescriptionEn: text(500).nullable().default(null),
    values: z
      .array(z.object({ key: code64, nameVi: text(200).min(1), nameEn: text(200).min(1) }).strict())
      .max(100)
      .default([]),
  })
  .strict();
export type CategoryAttribute = z.infer<typeof categoryAttributeSchema>;

export const categoryRoutings = ['unit_committee', 'agency'] as const;

const categoryFields = {
  nameVi: text(200).min(1),
  nameEn: text(200).min(1),
  descriptionVi: text(1000).default(''),
  descriptionEn: text(1000).default(''),
  /** Open311 `group`. */
  group: text(100).min(1),
  keywords: z.array(text(100).min(1)).max(50).default([]),
  deadlineClass: deadlineClassSchema.default('normal'),
  /**
   * unit_committee: the People's Committee serving the report's unit, else
   * `defaultAgencyCode`; agency: `defaultAgencyCode` first. A mapping for the
   * unit (/routes) always wins.
   */
  routing: z.enum(categoryRoutings).default('unit_committee'),
  defaultAgencyCode: z.string().max(64).nullable().default(null),
  /** Open311 `type`: realtime answers the request id at once, batch a token. */
  open311Type: z.enum(['realtime', 'batch']).default('realtime'),
  attributes: z.array(categoryAttributeSchema).max(50).default([]),
  active: z.boolean().default(true),
  sortOrder: z.number().int().min(0).max(10_000).default(100),
};

export const reportCategoryCreateSchema = z
  .object({ code: code64, ...categoryFields })
  .strict()
  .superRefine((c, ctx) => {
    const codes = new Set<string>();
    const orders = new Set<number>();
    c.attributes.forEach((a, i) => {
      if (codes.has(a.code))
        ctx.addIssue({ code: 'custom', path: ['attributes', i, 'code'], message: 'repeated code' });
      if (orders.has(a.order))
        ctx.addIssue({
          code: 'custom',
          path: ['attributes', i, 'order'],
          message: 'repeated order',
        });
      codes.add(a.code);
      orders.add(a.order);
      const list = a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist';
      if (list && a.values.length === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['attributes', i, 'values'],
          message: 'a list needs values',
        });
      if (!list && a.values.length > 0)
        ctx.addIssue({
          code: 'custom',
          path: ['attributes', i, 'values'],
          message: 'only lists take values',
        });
    });
  });
export type ReportCategoryCreate = z.infer<typeof reportCategoryCreateSchema>;

export const reportCategoryPatchSchema = z.object(categoryFields).partial().strict();
export type ReportCategoryPatch = z.infer<typeof reportCategoryPatchSchema>;

export const reportCategorySchema = z.object({
  code: z.string(),
  nameVi: z.string(),
  nameEn: z.string(),
  descriptionVi: z.string(),
  descriptionEn: z.string(),
  group: z.string(),
  keywords: z.array(z.string()),
  deadlineClass: deadlineClassSchema,
  /** Working days allowed by the deadline class, as configured now. */
  workingDays: z.number().int(),
  routing: z.enum(categoryRoutings),
  defaultAgencyCode: z.string().nullable(),
  open311Type: z.enum(['realtime', 'batch']),
  attributes: z.array(
    z.object({
      code: z.string(),
      datatype: z.enum(attributeDatatypes),
      required: z.boolean(),
      variable: z.boolean(),
      order: z.number().int(),
      descriptionVi: z.string(),
      descriptionEn: z.string(),
      datatypeDescriptionVi: z.string().nullable(),
      datatypeDescriptionEn: z.string().nullable(),
      values: z.array(z.object({ key: z.string(), nameVi: z.string(), nameEn: z.string() })),
    }),
  ),
  active: z.boolean(),
  sortOrder: z.number().int(),
});
export type ReportCategory = z.infer<typeof reportCategorySchema>;

export const categoryRouteSchema = z
  .object({ unitCode: z.string().min(1).max(64), agencyCode: z.string().min(1).max(64) })
  .strict();
export const categoryRoutesSchema = z
  .object({ routes: z.array(categoryRouteSchema).max(5000) })
  .strict();
export type CategoryRoute = z.infer<typeof categoryRouteSchema>;

// ---------------------------------------------------------------- reports

export const reportIdSchema = z.string().regex(/^\d{1,18}$/, 'a report number');

const lat = z.number().min(-90).max(90);
const lon = z.number().min(-180).max(180);
export const reportLocationSchema = z.object({ lat, lon });

export const refSchema = z.object({ code: z.string(), nameVi: z.string(), nameEn: z.string() });

export const reportPhotoSchema = z.object({
  id: z.string(),
  /** report: sent with the report; answer: evidence of the work done. */
  kind: z.enum(['report', 'answer']),
  url: z.string(),
  thumbUrl: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  contentType: z.string(),
});
export type ReportPhoto = z.infer<typeof reportPhotoSchema>;

export const attributeValuesSchema = z.record(
  z.string(),
  z.union([z.string(), z.array(z.string())]),
);

/** Who did a step, as the public may see it: a kind and, for staff, the agency, never a person. */
export const historyActorSchema = z.object({
  type: z.enum(['citizen', 'staff', 'integration', 'system']),
  label: z.string().nullable(),
});

export const publicHistoryEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  action: z.string(),
  fromStatus: reportStatusSchema.nullable(),
  toStatus: reportStatusSchema.nullable(),
  actor: historyActorSchema,
  /** The public note (a reason, an answer…). */
  note: z.string().nullable(),
});
export const historyEntrySchema = publicHistoryEntrySchema.extend({
  /** Staff only. */
  internalNote: z.string().nullable(),
  /** The staff member (staff views only). */
  actorName: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export type PublicHistoryEntry = z.infer<typeof publicHistoryEntrySchema>;

export const extensionSchema = z.object({
  days: z.number().int(),
  reason: z.string(),
  status: z.enum(['pending', 'approved', 'refused']),
  requestedAt: z.string(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
});

export const answerSchema = z.object({ text: z.string(), at: z.string() });
export const ratingSchema = z.object({
  satisfied: z.boolean(),
  comment: z.string().nullable(),
  at: z.string(),
});

export const reportSchema = z.object({
  id: z.string(),
  status: reportStatusSchema,
  category: refSchema,
  description: z.string(),
  location: reportLocationSchema.nullable(),
  address: z.string().nullable(),
  addressId: z.string().nullable(),
  adminUnit: z.string().nullable(),
  channel: z.enum(reportChannels),
  attributes: attributeValuesSchema,
  primaryAgency: refSchema.nullable(),
  /** The agency routing suggests for its category and unit (the default of `assign`). */
  suggestedAgency: refSchema.nullable(),
  coordinatingAgencies: z.array(refSchema),
  deadlineClass: deadlineClassSchema,
  /** The end of the due date in the province's time zone. */
  deadline: z.string(),
  dueDate: z.string(),
  overdue: z.boolean(),
  escalatedAt: z.string().nullable(),
  extension: extensionSchema.nullable(),
  answer: answerSchema.nullable(),
  rating: ratingSchema.nullable(),
  reopenCount: z.number().int(),
  rejectionReason: z.string().nullable(),
  mergedInto: z.string().nullable(),
  duplicates: z.number().int(),
  shareReporterWithAgency: z.boolean(),
  /** Personal data of the reporter exists (read it at /reporter, which is audited). */
  hasReporter: z.boolean(),
  personalDataErased: z.boolean(),
  photos: z.array(reportPhotoSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
  answeredAt: z.string().nullable(),
  closedAt: z.string().nullable(),
});
export type Report = z.infer<typeof reportSchema>;

export const reportDetailSchema = reportSchema.extend({
  history: z.array(historyEntrySchema),
  /** The actions the caller may take on the report now (what the back office offers). */
  allowedActions: z.array(z.enum(reportActions)),
  /** What else the caller may do on the report (what the back office shows), beside the actions. */
  may: z.object({
    /** Read the reporter's identity (GET …/reporter, audited). */
    readReporter: z.boolean(),
    /** Add an internal note outside any action (PATCH {internalNote}). */
    addInternalNote: z.boolean(),
    /** Share the reporter's identity with the handling agency, or stop (PATCH {shareReporterWithAgency}). */
    shareReporter: z.boolean(),
  }),
});
export type ReportDetail = z.infer<typeof reportDetailSchema>;

export const reporterSchema = z.object({
  name: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  deviceId: z.string().nullable(),
  accountId: z.string().nullable(),
  citizenId: z.string().nullable(),
});
export type Reporter = z.infer<typeof reporterSchema>;

const csv = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).min(1).max(20));

export const bboxSchema = z.string().transform((s, ctx) => {
  const n = s.split(',').map(Number);
  if (n.length !== 4 || n.some((v) => !Number.isFinite(v)) || n[0]! >= n[2]! || n[1]! >= n[3]!) {
    ctx.addIssue({ code: 'custom', message: 'minLon,minLat,maxLon,maxLat with min < max' });
    return z.NEVER;
  }
  return { minLon: n[0]!, minLat: n[1]!, maxLon: n[2]!, maxLat: n[3]! };
});
export type Bbox = { minLon: number; minLat: number; maxLon: number; maxLat: number };

export const reportFilterSchema = z
  .object({
    status: csv(reportStatusSchema).optional(),
    category: csv(z.string().max(64)).optional(),
    /** An admin unit, with the units under it. */
    unit: z.string().max(64).optional(),
    /** Primary or coordinating agency. */
    agency: z.string().max(64).optional(),
    overdue: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    q: z.string().trim().min(1).max(200).optional(),
    bbox: bboxSchema.optional(),
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
  })
  .strict();
export type ReportFilter = z.infer<typeof reportFilterSchema>;

/** Order of the staff list: newest first, or earliest deadline first (the overdue on top). */
export const reportListSortSchema = z.enum(['newest', 'deadline']);
export type ReportListSort = z.infer<typeof reportListSortSchema>;

const note = z.string().trim().min(1).max(2000);

export const reportActionBodies = {
  verify: z
    .object({
      note: note.optional(),
      internalNote: note.optional(),
      categoryCode: code64.optional(),
    })
    .strict(),
  reject: z.object({ reason: note, internalNote: note.optional() }).strict(),
  assign: z
    .object({
      /** The primary agency; by default the one the category and unit route to. */
      agency: z.string().min(1).max(64).optional(),
      coordinating: z.array(z.string().min(1).max(64)).max(10).default([]),
      note: note.optional(),
      internalNote: note.optional(),
    })
    .strict(),
  start: z.object({ note: note.optional(), internalNote: note.optional() }).strict(),
  extend: z.object({ days: z.number().int().min(1).max(30), reason: note }).strict(),
  'approve-extension': z.object({ approve: z.boolean(), note: note.optional() }).strict(),
  return: z.object({ reason: note }).strict(),
  answer: z
    .object({
      text: z.string().trim().min(1).max(4000),
      photoIds: z.array(z.uuid()).max(10).default([]),
      internalNote: note.optional(),
    })
    .strict(),
  merge: z.object({ into: reportIdSchema, note: note.optional() }).strict(),
  close: z.object({ note: note.optional() }).strict(),
} as const satisfies Record<ReportAction, z.ZodType>;
export type ReportActionBody<A extends ReportAction> = z.infer<(typeof reportActionBodies)[A]>;

export const reportPatchSchema = z
  .object({ shareReporterWithAgency: z.boolean(), internalNote: note })
  .partial()
  .strict();

const phoneInput = z.string().trim().min(8).max(20);

/** A report taken by staff (hotline, walk-in). */
export const staffReportCreateSchema = z
  .object({
    categoryCode: code64,
    description: z.string().trim().min(1).max(4000),
    lat: lat.optional(),
    lon: lon.optional(),
    address: z.string().trim().max(500).optional(),
    attributes: attributeValuesSchema.default({}),
    photoIds: z.array(z.uuid()).max(10).default([]),
    /** `phone`: a call to the hotline; `staff` (default): walk-in, letter, other intake. */
    channel: z.enum(['phone', 'staff']).default('staff'),
    reporter: z
      .object({
        name: z.string().trim().max(200).optional(),
        phone: phoneInput.optional(),
        email: z.email().max(254).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

// ---------------------------------------------------------------- citizen app

export const otpRequestSchema = z.object({ phone: phoneInput }).strict();
export const otpRequestResponseSchema = z.object({
  expiresAt: z.string(),
  /** Seconds before another code may be asked for this phone. */
  retryAfter: z.number().int(),
});
export const otpVerifySchema = z
  .object({ phone: phoneInput, code: z.string().regex(/^\d{6}$/, 'six digits') })
  .strict();
export const citizenSessionSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  citizen: z.object({ id: z.string(), phone: z.string().nullable() }),
});

export const citizenReportCreateSchema = z
  .object({
    categoryCode: code64,
    description: z.string().trim().min(1).max(4000),
    lat,
    lon,
    address: z.string().trim().max(500).optional(),
    attributes: attributeValuesSchema.default({}),
    photoIds: z.array(z.uuid()).max(5).default([]),
    /** Shown to IOC staff only. */
    name: z.string().trim().max(200).optional(),
    email: z.email().max(254).optional(),
  })
  .strict();
export type CitizenReportCreate = z.infer<typeof citizenReportCreateSchema>;

export const publicReportSchema = z.object({
  id: z.string(),
  status: reportStatusSchema,
  category: refSchema,
  /** Null for a rejected report. */
  description: z.string().nullable(),
  location: reportLocationSchema.nullable(),
  address: z.string().nullable(),
  adminUnit: z.string().nullable(),
  /** The admin unit's names (commune or ward). */
  unit: refSchema.nullable(),
  agency: refSchema.nullable(),
  answer: answerSchema.nullable(),
  mergedInto: z.string().nullable(),
  /** Only once the report is verified. */
  photos: z.array(reportPhotoSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PublicReport = z.infer<typeof publicReportSchema>;

export const publicReportDetailSchema = publicReportSchema.extend({
  history: z.array(publicHistoryEntrySchema),
});

export const citizenReportSchema = publicReportDetailSchema.extend({
  rating: ratingSchema.nullable(),
  /** Answered and not yet rated by this citizen. */
  canRate: z.boolean(),
  /** Followed because the citizen's own report was merged into this one. */
  following: z.boolean(),
  deadline: z.string(),
  reopenCount: z.number().int(),
});
export type CitizenReport = z.infer<typeof citizenReportSchema>;

export const citizenReportCreatedSchema = z.object({
  report: citizenReportSchema,
  /** For an anonymous report: a citizen token to follow and rate it (keep it; shown once). */
  followToken: z.string().nullable(),
});

/** Claims anonymous reports (their follow tokens) into the signed-in citizen's account. */
export const citizenClaimSchema = z
  .object({ followTokens: z.array(z.string().min(1).max(200)).min(1).max(50) })
  .strict();

export const citizenClaimResultSchema = z.object({
  /** Reports now in the account. */
  reports: z.number().int(),
  /** Tokens claimed (and revoked). */
  tokens: z.number().int(),
});

export const ratingCreateSchema = z
  .object({ satisfied: z.boolean(), comment: z.string().trim().max(1000).optional() })
  .strict();

export const nearbyQuerySchema = z
  .object({
    lat: z.coerce.number().min(-90).max(90),
    lon: z.coerce.number().min(-180).max(180),
    category: code64,
    radius: z.coerce.number().int().min(10).max(1000).default(200),
  })
  .strict();

export const nearbyReportSchema = publicReportSchema.extend({ distance: z.number() });

/** GET /api/v1/reports/{id}/duplicates: how far around the report to look. */
export const duplicateQuerySchema = z
  .object({ radius: z.coerce.number().int().min(10).max(2000).default(300) })
  .strict();

/** A report that may be the original of a duplicate: the staff view with its distance in metres. */
export const duplicateCandidateSchema = reportSchema.extend({ distance: z.number() });
export type DuplicateCandidate = z.infer<typeof duplicateCandidateSchema>;

export const mapPointSchema = z.object({
  id: z.string(),
  lat: z.number(),
  lon: z.number(),
  status: reportStatusSchema,
  category: z.string(),
});
export type ReportMapPoint = z.infer<typeof mapPointSchema>;

export const publicReportFilterSchema = z
  .object({
    status: csv(reportStatusSchema).optional(),
    category: csv(z.string().max(64)).optional(),
    unit: z.string().max(64).optional(),
    bbox: bboxSchema.optional(),
  })
  .strict();

// ---------------------------------------------------------------- statistics

export const reportStatsQuerySchema = z
  .object({
    groupBy: z.enum(['agency', 'unit']),
    from: isoDate,
    to: isoDate,
    lang: z.enum(['vi', 'en', 'both']).default('both'),
  })
  .strict();

export const reportStatsRowSchema = z.object({
  key: z.string().nullable(),
  nameVi: z.string(),
  nameEn: z.string(),
  /** Received in the period. */
  received: z.number().int(),
  /** Answered in the period. */
  handled: z.number().int(),
  handledOnTime: z.number().int(),
  handledLate: z.number().int(),
  /** Due in the period and still not answered at its end. */
  dueUnhandled: z.number().int(),
  /** Unanswered past their deadline now. */
  overdueNow: z.number().int(),
  /** handledOnTime / (handled + dueUnhandled) (Decision 766/QĐ-TTg); null when nothing was due. */
  onTimeRate: z.number().nullable(),
  avgHandlingWorkingDays: z.number().nullable(),
  rated: z.number().int(),
  satisfied: z.number().int(),
  /** satisfied / rated. */
  satisfactionRate: z.number().nullable(),
  /** (handled − rated not satisfied − handled late) / handled (Decision 766/QĐ-TTg). */
  satisfaction766: z.number().nullable(),
});
export type ReportStatsRow = z.infer<typeof reportStatsRowSchema>;

export const reportStatsSchema = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(['agency', 'unit']),
  rows: z.array(reportStatsRowSchema),
  total: reportStatsRowSchema,
});
export type ReportStats = z.infer<typeof reportStatsSchema>;

export const reportExportFormatSchema = z.enum(['csv', 'xlsx']);
export type ReportExportFormat = z.infer<typeof reportExportFormatSchema>;

/** A signed link to a statistics export: what to export, and as what. */
export const reportExportLinkRequestSchema = reportStatsQuerySchema.extend({
  format: reportExportFormatSchema,
});
export type ReportExportLinkRequest = z.input<typeof reportExportLinkRequestSchema>;

/** A signed link to the staff queue under a filter (the list's own filters and order), as CSV. */
export const reportListExportRequestSchema = reportFilterSchema.extend({
  sort: reportListSortSchema.default('newest'),
  lang: z.enum(['vi', 'en', 'both']).default('both'),
  format: z.literal('csv'),
});
export type ReportListExportRequest = z.input<typeof reportListExportRequestSchema>;

/** The link (same origin, no token needed) and when it stops working. */
export const reportExportLinkSchema = z.object({ url: z.string(), expiresAt: z.string() });
export type ReportExportLink = z.infer<typeof reportExportLinkSchema>;

// ---------------------------------------------------------------- calendar

export const calendarDaySchema = z.object({
  date: z.string(),
  kind: z.enum(['holiday', 'workday']),
  nameVi: z.string(),
  nameEn: z.string(),
  source: z.string(),
  /** Decided by the Government or the province (true), or derived from the law (false). */
  official: z.boolean(),
  /** Shipped with CityOps (true) or entered by the province. */
  builtIn: z.boolean(),
});
export type CalendarDayView = z.infer<typeof calendarDaySchema>;

export const calendarDayCreateSchema = z
  .object({
    date: isoDate,
    kind: z.enum(['holiday', 'workday']),
    nameVi: z.string().trim().min(1).max(200),
    nameEn: z.string().trim().min(1).max(200),
    source: z.string().trim().max(500).default(''),
  })
  .strict();

export const workingDaysQuerySchema = z
  .object({
    from: isoDate,
    to: isoDate.optional(),
    add: z.coerce.number().int().min(0).max(366).optional(),
  })
  .strict()
  .refine((q) => (q.to === undefined) !== (q.add === undefined), {
    message: 'give either `to` or `add`',
    path: ['to'],
  });

export const workingDaysResultSchema = z.object({
  from: z.string(),
  to: z.string(),
  workingDays: z.number().int(),
});

// ---------------------------------------------------------------- files

export const uploadedFileSchema = z.object({
  id: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
});
export type UploadedFile = z.infer<typeof uploadedFileSchema>;
