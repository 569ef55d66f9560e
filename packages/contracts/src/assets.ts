/**
 * Assets: every located thing, typed by a catalogue. Each type has Vietnamese
 * and English names, the geometries it may have and a schema for its
 * properties. Write-only properties (camera credentials) are accepted on
 * create and update and never returned.
 */
import { z } from 'zod';
import { bboxParam, geometrySchema, nearParam, type GeometryType } from './geometry.js';

const url = (protocols: string[]) =>
  z
    .string()
    .max(2000)
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
    );

const fovSchema = z
  .object({
    bearing: z.number().min(0).max(360),
    angle: z.number().gt(0).max(360),
    range: z.number().gt(0).max(5000),
  })
  .strict();

const cameraProperties = z
  .object({
    vendor: z.string().max(100).optional(),
    model: z.string().max(100).optional(),
    streamUrl: url(['rtsp:', 'rtsps:']).optional(),
    subStreamUrl: url(['rtsp:', 'rtsps:']).optional(),
    snapshotUrl: url(['http:', 'https:']).optional(),
    onvifUrl: url(['http:', 'https:']).optional(),
    purpose: z.enum(['security', 'traffic', 'environment']).optional(),
    fov: fovSchema.optional(),
    ownerUnit: z.string().max(64).optional(),
    groups: z.array(z.string().max(100)).max(50).optional(),
    username: z.string().max(200).optional(),
    password: z.string().max(200).optional(),
  })
  .strict();

const phone = z.string().regex(/^\+?[0-9 .-]{6,20}$/, 'must be a phone number');
const address = z.string().max(500);

const facility = z
  .object({
    address: address.optional(),
    phone: phone.optional(),
    website: url(['http:', 'https:']).optional(),
  })
  .strict();

export const assetTypeCatalogue = {
  camera: {
    nameVi: 'Camera giám sát',
    nameEn: 'Surveillance camera',
    geometry: ['Point'],
    properties: cameraProperties,
    writeOnly: ['username', 'password'],
  },
  anpr_camera: {
    nameVi: 'Camera nhận dạng biển số',
    nameEn: 'ANPR camera',
    geometry: ['Point'],
    properties: cameraProperties.extend({
      lanes: z.number().int().min(1).max(12).optional(),
      direction: z.string().max(100).optional(),
    }),
    writeOnly: ['username', 'password'],
  },
  signal_controller: {
    nameVi: 'Tủ điều khiển đèn tín hiệu',
    nameEn: 'Traffic signal controller',
    geometry: ['Point'],
    properties: z
      .object({
        vendor: z.string().max(100).optional(),
        model: z.string().max(100).optional(),
        intersection: z.string().max(300).optional(),
        phases: z.number().int().min(1).max(16).optional(),
        remoteControl: z.boolean().optional(),
      })
      .strict(),
    writeOnly: [],
  },
  fire_panel: {
    nameVi: 'Tủ báo cháy',
    nameEn: 'Fire-alarm panel',
    geometry: ['Point'],
    properties: z
      .object({
        vendor: z.string().max(100).optional(),
        model: z.string().max(100).optional(),
        building: z.string().max(300).optional(),
        address: address.optional(),
        zones: z.number().int().min(1).max(1000).optional(),
        accountNumber: z.string().max(32).optional(),
        contactPhone: phone.optional(),
      })
      .strict(),
    writeOnly: [],
  },
  sensor: {
    nameVi: 'Cảm biến',
    nameEn: 'Sensor',
    geometry: ['Point'],
    properties: z.record(z.string(), z.unknown()),
    writeOnly: [],
  },
  fire_station: {
    nameVi: 'Đội cảnh sát PCCC và CNCH',
    nameEn: 'Fire station',
    geometry: ['Point', 'Polygon', 'MultiPolygon'],
    properties: facility.extend({ vehicles: z.number().int().min(0).max(500).optional() }),
    writeOnly: [],
  },
  police_station: {
    nameVi: 'Công an',
    nameEn: 'Police station',
    geometry: ['Point', 'Polygon', 'MultiPolygon'],
    properties: facility,
    writeOnly: [],
  },
  school: {
    nameVi: 'Trường học',
    nameEn: 'School',
    geometry: ['Point', 'Polygon', 'MultiPolygon'],
    properties: facility.extend({
      level: z
        .enum([
          'preschool',
          'primary',
          'lower_secondary',
          'upper_secondary',
          'multi_level',
          'vocational',
          'university',
        ])
        .optional(),
      students: z.number().int().min(0).max(100_000).optional(),
    }),
    writeOnly: [],
  },
  clinic: {
    nameVi: 'Trạm y tế',
    nameEn: 'Clinic',
    geometry: ['Point', 'Polygon', 'MultiPolygon'],
    properties: facility.extend({ beds: z.number().int().min(0).max(10_000).optional() }),
    writeOnly: [],
  },
  hospital: {
    nameVi: 'Bệnh viện',
    nameEn: 'Hospital',
    geometry: ['Point', 'Polygon', 'MultiPolygon'],
    properties: facility.extend({ beds: z.number().int().min(0).max(10_000).optional() }),
    writeOnly: [],
  },
  government_office: {
    nameVi: 'Trụ sở cơ quan nhà nước',
    nameEn: 'Government office',
    geometry: ['Point', 'Polygon', 'MultiPolygon'],
    properties: facility,
    writeOnly: [],
  },
  poi: {
    nameVi: 'Địa điểm',
    nameEn: 'Point of interest',
    geometry: ['Point', 'LineString', 'Polygon', 'MultiPolygon'],
    properties: z.record(z.string(), z.unknown()),
    writeOnly: [],
  },
} as const satisfies Record<
  string,
  {
    nameVi: string;
    nameEn: string;
    geometry: readonly GeometryType[];
    properties: z.ZodType<Record<string, unknown>>;
    writeOnly: readonly string[];
  }
