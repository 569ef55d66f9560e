/**
 * Settings of live views: the gateway by name or URL, bad values stopping the
 * start with one line naming the variable, and a gateway URL's password never
 * echoed in that line.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/core/config.js';

const load = (env: Record<string, string>) => loadConfig({ CITYOPS_LOG_LEVEL: 'silent', ...env });

describe('live view settings', () => {
  it('defaults to the built-in ffmpeg gateway', () => {
    expect(load({}).video).toEqual({
      gateway: { kind: 'ffmpeg' },
      publicUrl: undefined,
      ffmpegPath: 'ffmpeg',
      maxStreams: 8,
      sessionSeconds: 60,
      idleSeconds: 10,
      startSeconds: 10,
    });
  });

  it('reads MediaMTX and go2rtc URLs and the public URL', () => {
    const v = load({
      CITYOPS_VIDEO_GATEWAY: 'mediamtx+http://api:pw@10.0.0.5:9997/',
      CITYOPS_VIDEO_PUBLIC_URL: 'https://video.example.vn/webrtc/',
    }).video;
    expect(v.gateway).toEqual({ kind: 'mediamtx', apiUrl: 'http://api:pw@10.0.0.5:9997' });
    expect(v.publicUrl).toBe('https://video.example.vn/webrtc');
    expect(load({ CITYOPS_VIDEO_GATEWAY: 'go2rtc+https://g.example:1984' }).video.gateway).toEqual({
      kind: 'go2rtc',
      apiUrl: 'https://g.example:1984',
    });
  });

  it('stops on a bad value with one line naming the variable, never echoing a gateway password', () => {
    expect(() => load({ CITYOPS_VIDEO_GATEWAY: 'vlc' })).toThrow(ConfigError);
    expect(() => load({ CITYOPS_VIDEO_GATEWAY: 'vlc' })).toThrow(/^CITYOPS_VIDEO_GATEWAY: /);
    let message = '';
    try {
      load({ CITYOPS_VIDEO_GATEWAY: 'mediamtx+ftp://api:s3cret@host' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^CITYOPS_VIDEO_GATEWAY: must be ffmpeg/);
    expect(message).not.toContain('s3cret');
    expect(() => load({ CITYOPS_VIDEO_MAX_STREAMS: '0' })).toThrow(/^CITYOPS_VIDEO_MAX_STREAMS: /);
    expect(() => load({ CITYOPS_VIDEO_SESSION_SECONDS: '5' })).toThrow(
      /^CITYOPS_VIDEO_SESSION_SECONDS: /,
    );
    expect(() => load({ CITYOPS_VIDEO_PUBLIC_URL: 'video.example' })).toThrow(
      /^CITYOPS_VIDEO_PUBLIC_URL: must be a URL/,
    );
  });
});
