/** /api/v1/admin-units: the unit tree at a date, one unit with its boundary, and point lookup. */
import { z } from 'zod';
import {
  adminLevelSchema,
  adminUnitDetailSchema,
  adminUnitQuery,
  adminUnitSchema,
  isoDate,
  pageOf,
  pageQuery,
} from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { decodeCursor, pageFrom } from '../core/http/cursor.js';
import type { AdminUnitsService } from './admin-units.service.js';

export function adminUnitsRoutes(units: AdminUnitsService) {
  return (app: App) => {
    app.get(
      '/api/v1/admin-units',
      {
        schema: {
          tags: ['admin-units'],
          summary: 'Admin units valid on a date (default today)',
          querystring: adminUnitQuery.extend(pageQuery),
          response: { 200: pageOf(adminUnitSchema) },
        },
        config: { access: 'admin-units:read' },
      },
      async (request) => {
        const { limit, cursor, ...f } = request.query;
        const after = decodeCursor(cursor, 1)?.[0] as string | undefined;
        return pageFrom(await units.list({ ...f, after, limit: limit + 1 }), limit, (u) => [
          u.code,
        ]);
      },
    );

    app.get(
      '/api/v1/layers/admin-units.geojson',
      {
        schema: {
          tags: ['admin-units', 'layers'],
          summary:
            'Boundaries of the units valid on a date, as a GeoJSON FeatureCollection for the map',
          querystring: z
            .object({
              level: adminLevelSchema.optional(),
              parent: z.string().max(64).optional(),
              at: isoDate.optional(),
              tolerance: z.coerce.number().min(0).max(0.1).optional(),
            })
            .strict(),
        },
        config: { access: 'admin-units:read' },
      },
      async (request, reply) =>
        reply.type('application/geo+json').send(await units.featureCollection(request.query)),
    );

    app.get(
      '/api/v1/admin-units/lookup',
      {
        schema: {
          tags: ['admin-units'],
          summary: 'The units containing a point on a date, province first',
          querystring: z
            .object({
              lat: z.coerce.number().min(-90).max(90),
              lon: z.coerce.number().min(-180).max(180),
              at: isoDate.optional(),
            })
            .strict(),
          response: { 200: z.object({ items: z.array(adminUnitSchema) }) },
        },
        config: { access: 'admin-units:read' },
      },
      async (request) => ({
        items: await units.lookup(request.query.lon, request.query.lat, request.query.at),
      }),
    );

    app.get(
      '/api/v1/admin-units/:code',
      {
        schema: {
          tags: ['admin-units'],
          summary:
            'One unit with its GeoJSON boundary (the version valid on `at`, else the latest)',
          params: z.object({ code: z.string().min(1).max(64) }),
          querystring: z.object({ at: isoDate.optional() }).strict(),
          response: { 200: adminUnitDetailSchema },
        },
        config: { access: 'admin-units:read' },
      },
      (request) => units.get(request.params.code, request.query.at),
    );
  };
}
