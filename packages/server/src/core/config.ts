/**
 * Settings of CONTRACT.md, read from the environment and validated once at start.
 * A bad value stops the start with one line naming the variable.
 */
import path from 'node:path';
import { z } from 'zod';

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
  CITYOPS_ADMIN_EMAIL: z.email().default('admin@cityops.local'),
  CITYOPS_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  CITYOPS_DEMO: flag.default(false),
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
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  mqttUrl: string | undefined;
  mqttPort: number;
  natsUrl: string | undefined;
  adminEmail: string;
  adminPassword: string | undefined;
  demo: boolean;
  logLevel: z.infer<typeof envSchema>['CITYOPS_LOG_LEVEL'];
  timezone: string;
  bodyLimit: number;
  importLimit: number;
  tokenTtlHours: number;
  basemapUrl: string | undefined;
  /** SMTP server for alert e-mail (smtp://user:pass@host:587); unset: no e-mail. */
  smtpUrl: string | undefined;
  smtpFrom: string;
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
    const secret = name.includes('PASSWORD') || name === 'CITYOPS_SMTP_URL';
    const shown = secret || given === undefined ? '' : ` (got "${given}")`;
    throw new ConfigError(`${name}: ${issue.message}${shown}`);
  }
  const e = parsed.data;
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
    adminEmail: e.CITYOPS_ADMIN_EMAIL.toLowerCase(),
    adminPassword: e.CITYOPS_ADMIN_PASSWORD,
    demo: e.CITYOPS_DEMO,
    logLevel: e.CITYOPS_LOG_LEVEL,
    timezone: e.CITYOPS_TIMEZONE,
    bodyLimit: e.CITYOPS_BODY_LIMIT,
    importLimit: e.CITYOPS_IMPORT_LIMIT,
    tokenTtlHours: e.CITYOPS_TOKEN_TTL_HOURS,
    basemapUrl: e.CITYOPS_BASEMAP_URL,
    smtpUrl: e.CITYOPS_SMTP_URL,
    smtpFrom: e.CITYOPS_SMTP_FROM,
  };
}
