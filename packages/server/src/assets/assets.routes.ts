/** /api/v1/assets: list, read, create, change, remove, and the exports. */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  assetCreateSchema,
  assetFilterSchema,
  assetPatchSchema,
  assetSchema,
  pageOf,
  pageQuery,
} from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { actorFrom, principalOf } from '../core/http/app.js';
import { decodeCursor, pageFrom } from '../core/http/cursor.js';
import type { AssetsService } from './assets.service.js';
import { exportContentTypes, exportStream, type ExportFormat } from './export.js';

const idParams = z.object({ id: z.uuid() });

/** Sends JSON already written: Fastify sends a string with a JSON content type as it is. */
function sendWritten(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}

export function assetsRoutes(assets: AssetsService) {
  return (app: App) => {
    app.get(
      '/api/v1/assets',
      {
        schema: {
          tags: ['assets'],
          summary: 'List assets (in creation order, or nearest first with `near`)',
          description:
            '`type` and `status` take one value or several separated by commas (any of them); ' +
            '`tag` takes one or several (all of them); `bbox` is `minLon,minLat,maxLon,maxLat`; ' +
            '`near` is `lon,lat,metres` and orders by distance (each item then has `distance`); ' +
            '`adminUnit` includes the units under it; `agency` is an agency code; `q` searches ' +
            "code and name without diacritics. Only assets in the caller's area are listed.",
          querystring: assetFilterSchema.extend(pageQuery),
          response: { 200: pageOf(assetSchema) },
        },
        config: { access: 'assets:read' },
      },
      async (request, reply) => {
        const { limit, cursor, ...filter } = request.query;
        const near = !!filter.near;
        const after = decodeCursor(cursor, near ? 2 : 1);
        const scope = principalOf(request).scope;
        // The items come written by the database (the schema above is what they hold; a test
        // holds them to presentAsset): a page of 1,000 is not parsed and written out again.
        const rows = await assets.listJson(filter, { after, limit: limit + 1 }, scope);
        const page = pageFrom(rows, limit, (a) => (near ? [a.distance, a.id] : [a.id]));
        return sendWritten(
          reply,
          `{"items":[${page.items.map((a) => a.json).join(',')}],"nextCursor":${JSON.stringify(page.nextCursor)}}`,
        );
      },
    );

    app.post(
      '/api/v1/assets',
      {
        schema: {
          tags: ['assets'],
          summary: 'Create an asset (its admin unit is derived from the geometry)',
          body: assetCreateSchema,
          response: { 201: assetSchema },
        },
        config: { access: 'assets:write' },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await assets.create(actorFrom(request), request.body, principalOf(request).scope)),
    );

    for (const format of ['geojson', 'csv'] as const satisfies ExportFormat[]) {
      app.get(
        `/api/v1/assets/export.${format}`,
        {
          schema: {
            tags: ['assets'],
            summary: `Export the assets matching the list's filters as ${format === 'csv' ? 'CSV' : 'GeoJSON'}`,
            description:
              'Streamed; the file reads back through POST /api/v1/assets/import. Write-only ' +
              'properties are never exported.',
            querystring: assetFilterSchema,
            produces: [exportContentTypes[format].split(';')[0]!],
          },
          config: { access: 'assets:read' },
        },
        async (request, reply) => {
          const stream = await exportStream(
            assets.batches(request.query, principalOf(request).scope),
            format,
          );
          return reply
            .type(exportContentTypes[format])
            .header('content-disposition', `attachment; filename="assets.${format}"`)
            .send(stream);
        },
      );
    }

    app.get(
      '/api/v1/assets/:id',
      {
        schema: { tags: ['assets'], params: idParams, response: { 200: assetSchema } },
        config: { access: 'assets:read' },
      },
      (request) => assets.get(request.params.id, principalOf(request).scope),
    );

    app.patch(
      '/api/v1/assets/:id',
      {
        schema: {
          tags: ['assets'],
          summary: 'Change an asset (only the fields given; the type never changes)',
          params: idParams,
          body: assetPatchSchema,
          response: { 200: assetSchema },
        },
        config: { access: 'assets:write' },
      },
      (request) =>
        assets.update(
          actorFrom(request),
          request.params.id,
          request.body,
          principalOf(request).scope,
        ),
    );

    app.delete(
      '/api/v1/assets/:id',
      {
        schema: { tags: ['assets'], summary: 'Remove an asset', params: idParams },
        config: { access: 'assets:write' },
      },
      async (request, reply) => {
        await assets.remove(actorFrom(request), request.params.id, principalOf(request).scope);
        return reply.status(204).send();
      },
    );
  };
}
