/**
 * ONVIF routes: WS-Discovery of cameras on a chosen interface, and filling in
 * a camera (vendor, model, stream, sub-stream and snapshot addresses) from its
 * ONVIF device service with its stored credentials.
 */
import { z } from 'zod';
import { cameraSchema } from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { actorFrom, principalOf } from '../core/http/app.js';
import { ConflictError, UnavailableError } from '../core/errors.js';
import type { AssetsService } from '../assets/index.js';
import type { CamerasService } from './cameras.service.js';
import { cameraIdParams } from './cameras.routes.js';
import { describeDevice, discover } from './onvif.js';
import { CheckError } from './probe/rtsp.js';
import { httpErrorCode } from './probe/http-fetch.js';

const discoveredSchema = z.object({
  urn: z.string(),
  xaddrs: z.array(z.string()),
  scopes: z.array(z.string()),
  name: z.string().optional(),
  hardware: z.string().optional(),
  from: z.string(),
});

const discoverBody = z
  .object({
    /** A network interface by name (eth0) or IPv4 address; default: the system's choice. */
    interface: z.string().min(1).max(100).optional(),
    /** Probe one address (host:port) instead of multicasting. */
    target: z
      .string()
      .regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port')
      .optional(),
    timeoutMs: z.number().int().min(200).max(10_000).default(3000),
  })
  .strict();

export function onvifRoutes(cameras: CamerasService, assets: AssetsService, timeoutMs: number) {
  return (app: App) => {
    app.post(
      '/api/v1/cameras/discover',
      {
        schema: {
          tags: ['cameras'],
          summary: 'Find ONVIF cameras with WS-Discovery on a chosen interface',
          body: discoverBody,
          response: { 200: z.object({ items: z.array(discoveredSchema) }) },
        },
        config: { access: 'cameras:manage' },
      },
      async (request) => {
        const b = request.body;
        const target = b.target
          ? {
              host: b.target.slice(0, b.target.lastIndexOf(':')),
              port: Number(b.target.split(':').pop()),
            }
          : undefined;
        try {
          return {
            items: await discover({ interface: b.interface, target, timeoutMs: b.timeoutMs }),
          };
        } catch (err) {
          if (err instanceof CheckError)
            throw new UnavailableError(`WS-Discovery did not run: ${err.message}.`);
          throw err;
        }
      },
    );

    app.post(
      '/api/v1/cameras/:id/onvif',
      {
        schema: {
          tags: ['cameras'],
          summary:
            "Fill in a camera's vendor, model, stream, sub-stream and snapshot addresses from its ONVIF device service",
          params: cameraIdParams,
          response: {
            200: z.object({
              camera: cameraSchema,
              device: z.object({
                vendor: z.string().optional(),
                model: z.string().optional(),
                firmwareVersion: z.string().optional(),
                serialNumber: z.string().optional(),
                profiles: z.array(z.object({ token: z.string(), name: z.string().optional() })),
              }),
            }),
          },
        },
        config: { access: 'cameras:manage' },
      },
      async (request) => {
        const principal = principalOf(request);
        const src = await cameras.authorize(principal, request.params.id, 'manage', {
          ip: request.ip,
          requestId: request.id,
        });
        if (!src.onvifUrl) throw new ConflictError('This camera has no ONVIF address (onvifUrl).');
        let d;
        try {
          d = await describeDevice(
            src.onvifUrl,
            src.username !== undefined
              ? { username: src.username, password: src.password ?? '' }
              : undefined,
            timeoutMs,
          );
        } catch (err) {
          const why = err instanceof CheckError ? err.message : httpErrorCode(err).detail;
          throw new UnavailableError(`The camera's ONVIF service did not answer: ${why}.`);
        }
        const filled: Record<string, unknown> = { ...src.properties };
        if (d.vendor) filled.vendor = d.vendor.slice(0, 100);
        if (d.model) filled.model = d.model.slice(0, 100);
        if (d.streamUrl) filled.streamUrl = d.streamUrl;
        if (d.subStreamUrl) filled.subStreamUrl = d.subStreamUrl;
        if (d.snapshotUrl) filled.snapshotUrl = d.snapshotUrl;
        await assets.update(actorFrom(request), src.id, { properties: filled }, principal.scope);
        return {
          camera: await cameras.get(src.id, principal.scope),
          device: {
            ...(d.vendor ? { vendor: d.vendor } : {}),
            ...(d.model ? { model: d.model } : {}),
            ...(d.firmwareVersion ? { firmwareVersion: d.firmwareVersion } : {}),
            ...(d.serialNumber ? { serialNumber: d.serialNumber } : {}),
            profiles: d.profiles.map((p) => ({
              token: p.token,
              ...(p.name ? { name: p.name } : {}),
            })),
          },
        };
      },
    );
  };
}
