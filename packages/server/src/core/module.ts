/**
 * What a domain module gives the composition root: its routes, background
 * work and readiness checks. Modules get only the shared pieces they use.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { Db } from './db/db.js';
import type { Clock } from './clock.js';
import type { Metrics } from './metrics.js';
import type { App, ReadinessCheck } from './http/app.js';
import type { AuditService } from '../audit/audit.service.js';

export interface CoreContext {
  config: Config;
  db: Db;
  clock: Clock;
  metrics: Metrics;
  audit: AuditService;
  log: FastifyBaseLogger;
}

export interface CityOpsModule {
  name: string;
  routes?: (app: App) => void | Promise<void>;
  readiness?: ReadinessCheck[];
  /** Starts background work once the app listens. */
  start?: () => Promise<void>;
  /** Stops background work; called before the database closes. */
  stop?: () => Promise<void>;
}
