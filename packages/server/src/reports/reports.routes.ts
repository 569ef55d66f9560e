/**
 * /api/v1/reports: the staff side of citizen reports. Lists and details are
 * scoped (admin units; agency officers: their agencies' reports); actions
 * follow the workflow (workflow.ts) and answer the report with its history;
 * the reporter's identity has its own route, audited on every read.
 */
import { z } from 'zod';
import {
  duplicateCandidateSchema,
  duplicateQuerySchema,
  mapPointSchema,
  pageOf,
  pageQuery,
  reportActionBodies,
  reportActions,
  reportDetailSchema,
  reportFilterSchema,
  reporterSchema,
  reportIdSchema,
  reportListSortSchema,
  reportPatchSchema,
  reportSchema,
  staffReportCreateSchema,
  type ReportAction,
} from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { actorFrom, principalOf } from '../core/http/app.js';
import { decodeCursor, pageFrom } from '../core/http/cursor.js';
import { ForbiddenError, ValidationError } from '../core/errors.js';
import { uploaderOf } from '../files/uploader.js';
import { IOC_ROLES } from './access.js';
import { inUnits } from './workflow.js';
import { historyActorOf } from './history.js';
import { renameSubmissionErrors } from './errors.js';
import type { ReportsModuleParts } from './parts.js';

const idParams = z.object({ id: reportIdSchema });
const photoParams = z.object({ id: reportIdSchema, fileId: z.uuid() });
/** Points a staff map takes at most. */
const MAP_LIMIT = 5000;
const sizeQuery = z.object({ size: z.enum(['full', 'thumb']).default('full') }).strict();

const ACTION_SUMMARY: Record<ReportAction, string> = {
  verify: 'Verify a received report (optionally correcting its category)',
  reject: 'Reject a received or verified report, with a reason shown to the citizen',
  assign: 'Assign to a primary agency (default: the routed one) and coordinating agencies',
  start: 'Start handling (officer of the primary agency, or a supervisor)',
  extend: 'Ask for more working days, with a reason (officer of the primary agency)',
  'approve-extension': 'Approve or refuse the pending extension (supervisor)',
  return: 'Return a misrouted report to the IOC (officer of the primary agency)',
  answer: 'Answer with text and after-photos (officer of the primary agency, or a supervisor)',
  merge: 'Merge a duplicate into its original (`into`); its reporter then follows the original',
  close: 'Close an answered report',
};

