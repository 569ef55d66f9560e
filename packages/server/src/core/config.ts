/**
 * Settings of CONTRACT.md, read from the environment and validated once at start.
 * A bad value stops the start with one line naming the variable.
 */
import path from 'node:path';
import { z } from 'zod';
import {
  videoEnvShape,
  videoSettingsFrom,
  secretVideoSettings,
  type VideoSettings,
} from '../cameras/live/settings.js';

const port = z.coerce.number().int().min(0).max(65535);
const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');
const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const envSchema = z.object({
  CITYOPS_PORT: port.default(8080),
  CITYOPS_HOST: z.string().min(1).default('127.0.0.1'),
  CITYOPS_DATA_DIR: z.string().min(1).default('./data'),
  CITYOPS_DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  CITYOPS_MQTT_URL: url(['mqtt:', 'mqtts:', 'ws:', 'wss:']).optional(),
  CITYOPS_MQTT_PORT: port.default(1883),
  CITYOPS_NATS_URL: url(['nats:', 'tls:']).optional(),
  CITYOPS_NATS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1 to 32 letters, digits, "-" or "_"')
    .default('cityops'),
  CITYOPS_ADMIN_EMAIL: z.email().default('admin@cityops.local'),
  CITYOPS_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  CITYOPS_DEMO: flag.default(false),
  CITYOPS_SIMULATOR: flag.optional(),
  CITYOPS_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  CITYOPS_TIMEZONE: z.string().default('Asia/Ho_Chi_Minh'),
  CITYOPS_BODY_LIMIT: z.coerce.number().int().min(1024).default(1_048_576),
  CITYOPS_IMPORT_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1_048_576),
  CITYOPS_TOKEN_TTL_HOURS: z.coerce.number().int().min(1).max(8760).default(12),
  CITYOPS_BASEMAP_URL: z.string().optional(),
  CITYOPS_SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  CITYOPS_SMTP_FROM: z
    .string()
    .regex(
      /^([^<>]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/,
      'must be an address or "Name <address>"',
    )
    .default('CityOps <cityops@localhost>'),
  // Citizen reports, Open311, files (packages/server/src/reports/README.md).
  CITYOPS_PUBLIC_URL: url(['http:', 'https:']).optional(),
  CITYOPS_OPEN311_JURISDICTION: z.string().min(1).max(200).default('thainguyen.gov.vn'),
  CITYOPS_S3_URL: url(['s3:']).optional(),
  CITYOPS_UPLOAD_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1_048_576),
  CITYOPS_SMS_URL: url(['http:', 'https:']).optional(),
  CITYOPS_REPORT_DEADLINES: z
    .string()
    .regex(/^urgent=\d+,on_the_spot=\d+,normal=\d+$/, 'must read urgent=N,on_the_spot=N,normal=N')
    .default('urgent=1,on_the_spot=3,normal=15'),
  CITYOPS_REPORT_AUTOCLOSE_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  CITYOPS_REPORT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
  CITYOPS_CITIZEN_TOKEN_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  CITYOPS_VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{87}$/, 'must be a P-256 public key in base64url (87 characters)')
    .optional(),
  CITYOPS_VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'must be a P-256 private key in base64url (43 characters)')
    .optional(),
  CITYOPS_VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/, 'must be a mailto: address or an https: URL')
    .optional(),
  // Cameras (packages/server/src/cameras).
  CITYOPS_SECRET_KEY: z
    .string()
    .regex(
      /^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/,
      'must be 32 bytes in base64 (44 characters) or hex (64)',
    )
    .optional(),
  CITYOPS_CAMERA_PROBE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(120),
  CITYOPS_CAMERA_PROBE_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(32),
  CITYOPS_CAMERA_PROBE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  CITYOPS_CAMERA_THUMB_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3600)
    .refine((v) => v === 0 || v >= 5, 'must be 0 (off) or at least 5')
    .default(10),
  CITYOPS_CAMERA_THUMB_ALL_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400)
    .refine((v) => v === 0 || v >= 60, 'must be 0 (off) or at least 60')
    .default(0),
  CITYOPS_CAMERA_THUMB_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  ...videoEnvShape,
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  mqttUrl: string | undefined;
  mqttPort: number;
  natsUrl: string | undefined;
  /** What this deployment's NATS stream, subjects and consumers are named after. */
  natsPrefix: string;
  adminEmail: string;
  adminPassword: string | undefined;
  demo: boolean;
  /** Run the demo device simulator (CITYOPS_SIMULATOR; unset: as CITYOPS_DEMO). */
  simulator: boolean;
  logLevel: z.infer<typeof envSchema>['CITYOPS_LOG_LEVEL'];
  timezone: string;
  bodyLimit: number;
  importLimit: number;
  tokenTtlHours: number;
  basemapUrl: string | undefined;
  /** SMTP server for alert e-mail (smtp://user:pass@host:587); unset: no e-mail. */
  smtpUrl: string | undefined;
  smtpFrom: string;
  /** Citizen reports, Open311 and uploaded files. */
  reports: {
    publicUrl: string | undefined;
    jurisdiction: string;
    s3Url: string | undefined;
    uploadLimit: number;
    smsUrl: string | undefined;
    /** Working days allowed per deadline class. */
    deadlineDays: { urgent: number; on_the_spot: number; normal: number };
    autoCloseDays: number;
    retentionDays: number;
    citizenTokenDays: number;
    /** Web push to the citizen app (VAPID); unset keys: `vapid.json` in the data folder. */
    push: {
      vapidPublicKey: string | undefined;
      vapidPrivateKey: string | undefined;
      /** Who runs the push sender (a push service's contact); default mailto: the admin. */
      vapidSubject: string;
    };
  };
  /** Key sealing stored secrets (camera credentials); unset: `secret.key` in the data folder. */
  secretKey: string | undefined;
  cameras: {
    /** Seconds between health rounds; 0: no scheduled probing. */
    probeSeconds: number;
    /** Probes in flight at most. */
    probeConcurrency: number;
    /** Time allowed to each check of a probe. */
    probeTimeoutMs: number;
    /** Seconds between background refreshes of the wall cameras' snapshots; 0: none. */
    snapshotSeconds: number;
    /** Seconds between background refreshes of every online camera's snapshot; 0: none. */
    snapshotAllSeconds: number;
    /** Background snapshot fetches in flight at most. */
    snapshotConcurrency: number;
  };
  /** Camera live views: the stream gateway and its limits. */
  video: VideoSettings;
}

