/**
 * The live view player of one camera, self-contained: it asks CityOps for a
 * viewer session (POST /api/v1/cameras/{id}/live), plays what it answers (HLS
 * through hls.js, or natively in Safari; WebRTC through WHEP when the server
 * uses MediaMTX or go2rtc), renews the session while playing, and ends it
 * when unmounted or when the page goes away. States, in both languages:
 * connecting, playing, unavailable (with a retry), no permission.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type Hls from 'hls.js';
import type { LiveRenewal, LiveSession } from '@cityops/contracts';
import { api, ApiError } from '../../ui/api';
import { useI18n } from '../../ui/i18n/i18n';

export interface LivePlayerProps {
  cameraId: string;
  /** A name for the video element (the camera's name). */
  label?: string;
  /** The lighter sub-stream and no controls, for tiles of a video wall. */
  compact?: boolean;
}

type State = 'connecting' | 'playing' | 'unavailable' | 'forbidden';

const client = api.client;

/** Plays a WHEP endpoint (MediaMTX, go2rtc): answers a function that closes the connection. */
async function playWebRtc(url: string, video: HTMLVideoElement): Promise<() => void> {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  pc.ontrack = (e) => {
    if (e.streams[0]) video.srcObject = e.streams[0];
  };
  await pc.setLocalDescription(await pc.createOffer());
  // Gather candidates first: WHEP takes one offer, without trickle.
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const done = () => pc.iceGatheringState === 'complete' && resolve();
    pc.addEventListener('icegatheringstatechange', done);
    setTimeout(resolve, 2000);
  });
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/sdp' },
    body: pc.localDescription?.sdp ?? '',
  });
  if (!res.ok) {
    pc.close();
    throw new ApiError(503, null, `The stream gateway answered ${res.status}.`);
  }
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  return () => pc.close();
}

/** Plays an HLS playlist: answers a function that stops it; `onFatal` when it cannot go on. */
async function playHls(
  url: string,
  video: HTMLVideoElement,
  onFatal: () => void,
): Promise<() => void> {
  const { default: HlsClass } = await import('hls.js');
  if (HlsClass.isSupported()) {
    const hls: Hls = new HlsClass({
      // Live edge close, small buffers: this is a camera, not a film.
      liveSyncDurationCount: 3,
      liveMaxLatencyDurationCount: 10,
      maxBufferLength: 8,
      backBufferLength: 10,
      manifestLoadingMaxRetry: 3,
    });
    hls.on(HlsClass.Events.ERROR, (_e, data) => {
      if (data.fatal) onFatal();
    });
    hls.loadSource(url);
    hls.attachMedia(video);
    return () => hls.destroy();
  }
  if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = url;
    const fail = () => onFatal();
    video.addEventListener('error', fail);
    return () => {
      video.removeEventListener('error', fail);
      video.removeAttribute('src');
      video.load();
    };
  }
  throw new ApiError(503, null, 'This browser cannot play HLS.');
}