>;

export type AssetType = keyof typeof assetTypeCatalogue;
export const assetTypes = Object.keys(assetTypeCatalogue) as AssetType[];
export const assetTypeSchema = z.enum(assetTypes as [AssetType, ...AssetType[]]);

export const assetStatuses = [
  'unknown',
  'online',
  'degraded',
  'offline',
  'alarm',
  'maintenance',
  'inactive',
] as const;
export const assetStatusSchema = z.enum(assetStatuses);
export type AssetStatus = z.infer<typeof assetStatusSchema>;

export const assetCodeSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}._/-]*$/u, 'letters, digits, ".", "_", "/" or "-"');
/** A tag; "," and ";" are kept out, as they separate tags in queries and CSV files. */
export const tagSchema = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[^,;]+$/, 'must not hold "," or ";"');

/** The writable fields of an asset, without defaults (shared by create and patch). */
const assetFields = {
  code: assetCodeSchema,
  name: z.string().trim().min(1).max(300),
  geometry: geometrySchema,
  properties: z.record(z.string(), z.unknown()),
  status: assetStatusSchema,
  agencyCode: z.string().max(64).nullable(),
  tags: z.array(tagSchema).max(50),
};

/** What a client sends to create an asset; properties are checked against the type's schema by the server. */
export const assetCreateSchema = z
  .object({
    type: assetTypeSchema,
    ...assetFields,
    properties: assetFields.properties.default({}),
    status: assetFields.status.default('unknown'),
    agencyCode: assetFields.agencyCode.default(null),
    tags: assetFields.tags.default([]),
  })
  .strict();
export type AssetCreate = z.infer<typeof assetCreateSchema>;
/** An asset to create as a caller may write it (defaults not yet applied). */
export type AssetCreateInput = z.input<typeof assetCreateSchema>;

/**
 * A change to an asset: only the fields given change (no defaults here, so a
 * patch of `name` leaves the rest alone). `properties` replaces the type's
 * properties as a whole, except write-only ones, which are kept unless given
 * again (an empty string removes one). The type never changes.
 */
export const assetPatchSchema = z.object(assetFields).partial().strict();
export type AssetPatch = z.infer<typeof assetPatchSchema>;

