/** /api/v1/report-categories: the categories citizens choose from, and their routing. */
import { z } from 'zod';
import {
  categoryRoutesSchema,
  reportCategoryCreateSchema,
  reportCategoryPatchSchema,
  reportCategorySchema,
} from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { actorFrom } from '../core/http/app.js';
import { principalCan } from '../core/auth/principal.js';
import type { CategoriesService } from './categories.service.js';

const codeParams = z.object({ code: z.string().min(1).max(64) });

export function categoriesRoutes(categories: CategoriesService) {
  return (app: App) => {
    app.get(
      '/api/v1/report-categories',
      {
        schema: {
          tags: ['reports'],
          summary: 'Report categories, in display order (the citizen app and Open311 services)',
          description:
            'Active categories for everyone; `includeInactive=true` adds the inactive ones for ' +
            'administrators.',
          querystring: z.object({ includeInactive: z.enum(['true', 'false']).optional() }).strict(),
          response: { 200: z.object({ items: z.array(reportCategorySchema) }) },
        },
        config: { access: 'public' },
      },
      async (request) => {
        const p = request.principal;
        const includeInactive =
          request.query.includeInactive === 'true' && !!p && principalCan(p, 'reports:configure');
        return { items: await categories.list({ includeInactive }) };
      },
    );

    app.get(
      '/api/v1/report-categories/:code',
      {
        schema: {
          tags: ['reports'],
          params: codeParams,
          response: { 200: reportCategorySchema },
        },
        config: { access: 'public' },
      },
      (request) => categories.get(request.params.code),
    );

    app.post(
      '/api/v1/report-categories',
      {
        schema: {
          tags: ['reports'],
          summary: 'Create a report category',
          body: reportCategoryCreateSchema,
          response: { 201: reportCategorySchema },
        },
        config: { access: 'reports:configure' },
      },
      async (request, reply) =>
        reply.status(201).send(await categories.create(actorFrom(request), request.body)),
    );

    app.patch(
      '/api/v1/report-categories/:code',
      {
        schema: {
          tags: ['reports'],
          summary: 'Change a report category (`active: false` withdraws it from new reports)',
          params: codeParams,
          body: reportCategoryPatchSchema,
          response: { 200: reportCategorySchema },
        },
        config: { access: 'reports:configure' },
      },
      (request) => categories.update(actorFrom(request), request.params.code, request.body),
    );

    app.get(
      '/api/v1/report-categories/:code/routes',
      {
        schema: {
          tags: ['reports'],
          summary: 'Which agency handles the category in which admin unit',
          params: codeParams,
          response: { 200: categoryRoutesSchema },
        },
        config: { access: 'reports:read' },
      },
      async (request) => {
        await categories.get(request.params.code);
        return { routes: await categories.routes(request.params.code) };
      },
    );

    app.put(
      '/api/v1/report-categories/:code/routes',
      {
        schema: {
          tags: ['reports'],
          summary: "Replace the category's routing table",
          description:
            "A route for a unit wins over the category rule (`routing`: the People's Committee " +
            'serving the unit, or `defaultAgencyCode`). With no route and no agency, a report ' +
            'waits for the IOC to assign it.',
          params: codeParams,
          body: categoryRoutesSchema,
          response: { 200: categoryRoutesSchema },
        },
        config: { access: 'reports:configure' },
      },
      async (request) => ({
        routes: await categories.replaceRoutes(
          actorFrom(request),
          request.params.code,
          request.body.routes,
        ),
      }),
    );
  };
}