export function LivePlayer({ cameraId, label, compact = false }: LivePlayerProps) {
  const { pick } = useI18n();
  const videoRef = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<State>('connecting');
  const [detail, setDetail] = useState<string | undefined>();
  const [attempt, setAttempt] = useState(0);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let cancelled = false;
    let stopPlayback: (() => void) | undefined;
    let renewTimer: ReturnType<typeof setTimeout> | undefined;
    let sessionUrl: string | undefined;
    setState('connecting');
    setDetail(undefined);

    const endSession = () => {
      if (!sessionUrl) return;
      const url = sessionUrl;
      sessionUrl = undefined;
      const token = client.getToken();
      // keepalive: the request outlives a page being closed.
      void fetch(client.url(url), {
        method: 'DELETE',
        keepalive: true,
        ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
      }).catch(() => {});
    };
    const fail = (err: unknown) => {
      if (cancelled) return;
      stopPlayback?.();
      stopPlayback = undefined;
      clearTimeout(renewTimer);
      endSession();
      const forbidden = err instanceof ApiError && err.status === 403;
      setState(forbidden ? 'forbidden' : 'unavailable');
      setDetail(err instanceof ApiError ? err.detail : undefined);
    };
    const scheduleRenewal = (expiresAt: string) => {
      const left = new Date(expiresAt).getTime() - Date.now();
      renewTimer = setTimeout(
        () => {
          if (!sessionUrl || cancelled) return;
          client
            .post<LiveRenewal>(`${sessionUrl}/renew`)
            .then((r) => !cancelled && scheduleRenewal(r.expiresAt))
            .catch(fail);
        },
        Math.max(2000, left / 3),
      );
    };
    const onPlaying = () => !cancelled && setState('playing');
    video.addEventListener('playing', onPlaying);
    window.addEventListener('pagehide', endSession);

    (async () => {
      const live = await client.post<LiveSession>(`/api/v1/cameras/${cameraId}/live`, {
        quality: compact ? 'sub' : 'main',
      });
      sessionUrl = live.sessionUrl;
      if (cancelled) return endSession();
      scheduleRenewal(live.expiresAt);
      video.muted = true;
      stopPlayback =
        live.protocol === 'webrtc'
          ? await playWebRtc(live.url, video)
          : await playHls(client.url(live.url), video, () =>
              fail(new ApiError(503, null, 'The stream stopped.')),
            );
      if (cancelled) {
        stopPlayback();
        return endSession();
      }
      await video.play().catch(() => {
        // Autoplay refused: the controls (or a click on retry) start it.
      });
    })().catch(fail);

    return () => {
      cancelled = true;
      clearTimeout(renewTimer);
      video.removeEventListener('playing', onPlaying);
      window.removeEventListener('pagehide', endSession);
      stopPlayback?.();
      endSession();
    };
  }, [cameraId, compact, attempt]);

  const name = label ?? cameraId;
  return (
    <div
      className={`live-player live-player-${state}`}
      data-testid="live-player"
      data-state={state}
      style={{ position: 'relative', background: '#000', aspectRatio: '16 / 9' }}
    >
      <video
        ref={videoRef}
        aria-label={pick(`Xem trực tiếp: ${name}`, `Live view: ${name}`)}
        muted
        playsInline
        autoPlay
        controls={!compact && state === 'playing'}
        style={{ width: '100%', height: '100%', objectFit: 'contain', display: 'block' }}
      />
      {state === 'playing' && (
        <span
          className="live-player-badge"
          style={{
            position: 'absolute',
            top: 6,
            left: 6,
            padding: '1px 6px',
            borderRadius: 3,
            background: '#c62828',
            color: '#fff',
            fontSize: 11,
            fontWeight: 600,
          }}
        >
          {pick('TRỰC TIẾP', 'LIVE')}
        </span>
      )}
      {state !== 'playing' && (
        <div
          className="live-player-overlay"
          role="status"
          style={{
            position: 'absolute',
            inset: 0,
            display: 'flex',
            flexDirection: 'column',
            alignItems: 'center',
            justifyContent: 'center',
            gap: 8,
            padding: 12,
            color: '#eee',
            textAlign: 'center',
            fontSize: compact ? 12 : 14,
          }}
        >
          {state === 'connecting' && (
            <span>{pick('Đang kết nối tới camera…', 'Connecting to the camera…')}</span>
          )}
          {state === 'forbidden' && (
            <span>
              {pick(
                'Bạn không có quyền xem trực tiếp camera này.',
                'You do not have permission to watch this camera live.',
              )}
            </span>
          )}
          {state === 'unavailable' && (
            <>
              <span title={detail}>
                {pick(
                  'Hiện không xem trực tiếp được camera này.',
                  'This camera cannot be watched live right now.',
                )}
              </span>
              <button type="button" onClick={retry}>
                {pick('Thử lại', 'Try again')}
              </button>
            </>
          )}
        </div>
      )}
    </div>
  );
}

export default LivePlayer;
