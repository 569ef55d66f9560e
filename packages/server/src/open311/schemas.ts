/**
 * The JSON shapes of GeoReport v2 (the spec's examples, and the public JSON
 * Schemas of open311/schema-validation), as zod schemas the responses are
 * serialised from: only declared fields are ever written.
 */
import { z } from 'zod';

const str = z.string().nullable();

export const open311ErrorsSchema = z.array(
  z.object({ code: z.number().int(), description: z.string() }),
);

export const discoverySchema = z.object({
  changeset: z.string(),
  contact: z.string(),
  key_service: z.string(),
  endpoints: z.array(
    z.object({
      specification: z.string(),
      url: z.string(),
      changeset: z.string(),
      type: z.string(),
      formats: z.array(z.string()),
    }),
  ),
});

export const serviceSchema = z.object({
  service_code: z.string(),
  service_name: z.string(),
  description: str,
  metadata: z.boolean(),
  type: z.enum(['realtime', 'batch', 'blackbox']),
  keywords: str,
  group: str,
});
export const servicesSchema = z.array(serviceSchema);

export const serviceDefinitionSchema = z.object({
  service_code: z.string(),
  attributes: z.array(
    z.object({
      variable: z.boolean(),
      code: z.string(),
      datatype: z.string(),
      required: z.boolean(),
      datatype_description: str,
      order: z.number().int(),
      description: z.string(),
      values: z.array(z.object({ key: z.string(), name: z.string() })),
    }),
  ),
});

const noteSchema = z.object({ datetime: z.string(), description: z.string(), type: z.string() });

export const requestSchema = z.object({
  service_request_id: z.string(),
  status: z.enum(['open', 'closed']),
  status_notes: str,
  service_name: str,
  service_code: z.string(),
  description: str,
  agency_responsible: str,
  service_notice: str,
  requested_datetime: z.string(),
  updated_datetime: str,
  expected_datetime: str,
  address: str,
  address_id: str,
  zipcode: str,
  lat: z.number().nullable(),
  long: z.number().nullable(),
  media_url: str,
  /** extensions=true */
  attributes: z
    .array(
      z.object({
        code: z.string(),
        name: z.string(),
        value: z.union([z.string(), z.array(z.string())]),
      }),
    )
    .optional(),
  extended_attributes: z
    .object({
      status_detail: z.string(),
      channel: z.string(),
      admin_unit: str,
      deadline_class: z.string(),
      photos: z.array(z.object({ media_url: z.string(), thumb_url: z.string(), kind: z.string() })),
      notes: z.array(noteSchema),
    })
    .optional(),
  notes: z.array(noteSchema).optional(),
});
export const requestsSchema = z.array(requestSchema);
export type Open311Request = z.infer<typeof requestSchema>;

export const postResponseSchema = z.array(
  z.object({
    service_request_id: z.string().optional(),
    token: z.string().optional(),
    service_notice: str,
    account_id: str,
  }),
);

export const tokenResponseSchema = z.array(
  z.object({ service_request_id: z.string(), token: z.string() }),
);
