/**
 * What a stream gateway does for live views: make one camera's RTSP stream
 * playable in a browser, shared by all its viewers, until its last viewer
 * leaves. Three implementations: an on-demand ffmpeg making HLS served by
 * CityOps (ffmpeg.gateway.ts), MediaMTX and go2rtc through their HTTP APIs.
 */

/** Where the server reaches a camera: never sent to a browser or a log. */
export interface StreamSource {
  cameraId: string;
  /** rtsp:// or rtsps:// URL, possibly without credentials. */
  url: string;
  username?: string | undefined;
  password?: string | undefined;
}

export type LiveProtocol = 'hls' | 'webrtc';

/** A camera's stream as the gateway serves it. */
export interface ServedStream {
  protocol: LiveProtocol;
  /**
   * The URL the browser plays, given the viewer session's token. For HLS
   * served by CityOps it is a path under /api/v1/live/{token}/.
   */
  urlFor(token: string): string;
}

/** No gateway can serve the stream now (answered as 503). */
export class GatewayUnavailableError extends Error {
  constructor(
    /** A short reason safe to show and audit (no URLs, no credentials). */
    readonly reason: string,
  ) {
    super(reason);
  }
}

export interface StreamGateway {
  readonly kind: 'ffmpeg' | 'mediamtx' | 'go2rtc';
  /**
   * Makes the camera's stream playable (or finds it already playing) and
   * answers once a browser can play it. Throws GatewayUnavailableError.
   */
  acquire(source: StreamSource, prefer?: LiveProtocol): Promise<ServedStream>;
  /** The camera's last viewer left: the gateway may stop the stream. */
  release(cameraId: string): void;
  /** A listener told when a camera's stream stops by itself (camera gone, process died). */
  onStopped?(listener: (cameraId: string) => void): void;
  /** Stops every stream (shutdown). */
  close(): Promise<void>;
}