export function reportsRoutes(parts: ReportsModuleParts) {
  const { queries, actions, submissions } = parts;
  return (app: App) => {
    app.get(
      '/api/v1/reports',
      {
        schema: {
          tags: ['reports'],
          summary: 'List reports, newest first',
          description:
            '`status` and `category` take several values separated by commas; `unit` includes ' +
            'the units under it; `agency` matches the primary or a coordinating agency; ' +
            '`overdue=true` keeps unanswered reports past their deadline; `q` searches the text ' +
            'without diacritics (or a report number); `bbox` is minLon,minLat,maxLon,maxLat; ' +
            '`from`/`to` bound the time received. `sort=deadline` lists the earliest deadline ' +
            'first (the overdue on top), else the newest first.',
          querystring: reportFilterSchema.extend({
            ...pageQuery,
            sort: reportListSortSchema.default('newest'),
          }),
          response: { 200: pageOf(reportSchema) },
        },
        config: { access: 'reports:read' },
      },
      async (request) => {
        const { limit, cursor, sort, ...filter } = request.query;
        if (sort === 'deadline') {
          const key = decodeCursor(cursor, 2);
          if (key && (typeof key[0] !== 'string' || typeof key[1] !== 'number'))
            throw ValidationError.field('cursor', 'not a cursor this list gave out');
          const items = await queries.list(principalOf(request), filter, {
            sort,
            afterDeadline: key
              ? { at: new Date(key[0] as string), id: key[1] as number }
              : undefined,
            limit: limit + 1,
          });
          return pageFrom(items, limit, (r) => [r.deadline, Number(r.id)]);
        }
        const after = decodeCursor(cursor, 1)?.[0];
        const items = await queries.list(principalOf(request), filter, {
          after: typeof after === 'number' ? after : undefined,
          limit: limit + 1,
        });
        return pageFrom(items, limit, (r) => [Number(r.id)]);
      },
    );

    app.get(
      '/api/v1/reports/map',
      {
        schema: {
          tags: ['reports'],
          summary: `Points of the located reports under the list's filters (newest ${MAP_LIMIT})`,
          description:
            "The same filters as GET /api/v1/reports, in the caller's scope; reports without a " +
            `location are left out. \`truncated\`: more than ${MAP_LIMIT} matched (narrow the filter).`,
          querystring: reportFilterSchema,
          response: { 200: z.object({ items: z.array(mapPointSchema), truncated: z.boolean() }) },
        },
        config: { access: 'reports:read' },
      },
      async (request) => {
        const items = await queries.staffMap(principalOf(request), request.query, MAP_LIMIT + 1);
        return { items: items.slice(0, MAP_LIMIT), truncated: items.length > MAP_LIMIT };
      },
    );

    app.post(
      '/api/v1/reports',
      {
        schema: {
          tags: ['reports'],
          summary: 'Take a report for a citizen (hotline, walk-in): IOC staff',
          body: staffReportCreateSchema,
          response: { 201: reportDetailSchema },
        },
        config: { access: 'reports:act' },
      },
      async (request, reply) => {
        const p = principalOf(request);
        if (p.kind !== 'user' || !IOC_ROLES.includes(p.role))
          throw new ForbiddenError(
            'Only IOC operators, supervisors and administrators take reports.',
          ).vi(
            'Chỉ điều hành viên, giám sát viên và quản trị viên của Trung tâm được tiếp nhận phản ánh.',
          );
        const b = request.body;
        if ((b.lat === undefined) !== (b.lon === undefined))
          throw ValidationError.field(b.lat === undefined ? 'lat' : 'lon', 'give both lat and lon');
        const { id } = await renameSubmissionErrors(
          submissions.submit(
            {
              channel: b.channel,
              categoryCode: b.categoryCode,
              description: b.description,
              location:
                b.lat !== undefined && b.lon !== undefined ? { lat: b.lat, lon: b.lon } : null,
              address: b.address ?? null,
              addressId: null,
              attributes: b.attributes,
              photoIds: b.photoIds,
              reporter: {
                name: b.reporter?.name ?? null,
                phone: b.reporter?.phone ?? null,
                email: b.reporter?.email ?? null,
                deviceId: null,
                accountId: null,
              },
              citizenId: null,
              mediaUrl: null,
            },
            {
              history: historyActorOf(p),
              audit: actorFrom(request),
              uploader: uploaderOf(p),
              // Staff take reports for their own area: a place outside it is refused.
              unit: async (unit, at) => {
                if (p.scope.all) return;
                if (!at)
                  throw ValidationError.field(
                    'lat',
                    'give the place (lat and lon): you take reports for some admin units only, and a report without a location belongs to none of them',
                  );
                if (unit !== null && inUnits(p.scope, unit)) return;
                const names = unit ? await queries.unitNames(unit) : null;
                throw new ForbiddenError(
                  `The place (lat ${at.lat}, lon ${at.lon}) is in ${names ? `${names.nameEn} (${names.code})` : 'no admin unit'}, outside the admin units you work for; staff of that area or of the whole province take reports there.`,
                ).vi(
                  `Vị trí (vĩ độ ${at.lat}, kinh độ ${at.lon}) thuộc ${names ? `${names.nameVi} (${names.code})` : 'một nơi không thuộc đơn vị hành chính nào'}, ngoài địa bàn bạn phụ trách; cán bộ của địa bàn đó hoặc của cả tỉnh tiếp nhận phản ánh ở đây.`,
                );
              },
            },
          ),
          { category: 'categoryCode', location: 'lat' },
        );
        return reply.status(201).send(await queries.get(p, id));
      },
    );

    app.get(
      '/api/v1/reports/:id',
      {
        schema: {
          tags: ['reports'],
          summary: 'A report with its photos and full history (internal notes included)',
          params: idParams,
          response: { 200: reportDetailSchema },
        },
        config: { access: 'reports:read' },
      },
      (request) => queries.get(principalOf(request), Number(request.params.id)),
    );

    app.patch(
      '/api/v1/reports/:id',
      {
        schema: {
          tags: ['reports'],
          summary:
            "Share the reporter's identity with the handling agency, or add an internal note",
          params: idParams,
          body: reportPatchSchema,
          response: { 200: reportDetailSchema },
        },
        config: { access: 'reports:act' },
      },
      (request) =>
        queries.patch(
          principalOf(request),
          actorFrom(request),
          Number(request.params.id),
          request.body,
        ),
    );

    app.get(
      '/api/v1/reports/:id/duplicates',
      {
        schema: {
          tags: ['reports'],
          summary: 'The reports this one may duplicate (the candidates of a merge)',
          description:
            'Open reports of the same category within `radius` metres (default 300), nearest ' +
            'first, at most 20, among those the caller may read; none for a report without a ' +
            "location. The same search as the citizen app's nearby check. `merge` still " +
            'judges the one chosen.',
          params: idParams,
          querystring: duplicateQuerySchema,
          response: { 200: z.object({ items: z.array(duplicateCandidateSchema) }) },
        },
        config: { access: 'reports:read' },
      },
      async (request) => ({
        items: await queries.duplicates(
          principalOf(request),
          Number(request.params.id),
          request.query.radius,
        ),
      }),
    );

    app.get(
      '/api/v1/reports/:id/reporter',
      {
        schema: {
          tags: ['reports'],
          summary: "The reporter's identity (IOC staff; the agency when shared). Audited.",
          description:
            'Each call is an audit entry `report.reporter_viewed` on the report. Empty after the ' +
            'retention period (CITYOPS_REPORT_RETENTION_DAYS after closing).',
          params: idParams,
          response: { 200: reporterSchema },
        },
        config: { access: 'reports:read' },
      },
      (request) =>
        queries.reporter(principalOf(request), actorFrom(request), Number(request.params.id)),
    );

    app.get(
      '/api/v1/reports/:id/photos/:fileId',
      {
        schema: {
          tags: ['reports'],
          summary: 'A photo of the report (`size=thumb`: 320 px JPEG)',
          params: photoParams,
          querystring: sizeQuery,
        },
        config: { access: 'reports:read' },
      },
      async (request, reply) => {
        const f = await queries.photo(
          principalOf(request),
          Number(request.params.id),
          request.params.fileId,
          request.query.size,
        );
        return reply
          .type(f.contentType)
          .header('cache-control', 'private, max-age=3600')
          .send(f.bytes);
      },
    );

    for (const action of reportActions) {
      app.post(
        `/api/v1/reports/:id/${action}`,
        {
          schema: {
            tags: ['reports'],
            summary: ACTION_SUMMARY[action],
            description:
              '409 with the reason when the report is not in a status that allows it; 403 when ' +
              'the caller may not do it on this report.',
            params: idParams,
            body: reportActionBodies[action],
            response: { 200: reportDetailSchema },
          },
          config: { access: 'reports:act' },
        },
        async (request) => {
          const p = principalOf(request);
          const id = Number(request.params.id);
          await actions.act(p, actorFrom(request), id, action, request.body);
          return queries.afterAction(p, id);
        },
      );
    }
  };
}
