/**
 * Events: what devices send (the MQTT body and the body of POST /api/v1/ingest),
 * the data schema of each known event type, which asset types restrict their
 * event types, and how stored events, series and an asset's latest state look.
 */
import { z } from 'zod';
import { isoDateTime } from './common.js';

/** A dotted lowercase name: `heartbeat`, `traffic.count`, `env.reading`, `fire.alarm`. */
export const eventTypeSchema = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'a dotted lowercase name like "env.reading"');

/** Limits every event is checked against (the server enforces them with its own clock). */
export const eventLimits = {
  /** Serialized size of `data`, in bytes. */
  maxDataBytes: 16 * 1024,
  /** Events in one ingest request or one MQTT message. */
  maxBatch: 1000,
  /** How far `ts` may be ahead of the server's clock (device clocks drift). */
  maxFutureMs: 5 * 60_000,
  /** How old `ts` may be: a device that buffered while offline may send a week's backlog. */
  maxAgeMs: 7 * 24 * 3_600_000,
} as const;

/** One event as a device sends it. `data` may be left out (`{}`), e.g. for a heartbeat. */
export const ingestEventSchema = z
  .object({
    id: z.string().min(1).max(128).optional(),
    type: eventTypeSchema,
    ts: isoDateTime.optional(),
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type IngestEvent = z.infer<typeof ingestEventSchema>;

const reading = z.number().finite();

/**
 * Data schemas of the known event types. Their named fields must have the
 * right type; other fields pass through, so a device may send more than we know.
 * A type not listed here takes any object.
 */
export const eventDataSchemas = {
  heartbeat: z.looseObject({
    battery: z.number().min(0).max(100).optional(),
    rssi: reading.optional(),
    uptimeSeconds: z.number().int().min(0).optional(),
  }),
  status: z.looseObject({
    status: z.enum(['online', 'offline', 'degraded', 'fault', 'maintenance']),
    reason: z.string().max(500).optional(),
  }),
  'traffic.count': z.looseObject({
    vehicles: z.number().int().min(0),
    intervalSeconds: z.number().positive().max(86_400),
    speedAvg: z.number().min(0).max(400).optional(),
    lane: z.number().int().min(0).max(32).optional(),
  }),
  'env.reading': z.looseObject({
    pm25: z.number().min(0).optional(),
    pm10: z.number().min(0).optional(),
    temperature: z.number().min(-60).max(80).optional(),
    humidity: z.number().min(0).max(100).optional(),
    waterLevel: reading.optional(),
    rainfall: z.number().min(0).optional(),
    noise: z.number().min(0).optional(),
    aqi: z.number().min(0).optional(),
  }),
  'fire.alarm': z.looseObject({
    zone: z.union([z.string().max(64), z.number().int()]).optional(),
    code: z.string().max(64).optional(),
    test: z.boolean().optional(),
  }),
} satisfies Record<string, z.ZodType<Record<string, unknown>>>;
export type KnownEventType = keyof typeof eventDataSchemas;

export function dataSchemaFor(type: string): z.ZodType<Record<string, unknown>> | undefined {
  return (eventDataSchemas as Record<string, z.ZodType<Record<string, unknown>>>)[type];
}

/**
 * Asset types that take only some event types (a pattern is a type or a prefix
 * ending in `.*`). Every other asset type takes any event type. The rule keeps a
 * fire-alarm panel's feed to fire signals and its own health.
 */
export const assetEventTypes: Record<string, readonly string[]> = {
  fire_panel: ['heartbeat', 'status', 'fire.*', 'fault.*', 'power.*'],
};

/** Whether a type matches a pattern: `fire.alarm` matches `fire.alarm`, `fire.*` and `*`. */
export function eventTypeMatches(type: string, pattern: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return type === pattern;
}

export function eventTypeAllowed(assetType: string | null, type: string): boolean {
  const allowed = assetType ? assetEventTypes[assetType] : undefined;
  return !allowed || allowed.some((p) => eventTypeMatches(type, p));
}

/** A type filter as lists and the stream take it: `fire.*` or an exact type. */
export const eventTypePatternSchema = z
  .string()
  .max(66)
  .regex(
    /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?$/,
    'an event type, or a prefix like "fire.*"',
  );

export const eventSources = ['http', 'mqtt', 'system', 'rule', 'import', 'simulator'] as const;
export const eventSourceSchema = z.enum(eventSources);
export type EventSource = z.infer<typeof eventSourceSchema>;

/** A stored event as the API, the stream and the bus present it. */
export const storedEventSchema = z.object({
  seq: z.number().int(),
  id: z.uuid(),
  type: z.string(),
  source: z.string(),
  assetId: z.uuid().nullable(),
  deviceId: z.uuid().nullable(),
  deviceEventId: z.string().nullable(),
  observedAt: z.string(),
  receivedAt: z.string(),
  data: z.record(z.string(), z.unknown()),
  adminUnit: z.string().nullable(),
  agencyCode: z.string().nullable(),
  assetType: z.string().nullable(),
});
export type StoredEvent = z.infer<typeof storedEventSchema>;

/** What POST /api/v1/ingest answers (and what the MQTT intake gets back). */
export const ingestResultSchema = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  results: z.array(
    z.union([
      z.object({ index: z.number().int(), seq: z.number().int(), id: z.uuid() }),
      z.object({ index: z.number().int(), duplicate: z.literal(true), seq: z.number().int() }),
    ]),
  ),
});
export type IngestResult = z.infer<typeof ingestResultSchema>;

/** A path in an event's data, as series and rules name a field: `pm25`, `lanes.0`, `a.b`. */
export const dataFieldSchema = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+){0,7}$/, 'a dotted path in the data, like "pm25"');

export const seriesBuckets = ['1m', '5m', '15m', '1h', '1d'] as const;
export const seriesBucketSchema = z.enum(seriesBuckets);
export type SeriesBucket = z.infer<typeof seriesBucketSchema>;

export const seriesRawPointSchema = z.object({
  t: z.string(),
  seq: z.number().int(),
  value: z.number().nullable(),
});
export const seriesBucketPointSchema = z.object({
  t: z.string(),
  count: z.number().int(),
  avg: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
});
export const seriesSchema = z.object({
  type: z.string(),
  field: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  bucket: seriesBucketSchema.nullable(),
  points: z.array(z.union([seriesRawPointSchema, seriesBucketPointSchema])),
  /** Raw series stop at a limit; true when there was more. */
  truncated: z.boolean(),
});
export type Series = z.infer<typeof seriesSchema>;

/** An asset's latest state: the newest event of each type, and when it was last heard from. */
export const assetStateSchema = z.object({
  assetId: z.uuid(),
  lastEventSeq: z.number().int().nullable(),
  lastEventAt: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
  latest: z.record(
    z.string(),
    z.object({ at: z.string(), seq: z.number().int(), data: z.record(z.string(), z.unknown()) }),
  ),
});
export type AssetState = z.infer<typeof assetStateSchema>;