export const assetSchema = z.object({
  id: z.uuid(),
  type: assetTypeSchema,
  code: z.string(),
  name: z.string(),
  geometry: z.unknown(),
  properties: z.record(z.string(), z.unknown()),
  status: assetStatusSchema,
  adminUnit: z.string().nullable(),
  agencyCode: z.string().nullable(),
  tags: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Metres from the `near` point, on lists filtered by `near` only. */
  distance: z.number().optional(),
});
export type Asset = z.infer<typeof assetSchema>;

/** The write-only property names of a type (never returned by the API). */
export function writeOnlyFieldsOf(type: AssetType): readonly string[] {
  return assetTypeCatalogue[type].writeOnly;
}

/** A comma-separated list of known values ("camera,school"); repeated parameters are joined. */
function commaList<T extends string>(values: readonly T[], what: string) {
  return z.union([z.string(), z.array(z.string())]).transform((v, ctx) => {
    const parts = (Array.isArray(v) ? v.join(',') : v)
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const unknown = parts.filter((p) => !(values as readonly string[]).includes(p));
    if (parts.length === 0 || unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: parts.length
          ? `unknown ${what}: ${unknown.join(', ')} (known: ${values.join(', ')})`
          : `give at least one ${what}`,
      });
      return z.NEVER;
    }
    return [...new Set(parts)] as T[];
  });
}

/** The filters of the asset list, its exports and its GeoJSON layer. */
export const assetFilterQuery = {
  type: commaList(assetTypes, 'asset type').optional(),
  bbox: bboxParam.optional(),
  near: nearParam.optional(),
  adminUnit: z.string().trim().min(1).max(64).optional(),
  q: z.string().trim().min(1).max(100).optional(),
  status: commaList(assetStatuses, 'status').optional(),
  /** Assets holding every one of these tags (comma-separated or repeated). */
  tag: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v.join(',') : v).split(','))
    .pipe(z.array(tagSchema).min(1).max(20))
    .optional(),
  agency: z.string().trim().min(1).max(64).optional(),
};
export const assetFilterSchema = z.object(assetFilterQuery).strict();
export type AssetFilter = z.infer<typeof assetFilterSchema>;

/** How an import treats a (type, code) that exists: a bad row, or an update of that asset. */
export const assetImportModeSchema = z.enum(['create', 'upsert']);
export type AssetImportMode = z.infer<typeof assetImportModeSchema>;

export const assetImportResultSchema = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  /** The audit entity of this import (`/api/v1/audit?entity=`). */
  importId: z.uuid(),
});
export type AssetImportResult = z.infer<typeof assetImportResultSchema>;

/** One row of an import report: where, which field, why. */
export const importProblemSchema = z.object({
  line: z.number().int(),
  field: z.string(),
  reason: z.string(),
});
export type ImportProblem = z.infer<typeof importProblemSchema>;

/** What a refused import answers besides its problem+json `errors`. */
export const importReportSchema = z.object({
  problems: z.array(importProblemSchema),
  /** How many problems there were in all (the list may stop at a limit). */
  total: z.number().int(),
});
export type ImportReport = z.infer<typeof importReportSchema>;

/** Layers of the asset vector tiles: every asset, or one type. */
export const assetTileLayers = ['assets', ...assetTypes] as const;
export const assetTileLayerSchema = z.enum(assetTileLayers);
export type AssetTileLayer = z.infer<typeof assetTileLayerSchema>;

/** At most this many features in the GeoJSON layer; beyond it, the map uses the vector tiles. */
export const ASSET_LAYER_MAX_FEATURES = 5000;

/**
 * What the map should load for each asset type, in the caller's scope: the
 * GeoJSON layer while a type has at most ASSET_LAYER_MAX_FEATURES assets
 * (`count` exact), else its vector tiles (`count` null: more than that).
 */
export const assetLayerCatalogueSchema = z.object({
  maxFeatures: z.number().int(),
  types: z.array(
    z.object({
      type: assetTypeSchema,
      count: z.number().int().nullable(),
      source: z.enum(['geojson', 'tiles']),
    }),
  ),
});
export type AssetLayerCatalogue = z.infer<typeof assetLayerCatalogueSchema>;
