/**
 * The calendar module: Vietnam's working days (weekends, public holidays with
 * Tết and Hùng Kings' day from the lunar calendar, make-up Saturdays) and the
 * province's own entries. Other modules use `service` for deadlines.
 */
import type { CityOpsModule, CoreContext } from '../core/module.js';
import { CalendarService } from './calendar.service.js';
import { calendarRoutes } from './calendar.routes.js';

export { CalendarService } from './calendar.service.js';
export { WorkCalendar } from './working-days.js';
export { localDate, dateIn, endOfDayIn, type LocalDate } from './dates.js';

export function calendarModule(ctx: CoreContext) {
  const service = new CalendarService(ctx.db, ctx.audit, ctx.clock, ctx.config.timezone);
  const module: CityOpsModule = { name: 'calendar', routes: calendarRoutes(service) };
  return { module, service };
}
