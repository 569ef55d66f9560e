/** GET /api/v1/reports/stats (JSON), .csv and .xlsx: report statistics per agency or unit. */
import { reportStatsQuerySchema, reportStatsSchema } from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { principalOf } from '../core/http/app.js';
import type { ReportStatsService } from './stats.service.js';
import { statsCsv, statsXlsx } from './stats.export.js';

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

export function statsRoutes(stats: ReportStatsService) {
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

    app.get(
      '/api/v1/reports/stats.csv',
      {
        schema: {
          tags: ['reports'],
          summary: 'Report statistics as CSV',
          description: DESCRIPTION,
          querystring: reportStatsQuerySchema,
          produces: ['text/csv'],
        },
        config: { access: 'reports:read' },
      },
      async (request, reply) => {
        const s = await stats.stats(principalOf(request), request.query);
        return reply
          .type('text/csv; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="reports-${s.groupBy}-${s.from}-${s.to}.csv"`,
          )
          .send(statsCsv(s, request.query.lang));
      },
    );

    app.get(
      '/api/v1/reports/stats.xlsx',
      {
        schema: {
          tags: ['reports'],
          summary: 'Report statistics as an Excel workbook',
          description: DESCRIPTION,
          querystring: reportStatsQuerySchema,
          produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        },
        config: { access: 'reports:read' },
      },
      async (request, reply) => {
        const s = await stats.stats(principalOf(request), request.query);
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header(
            'content-disposition',
            `attachment; filename="reports-${s.groupBy}-${s.from}-${s.to}.xlsx"`,
          )
          .send(await statsXlsx(s, request.query.lang));
      },
    );
  };
}
