/** GET /api/v1/ui-config (public): the settings the browser apps need before anyone signs in. */
import { z } from 'zod';
import type { Config } from '../core/config.js';
import type { App } from '../core/http/app.js';

export const uiConfigSchema = z.object({
  /** A MapLibre style URL, or a raster tile URL with {z}/{x}/{y}; null: a plain background that needs no Internet. */
  basemapUrl: z.string().nullable(),
  /** The IANA time zone times are shown in (CITYOPS_TIMEZONE). */
  timezone: z.string(),
});
export type UiConfig = z.infer<typeof uiConfigSchema>;

export function uiConfigRoutes(config: Pick<Config, 'basemapUrl' | 'timezone'>) {
  const body: UiConfig = { basemapUrl: config.basemapUrl ?? null, timezone: config.timezone };
  return (app: App) => {
    app.get(
      '/api/v1/ui-config',
      {
        schema: {
          tags: ['web'],
          summary: 'Settings for the browser apps: basemap and time zone',
          security: [],
          response: { 200: uiConfigSchema },
        },
        config: { access: 'public' },
      },
      () => body,
    );
  };
}
