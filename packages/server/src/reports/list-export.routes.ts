/**
 * The staff queue under a filter as CSV, behind a signed, expiring link (for
 * a browser download without the Authorization header): POST
 * /api/v1/reports/export-links, then GET /api/v1/reports/export.csv?link=….
 */
import { z } from 'zod';
import { reportExportLinkSchema, reportListExportRequestSchema } from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { principalOf } from '../core/http/app.js';
import type { Clock } from '../core/clock.js';
import { ForbiddenError, ValidationError } from '../core/errors.js';
import type { ReportQueries } from './queries.js';
import { LINK_SECONDS, type ExportLinks } from './export-links.js';
import { MAX_EXPORT_ROWS, reportsCsv } from './list.export.js';

export function listExportRoutes(
  queries: ReportQueries,
  links: ExportLinks,
  clock: Clock,
  timeZone: string,
) {
  return (app: App) => {
    app.post(
      '/api/v1/reports/export-links',
      {
        schema: {
          tags: ['reports'],
          summary:
            'A signed link to download the report list under a filter as CSV, without a token',
          description:
            'The filters and `sort` of GET /api/v1/reports, `lang` of the column headers and names, ' +
            `\`format\`: csv. The link carries the filter and the caller's scope, and is valid for ` +
            `${LINK_SECONDS / 60} minutes. At most ${MAX_EXPORT_ROWS} reports: a larger list is ` +
            'refused (400 naming `filter`), so that no file is silently cut short.',
          body: reportListExportRequestSchema,
          response: { 201: reportExportLinkSchema },
        },
        config: { access: 'reports:read' },
      },
      async (request, reply) => {
        const p = principalOf(request);
        if (p.kind !== 'user') throw new ForbiddenError('Export links are for staff users.');
        const { format: _csv, sort, lang, ...filter } = request.body;
        // Checked now, so that a link never leads to a file cut short.
        const found = await queries.list(p, filter, { sort, limit: MAX_EXPORT_ROWS + 1 });
        if (found.length > MAX_EXPORT_ROWS)
          throw ValidationError.field(
            'filter',
            `more than ${MAX_EXPORT_ROWS} reports match; narrow the filter`,
          );
        const link = await links.makeList(p, { filter, sort, lang }, clock.now());
        return reply.status(201).send({
          url: `/api/v1/reports/export.csv?link=${link.token}`,
          expiresAt: link.expiresAt,
        });
      },
    );

    app.get(
      '/api/v1/reports/export.csv',
      {
        schema: {
          tags: ['reports'],
          summary: `The report list behind a signed link, as CSV (no token needed; valid ${LINK_SECONDS / 60} minutes)`,
          querystring: z.object({ link: z.string().min(10).max(8000) }).strict(),
          produces: ['text/csv; charset=utf-8'],
        },
        config: { access: 'public' },
      },
      async (request, reply) => {
        const now = clock.now();
        const { principal, query } = await links.openList(request.query.link, now);
        const reports = await queries.list(principal, query.filter, {
          sort: query.sort,
          limit: MAX_EXPORT_ROWS,
        });
        const day = new Intl.DateTimeFormat('en-CA', { timeZone }).format(now);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="reports-${day}.csv"`)
          .send(reportsCsv(reports, query.lang, timeZone));
      },
    );
  };
}
