/**
 * /api/v1/events (stored events, newest first), series per asset and per type,
 * and an asset's latest state. Every read is limited to the caller's scope.
 */
import { z } from 'zod';
import {
  assetStateSchema,
  dataFieldSchema,
  eventTypePatternSchema,
  eventTypeSchema,
  isoDateTime,
  pageOf,
  pageQuery,
  seriesBucketSchema,
  seriesSchema,
  storedEventSchema,
} from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { principalOf } from '../core/http/app.js';
import { decodeCursor } from '../core/http/cursor.js';
import { ValidationError } from '../core/errors.js';
import type { EventsService } from './events.service.js';

const unitCode = z.string().min(1).max(64);
const seriesQuery = {
  type: eventTypeSchema,
  field: dataFieldSchema.optional(),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
};

function eventCursor(cursor: string | undefined): [string, number] | undefined {
  const key = decodeCursor(cursor, 2);
  if (!key) return undefined;
  const [at, seq] = key;
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || !Number.isInteger(seq)) {
    throw ValidationError.field('cursor', 'not a cursor this list gave out');
  }
  return [at, seq as number];
}

export function eventsRoutes(events: EventsService) {
  return (app: App) => {
    app.get(
      '/api/v1/events',
      {
        schema: {
          tags: ['events'],
          summary: 'Stored events, newest first (by observed time)',
          querystring: z
            .object({
              ...pageQuery,
              asset: z.uuid().optional(),
              type: eventTypePatternSchema.optional(),
              since: isoDateTime.optional(),
              until: isoDateTime.optional(),
              adminUnit: unitCode.optional(),
            })
            .strict(),
          response: { 200: pageOf(storedEventSchema) },
        },
        config: { access: 'events:read' },
      },
      (request) => {
        const { cursor, ...q } = request.query;
        return events.list(principalOf(request).scope, { ...q, before: eventCursor(cursor) });
      },
    );

    app.get(
      '/api/v1/events/series',
      {
        schema: {
          tags: ['events'],
          summary: 'A field of one event type across assets, in buckets',
          querystring: z
            .object({ ...seriesQuery, bucket: seriesBucketSchema, adminUnit: unitCode.optional() })
            .strict(),
          response: { 200: seriesSchema },
        },
        config: { access: 'events:read' },
      },
      (request) => events.typeSeries(principalOf(request).scope, request.query),
    );

    app.get(
      '/api/v1/assets/:id/series',
      {
        schema: {
          tags: ['events'],
          summary: "An asset's events of one type as a series: raw points, or buckets",
          params: z.object({ id: z.uuid() }),
          querystring: z.object({ ...seriesQuery, bucket: seriesBucketSchema.optional() }).strict(),
          response: { 200: seriesSchema },
        },
        config: { access: 'events:read' },
      },
      (request) => events.assetSeries(principalOf(request).scope, request.params.id, request.query),
    );

    app.get(
      '/api/v1/assets/:id/state',
      {
        schema: {
          tags: ['events'],
          summary: "An asset's latest state: the newest event of each type",
          params: z.object({ id: z.uuid() }),
          response: { 200: assetStateSchema },
        },
        config: { access: 'events:read' },
      },
      (request) => events.assetState(principalOf(request).scope, request.params.id),
    );
  };
}
