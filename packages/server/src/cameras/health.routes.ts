/** Camera health: probe one camera now; uptime per camera and per ward over a period. */
import { z } from 'zod';
import {
  cameraHealthSchema,
  cameraUptimeSchema,
  uptimeQuery,
  wardUptimeSchema,
} from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { actorFrom, principalOf } from '../core/http/app.js';
import { ValidationError } from '../core/errors.js';
import { unknownUnitCodes, withDescendants } from '../geo/unit-tree.js';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import type { CamerasService } from './cameras.service.js';
import { CameraHealthService } from './health.js';
import { cameraUptime, wardUptime } from './uptime.js';
import { cameraIdParams } from './cameras.routes.js';

const MAX_PERIOD_DAYS = 400;

function period(q: { from: string; to?: string | undefined }, now: Date) {
  const from = new Date(q.from);
  const to = q.to ? new Date(q.to) : now;
  if (!(to > from)) throw ValidationError.field('to', 'must be after from');
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * 86_400_000)
    throw ValidationError.field('from', `the period may be at most ${MAX_PERIOD_DAYS} days`);
  return { from, to };
}

export function healthRoutes(deps: {
  db: Db;
  clock: Clock;
  cameras: CamerasService;
  health: CameraHealthService;
}) {
  const { db, clock, cameras, health } = deps;
  return (app: App) => {
    app.post(
      '/api/v1/cameras/:id/probe',
      {
        schema: {
          tags: ['cameras'],
          summary: 'Check one camera now (stream, snapshot, ONVIF) and answer its new health',
          params: cameraIdParams,
          response: { 200: cameraHealthSchema },
        },
        config: { access: 'cameras:manage' },
      },
      async (request) => {
        const src = await cameras.authorize(principalOf(request), request.params.id, 'manage', {
          ip: request.ip,
          requestId: request.id,
        });
        const outcome = await health.probeSource(src);
        await cameras.auditOn(actorFrom(request), src.id, 'camera.probe', {
          status: outcome?.health.status ?? 'unknown',
        });
        return outcome?.health ?? CameraHealthService.nothingToProbe();
      },
    );

    app.get(
      '/api/v1/cameras/:id/uptime',
      {
        schema: {
          tags: ['cameras'],
          summary: "A camera's uptime over a period and its longest outages",
          params: cameraIdParams,
          querystring: uptimeQuery,
          response: { 200: cameraUptimeSchema },
        },
        config: { access: 'cameras:read' },
      },
      async (request) => {
        await cameras.get(request.params.id, principalOf(request).scope);
        const now = clock.now();
        const { from, to } = period(request.query, now);
        return cameraUptime(db, request.params.id, from, to, now);
      },
    );

    app.get(
      '/api/v1/cameras/uptime',
      {
        schema: {
          tags: ['cameras'],
          summary: 'Camera uptime per ward over a period, and the longest outages',
          querystring: uptimeQuery.extend({ adminUnit: z.string().min(1).max(64).optional() }),
          response: { 200: wardUptimeSchema },
        },
        config: { access: 'cameras:read' },
      },
      async (request) => {
        const now = clock.now();
        const { from, to } = period(request.query, now);
        let units: string[] | undefined;
        const unit = request.query.adminUnit;
        if (unit) {
          if ((await unknownUnitCodes(db, [unit])).length)
            throw ValidationError.field('adminUnit', `no admin unit has the code ${unit}`);
          units = await withDescendants(db, [unit]);
        }
        return wardUptime(db, principalOf(request).scope, from, to, now, units);
      },
    );
  };
}
