/** Admin units: provinces, districts (before 2025) and communes (phường/xã), each valid over a period. */
import { z } from 'zod';
import { isoDate } from './common.js';

export const adminLevels = ['province', 'district', 'commune'] as const;
export const adminLevelSchema = z.enum(adminLevels);
export type AdminLevel = z.infer<typeof adminLevelSchema>;
export const adminKinds = [
  'province',
  'city',
  'town',
  'district',
  'ward',
  'commune',
  'township',
] as const;
export const adminKindSchema = z.enum(adminKinds);

export const adminUnitSchema = z.object({
  code: z.string(),
  name: z.string(),
  nameVi: z.string(),
  nameEn: z.string(),
  level: adminLevelSchema,
  kind: adminKindSchema,
  parentCode: z.string().nullable(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  /** The boundary is a generated approximation, not the official one. */
  approximate: z.boolean(),
  source: z.string().nullable(),
});
export type AdminUnit = z.infer<typeof adminUnitSchema>;

export const adminUnitDetailSchema = adminUnitSchema.extend({
  boundary: z.unknown().nullable(),
  externalRefs: z.record(z.string(), z.string()),
});
export type AdminUnitDetail = z.infer<typeof adminUnitDetailSchema>;

export const adminUnitQuery = z
  .object({
    level: adminLevelSchema.optional(),
    parent: z.string().max(64).optional(),
    at: isoDate.optional(),
    q: z.string().max(100).optional(),
  })
  .strict();
