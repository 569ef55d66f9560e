/**
 * Settings of camera live views (CITYOPS_VIDEO_*, CITYOPS_FFMPEG_PATH),
 * merged into the validated settings of core/config.ts.
 */
import { z } from 'zod';

const GATEWAY = /^(ffmpeg|(mediamtx|go2rtc)\+https?:\/\/[^\s]+)$/;

export const videoEnvShape = {
  CITYOPS_VIDEO_GATEWAY: z
    .string()
    .regex(GATEWAY, 'must be ffmpeg, mediamtx+http(s)://… or go2rtc+http(s)://…')
    .refine((v) => v === 'ffmpeg' || URL.canParse(v.slice(v.indexOf('+') + 1)), 'not a valid URL')
    .default('ffmpeg'),
  CITYOPS_VIDEO_PUBLIC_URL: z
    .string()
    .refine((v) => /^https?:$/.test(URL.canParse(v) ? new URL(v).protocol : ''), {
      message: 'must be a URL starting with http:// or https://',
    })
    .optional(),
  CITYOPS_FFMPEG_PATH: z.string().min(1).default('ffmpeg'),
  CITYOPS_VIDEO_MAX_STREAMS: z.coerce.number().int().min(1).max(1000).default(8),
  CITYOPS_VIDEO_SESSION_SECONDS: z.coerce.number().int().min(10).max(3600).default(60),
  CITYOPS_VIDEO_IDLE_SECONDS: z.coerce.number().int().min(0).max(3600).default(10),
  CITYOPS_VIDEO_START_SECONDS: z.coerce.number().int().min(1).max(120).default(10),
};

export type VideoGatewaySetting =
  { kind: 'ffmpeg' } | { kind: 'mediamtx' | 'go2rtc'; apiUrl: string };

export interface VideoSettings {
  gateway: VideoGatewaySetting;
  /** Where browsers reach the external gateway's players (MediaMTX, go2rtc). */
  publicUrl: string | undefined;
  ffmpegPath: string;
  maxStreams: number;
  sessionSeconds: number;
  idleSeconds: number;
  startSeconds: number;
}

type VideoEnv = z.infer<z.ZodObject<typeof videoEnvShape>>;

export function videoSettingsFrom(e: VideoEnv): VideoSettings {
  const g = e.CITYOPS_VIDEO_GATEWAY;
  const plus = g.indexOf('+');
  return {
    gateway:
      g === 'ffmpeg'
        ? { kind: 'ffmpeg' }
        : {
            kind: g.slice(0, plus) as 'mediamtx' | 'go2rtc',
            apiUrl: g.slice(plus + 1).replace(/\/+$/, ''),
          },
    publicUrl: e.CITYOPS_VIDEO_PUBLIC_URL?.replace(/\/+$/, ''),
    ffmpegPath: e.CITYOPS_FFMPEG_PATH,
    maxStreams: e.CITYOPS_VIDEO_MAX_STREAMS,
    sessionSeconds: e.CITYOPS_VIDEO_SESSION_SECONDS,
    idleSeconds: e.CITYOPS_VIDEO_IDLE_SECONDS,
    startSeconds: e.CITYOPS_VIDEO_START_SECONDS,
  };
}

/** Settings whose value may hold a secret (a gateway URL with a user and password). */
export const secretVideoSettings = ['CITYOPS_VIDEO_GATEWAY'];