export class ConfigError extends Error {}

/** Reads the settings; throws ConfigError whose message is one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k.startsWith('CITYOPS_') && v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'CITYOPS_*');
    const given = relevant[name];
    const secret =
      name.includes('PASSWORD') ||
      name === 'CITYOPS_SECRET_KEY' ||
      name === 'CITYOPS_VAPID_PRIVATE_KEY' ||
      secretVideoSettings.includes(name) ||
      ['CITYOPS_SMTP_URL', 'CITYOPS_S3_URL', 'CITYOPS_SMS_URL'].includes(name);
    const shown = secret || given === undefined ? '' : ` (got "${given}")`;
    throw new ConfigError(`${name}: ${issue.message}${shown}`);
  }
  const e = parsed.data;
  if (!e.CITYOPS_VAPID_PUBLIC_KEY !== !e.CITYOPS_VAPID_PRIVATE_KEY) {
    const missing = e.CITYOPS_VAPID_PUBLIC_KEY
      ? 'CITYOPS_VAPID_PRIVATE_KEY'
      : 'CITYOPS_VAPID_PUBLIC_KEY';
    throw new ConfigError(`${missing}: set both VAPID keys, or neither (then vapid.json is used)`);
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: e.CITYOPS_TIMEZONE });
  } catch {
    throw new ConfigError(
      `CITYOPS_TIMEZONE: not a known IANA time zone (got "${e.CITYOPS_TIMEZONE}")`,
    );
  }
  return {
    port: e.CITYOPS_PORT,
    host: e.CITYOPS_HOST,
    dataDir: path.resolve(e.CITYOPS_DATA_DIR),
    databaseUrl: e.CITYOPS_DATABASE_URL,
    mqttUrl: e.CITYOPS_MQTT_URL,
    mqttPort: e.CITYOPS_MQTT_PORT,
    natsUrl: e.CITYOPS_NATS_URL,
    natsPrefix: e.CITYOPS_NATS_PREFIX,
    adminEmail: e.CITYOPS_ADMIN_EMAIL.toLowerCase(),
    adminPassword: e.CITYOPS_ADMIN_PASSWORD,
    demo: e.CITYOPS_DEMO,
    simulator: e.CITYOPS_SIMULATOR ?? e.CITYOPS_DEMO,
    logLevel: e.CITYOPS_LOG_LEVEL,
    timezone: e.CITYOPS_TIMEZONE,
    bodyLimit: e.CITYOPS_BODY_LIMIT,
    importLimit: e.CITYOPS_IMPORT_LIMIT,
    tokenTtlHours: e.CITYOPS_TOKEN_TTL_HOURS,
    basemapUrl: e.CITYOPS_BASEMAP_URL,
    smtpUrl: e.CITYOPS_SMTP_URL,
    smtpFrom: e.CITYOPS_SMTP_FROM,
    reports: {
      publicUrl: e.CITYOPS_PUBLIC_URL?.replace(/\/+$/, ''),
      jurisdiction: e.CITYOPS_OPEN311_JURISDICTION,
      s3Url: e.CITYOPS_S3_URL,
      uploadLimit: e.CITYOPS_UPLOAD_LIMIT,
      smsUrl: e.CITYOPS_SMS_URL,
      deadlineDays: Object.fromEntries(
        e.CITYOPS_REPORT_DEADLINES.split(',').map((p) => [
          p.split('=')[0],
          Number(p.split('=')[1]),
        ]),
      ) as Config['reports']['deadlineDays'],
      autoCloseDays: e.CITYOPS_REPORT_AUTOCLOSE_DAYS,
      retentionDays: e.CITYOPS_REPORT_RETENTION_DAYS,
      citizenTokenDays: e.CITYOPS_CITIZEN_TOKEN_DAYS,
      push: {
        vapidPublicKey: e.CITYOPS_VAPID_PUBLIC_KEY,
        vapidPrivateKey: e.CITYOPS_VAPID_PRIVATE_KEY,
        vapidSubject: e.CITYOPS_VAPID_SUBJECT ?? `mailto:${e.CITYOPS_ADMIN_EMAIL.toLowerCase()}`,
      },
    },
    secretKey: e.CITYOPS_SECRET_KEY,
    cameras: {
      probeSeconds: e.CITYOPS_CAMERA_PROBE_SECONDS,
      probeConcurrency: e.CITYOPS_CAMERA_PROBE_CONCURRENCY,
      probeTimeoutMs: e.CITYOPS_CAMERA_PROBE_TIMEOUT_MS,
      snapshotSeconds: e.CITYOPS_CAMERA_THUMB_SECONDS,
      snapshotAllSeconds: e.CITYOPS_CAMERA_THUMB_ALL_SECONDS,
      snapshotConcurrency: e.CITYOPS_CAMERA_THUMB_CONCURRENCY,
    },
    video: videoSettingsFrom(e),
  };
}
