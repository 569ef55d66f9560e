/** /api/v1/calendar: the holidays and make-up working days, and working-day sums. */
import { z } from 'zod';
import {
  calendarDayCreateSchema,
  calendarDaySchema,
  isoDate,
  workingDaysQuerySchema,
  workingDaysResultSchema,
} from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { actorFrom } from '../core/http/app.js';
import { localDate } from './dates.js';
import type { CalendarService } from './calendar.service.js';

export function calendarRoutes(calendar: CalendarService) {
  return (app: App) => {
    app.get(
      '/api/v1/calendar/holidays',
      {
        schema: {
          tags: ['calendar'],
          summary: 'Holidays and make-up working days of a year',
          description:
            "Built-in national holidays (the Government's decision for the years it has decided, " +
            "else the Labour Code's rules with computed lunar dates: `official: false`) and the " +
            "province's own entries, which override a built-in day on the same date. Saturdays and " +
            'Sundays are days off unless listed as `workday`.',
          querystring: z.object({ year: z.coerce.number().int().min(2000).max(2100) }).strict(),
          response: { 200: z.object({ items: z.array(calendarDaySchema) }) },
        },
        config: { access: 'public' },
      },
      async (request) => ({ items: await calendar.days(request.query.year) }),
    );

    app.put(
      '/api/v1/calendar/holidays/:date',
      {
        schema: {
          tags: ['calendar'],
          summary: 'Enter a holiday or a make-up working day decided by the province',
          params: z.object({ date: isoDate }),
          body: calendarDayCreateSchema.omit({ date: true }),
          response: { 200: calendarDaySchema },
        },
        config: { access: 'reports:configure' },
      },
      (request) => calendar.put(actorFrom(request), { ...request.body, date: request.params.date }),
    );

    app.delete(
      '/api/v1/calendar/holidays/:date',
      {
        schema: {
          tags: ['calendar'],
          summary: "Remove the province's entry for a date (built-in days come back)",
          params: z.object({ date: isoDate }),
        },
        config: { access: 'reports:configure' },
      },
      async (request, reply) => {
        await calendar.remove(actorFrom(request), request.params.date);
        return reply.status(204).send();
      },
    );

    app.get(
      '/api/v1/calendar/working-days',
      {
        schema: {
          tags: ['calendar'],
          summary: 'Working days between two dates, or the date n working days after one',
          description:
            '`from` and `to`: the working days in (from, to]. `from` and `add`: the date `add` ' +
            'working days after `from` (a report received on a Friday with 1 working day is due ' +
            'on Monday).',
          querystring: workingDaysQuerySchema,
          response: { 200: workingDaysResultSchema },
        },
        config: { access: 'public' },
      },
      async (request) => {
        const cal = await calendar.calendar();
        const from = localDate(request.query.from);
        if (request.query.add !== undefined) {
          return {
            from,
            to: cal.addWorkingDays(from, request.query.add),
            workingDays: request.query.add,
          };
        }
        const to = localDate(request.query.to!);
        return { from, to, workingDays: cal.workingDaysBetween(from, to) };
      },
    );
  };
}
