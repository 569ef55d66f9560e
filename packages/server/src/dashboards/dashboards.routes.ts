/**
 * /api/v1/dashboards/…: the aggregations the console's dashboards and video
 * wall show. Each declares the permission of the records it counts, and every
 * count keeps to the caller's scope.
 */
import {
  alertsSummaryQuery,
  alertsSummarySchema,
  assetsByStatusQuery,
  assetsByStatusSchema,
  eventsOverTimeQuery,
  eventsOverTimeSchema,
} from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { principalOf } from '../core/http/app.js';
import type { DashboardsService } from './dashboards.service.js';

const tags = ['dashboards'];

export function dashboardsRoutes(dashboards: DashboardsService) {
  return (app: App) => {
    app.get(
      '/api/v1/dashboards/assets-by-status',
      {
        schema: {
          tags,
          summary: 'Assets now, counted by type and status',
          querystring: assetsByStatusQuery,
          response: { 200: assetsByStatusSchema },
        },
        config: { access: 'assets:read' },
      },
      (request) => dashboards.assetsByStatus(principalOf(request).scope, request.query),
    );

    app.get(
      '/api/v1/dashboards/events-over-time',
      {
        schema: {
          tags,
          summary: 'Stored events per hour or day, by family (the first part of the type)',
          description:
            'Default period: the 24 hours before `to` (default now). Days are calendar days in ' +
            "the server's time zone. At most 744 hourly or 366 daily buckets.",
          querystring: eventsOverTimeQuery,
          response: { 200: eventsOverTimeSchema },
        },
        config: { access: 'events:read' },
      },
      (request) => dashboards.eventsOverTime(principalOf(request).scope, request.query),
    );

    app.get(
      '/api/v1/dashboards/alerts-summary',
      {
        schema: {
          tags,
          summary: 'Alerts unresolved now; alerts opened in the period by rule and admin unit',
          querystring: alertsSummaryQuery,
          response: { 200: alertsSummarySchema },
        },
        config: { access: 'alerts:read' },
      },
      (request) => dashboards.alertsSummary(principalOf(request).scope, request.query),
    );
  };
}
