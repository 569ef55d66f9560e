/** GET /api/v1/reports/stats (JSON), .csv and .xlsx: report statistics per agency or unit. */
import { z } from 'zod';
import {
  reportExportLinkRequestSchema,
  reportExportLinkSchema,
  reportStatsQuerySchema,
  reportStatsSchema,
} from '@cityops/contracts';
import type { FastifyReply } from 'fastify';
import type { App } from '../core/http/app.js';
import { principalOf } from '../core/http/app.js';
import type { Clock } from '../core/clock.js';
import { ForbiddenError } from '../core/errors.js';
import type { Principal } from '../core/auth/principal.js';
import type { ReportStatsService } from './stats.service.js';
import { statsCsv, statsXlsx } from './stats.export.js';
import { LINK_SECONDS, type ExportLinks, type ExportQuery } from './export-links.js';

const TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

const DESCRIPTION =
  'Per primary agency (`groupBy=agency`) or admin unit (`unit`), over the days `from`–`to` ' +
  "(inclusive, in the province's time zone), within the caller's scope. After Decision " +
  '766/QĐ-TTg: **onTimeRate** (tỷ lệ phản ánh, kiến nghị xử lý đúng hạn) = handledOnTime / ' +
  '(handled + dueUnhandled), where handled = answered in the period, handledOnTime = of those ' +
  'answered by their (extended) deadline, dueUnhandled = due in the period and unanswered at its ' +
  'end; **satisfaction766** (tỷ lệ hài lòng trong xử lý PAKN) = (handled − handled that were ' +
  'rated not satisfied or answered late) / handled. Also **satisfactionRate** = satisfied / ' +
  'rated (ratings given in the period), **avgHandlingWorkingDays** (receipt to answer) and ' +
  '**overdueNow**. Rates are 0–1, null when nothing counts. `.csv` and `.xlsx` carry the same ' +
  'rows and a total, with Vietnamese, English or both (`lang`) column headers.';

export function statsRoutes(stats: ReportStatsService, links: ExportLinks, clock: Clock) {
  /** The export file of a query, as the given caller may see it. */
  const exportFile = async (
    reply: FastifyReply,
    p: Principal,
    format: 'csv' | 'xlsx',
    q: ExportQuery,
  ) => {
    const s = await stats.stats(p, q);
    return reply
      .type(TYPES[format])
      .header(
        'content-disposition',
        `attachment; filename="reports-${s.groupBy}-${s.from}-${s.to}.${format}"`,
      )
      .send(format === 'csv' ? statsCsv(s, q.lang) : await statsXlsx(s, q.lang));
  };

  return (app: App) => {
    app.get(
      '/api/v1/reports/stats',
      {
        schema: {
          tags: ['reports'],
          summary: 'Report statistics per agency or unit (Decision 766/QĐ-TTg rates)',
          description: DESCRIPTION,
          querystring: reportStatsQuerySchema,
          response: { 200: reportStatsSchema },
        },
        config: { access: 'reports:read' },
      },
      (request) => stats.stats(principalOf(request), request.query),
    );

    for (const format of ['csv', 'xlsx'] as const) {
      app.get(
        `/api/v1/reports/stats.${format}`,
        {
          schema: {
            tags: ['reports'],
            summary:
              format === 'csv'
                ? 'Report statistics as CSV'
                : 'Report statistics as an Excel workbook',
            description: DESCRIPTION,
            querystring: reportStatsQuerySchema,
            produces: [TYPES[format]],
          },
          config: { access: 'reports:read' },
        },
        (request, reply) => exportFile(reply, principalOf(request), format, request.query),
      );

      app.get(
        `/api/v1/reports/stats/export.${format}`,
        {
          schema: {
            tags: ['reports'],
            summary: `The ${format.toUpperCase()} export behind a signed link (no token needed; valid ${LINK_SECONDS / 60} minutes)`,
            querystring: z.object({ link: z.string().min(10).max(4000) }).strict(),
            produces: [TYPES[format]],
          },
          config: { access: 'public' },
        },
        async (request, reply) => {
          const { principal, query } = await links.open(request.query.link, format, clock.now());
          return exportFile(reply, principal, format, query);
        },
      );
    }

    app.post(
      '/api/v1/reports/stats/export-links',
      {
        schema: {
          tags: ['reports'],
          summary: 'A signed link to download statistics as CSV or XLSX without a token',
          description: `For a browser download: the link carries the query and the caller's scope, and is valid for ${LINK_SECONDS / 60} minutes.`,
          body: reportExportLinkRequestSchema,
          response: { 201: reportExportLinkSchema },
        },
        config: { access: 'reports:read' },
      },
      async (request, reply) => {
        const p = principalOf(request);
        if (p.kind !== 'user') throw new ForbiddenError('Export links are for staff users.');
        const { format, ...q } = request.body;
        // Checked now, so that a link never leads to a 400.
        await stats.stats(p, q);
        const link = await links.make(p, format, q, clock.now());
        return reply.status(201).send({
          url: `/api/v1/reports/stats/export.${format}?link=${link.token}`,
          expiresAt: link.expiresAt,
        });
      },
    );
  };
}
