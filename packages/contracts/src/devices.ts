/** Device identities of assets: each has an API key (`cod_…`), shown once, that it ingests with. */
import { z } from 'zod';

export const deviceSchema = z.object({
  id: z.uuid(),
  assetId: z.uuid(),
  name: z.string(),
  keyPrefix: z.string(),
  disabled: z.boolean(),
  createdAt: z.string(),
  rotatedAt: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
});
export type Device = z.infer<typeof deviceSchema>;

/** A device with its key, answered once by create and rotate-key. */
export const deviceWithKeySchema = deviceSchema.extend({ key: z.string() });
export type DeviceWithKey = z.infer<typeof deviceWithKeySchema>;

export const deviceCreateSchema = z
  .object({
    assetId: z.uuid(),
    name: z.string().trim().max(200).default(''),
  })
  .strict();
export type DeviceCreate = z.infer<typeof deviceCreateSchema>;

export const devicePatchSchema = z
  .object({
    name: z.string().trim().max(200),
    disabled: z.boolean(),
  })
  .partial()
  .strict();
export type DevicePatch = z.infer<typeof devicePatchSchema>;
