/**
 * Live views of cameras: a viewer session answers the URL the browser plays
 * (HLS served by CityOps under the session's path, or a gateway's WebRTC
 * endpoint) and when it expires unless renewed.
 */
import { z } from 'zod';

export const liveProtocolSchema = z.enum(['hls', 'webrtc']);
export type LiveProtocol = z.infer<typeof liveProtocolSchema>;

export const liveStartBodySchema = z
  .object({
    /** Main stream (default) or the lighter sub-stream (tiles of a video wall). */
    quality: z.enum(['main', 'sub']).optional(),
    /** The protocol the player prefers; the gateway may answer another. */
    protocol: liveProtocolSchema.optional(),
  })
  .strict();
export type LiveStartBody = z.infer<typeof liveStartBodySchema>;

export const liveSessionSchema = z.object({
  /** What the browser plays: an HLS playlist, or a WHEP endpoint for WebRTC. */
  url: z.string(),
  protocol: liveProtocolSchema,
  /** The session ends then unless renewed (POST {url's session}/renew). */
  expiresAt: z.iso.datetime(),
  /** Renew and stop the session here (POST …/renew, DELETE …). */
  sessionUrl: z.string(),
});
export type LiveSession = z.infer<typeof liveSessionSchema>;

export const liveRenewalSchema = z.object({ expiresAt: z.iso.datetime() });
export type LiveRenewal = z.infer<typeof liveRenewalSchema>;
