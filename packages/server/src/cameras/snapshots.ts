/**
 * Camera snapshots, fetched by CityOps with the camera's credentials (Basic or
 * Digest) so the browser never sees the camera's address or credentials;
 * re-encoded without metadata with the photo pipeline of src/files, with a
 * thumbnail for video walls. Each camera's image is kept for a short time and
 * concurrent requests for one camera share one fetch. The background refresh
 * (snapshot-refresh.ts) fetches the images of wall cameras ahead of viewers
 * and keeps them until its next round, so a wall's viewers never reach the
 * camera themselves.
 */
import { ConflictError, UnavailableError } from '../core/errors.js';
import { processImage } from '../files/images.js';
import type { CameraSource } from './cameras.service.js';
import { cameraHttp, httpErrorCode } from './probe/http-fetch.js';
import { looksLikeImage } from './probe/probe.js';

export interface SnapshotOptions {
  /** Milliseconds a fetched image is served again without asking the camera. */
  cacheMs: number;
  timeoutMs: number;
  /** Largest image accepted from a camera, in bytes. */
  maxBytes: number;
  /** Cameras whose images are kept at most (least recently fetched go first). */
  maxEntries: number;
}

export interface Snapshot {
  contentType: string;
  bytes: Buffer;
  fetchedAt: Date;
}

interface Entry {
  /** Served from the cache until then (epoch ms). */
  freshUntil: number;
  fetchedAt: Date;
  full: Buffer;
  contentType: string;
  thumb: Buffer;
}

export class SnapshotService {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();
  /** Fetches made from cameras (for tests and metrics). */
  fetches = 0;

  constructor(private readonly opts: SnapshotOptions) {}

  async get(src: CameraSource, size: 'full' | 'thumb'): Promise<Snapshot> {
    const e = await this.entry(src);
    return size === 'thumb'
      ? { contentType: 'image/jpeg', bytes: e.thumb, fetchedAt: e.fetchedAt }
      : { contentType: e.contentType, bytes: e.full, fetchedAt: e.fetchedAt };
  }

  /**
   * Fetches the camera's image now (joining a fetch in flight) and keeps it
   * for `keepMs`, or the usual cache time if longer; answers when it was taken.
   */
  async refresh(src: CameraSource, keepMs: number): Promise<Date> {
    const keep = Math.max(keepMs, this.opts.cacheMs);
    const e = await this.fetchShared(src, keep);
    // A fetch it joined may have been asked with the shorter cache time.
    e.freshUntil = Math.max(e.freshUntil, e.fetchedAt.getTime() + keep);
    return e.fetchedAt;
  }

  private async entry(src: CameraSource): Promise<Entry> {
    const cached = this.cache.get(src.id);
    if (cached && Date.now() < cached.freshUntil) return cached;
    return this.fetchShared(src, this.opts.cacheMs);
  }

  private fetchShared(src: CameraSource, keepMs: number): Promise<Entry> {
    let pending = this.inflight.get(src.id);
    if (!pending) {
      pending = this.fetch(src, keepMs).finally(() => this.inflight.delete(src.id));
      this.inflight.set(src.id, pending);
    }
    return pending;
  }

  private async fetch(src: CameraSource, keepMs: number): Promise<Entry> {
    if (!src.snapshotUrl)
      throw new ConflictError('This camera has no snapshot address (snapshotUrl).');
    this.fetches++;
    let res;
    try {
      res = await cameraHttp({
        url: src.snapshotUrl,
        creds:
          src.username !== undefined
            ? { username: src.username, password: src.password ?? '' }
            : undefined,
        timeoutMs: this.opts.timeoutMs,
        maxBytes: this.opts.maxBytes,
      });
    } catch (err) {
      // Never the address or credentials: the reason only.
      throw new UnavailableError(
        `The camera did not give a snapshot: ${httpErrorCode(err).detail}.`,
      );
    }
    if (res.status !== 200)
      throw new UnavailableError(
        res.status === 401 || res.status === 403
          ? 'The camera refused the stored credentials for its snapshot.'
          : `The camera answered HTTP ${res.status} for its snapshot.`,
      );
    if (!looksLikeImage(res.body, res.contentType))
      throw new UnavailableError('The camera answered something that is not an image.');
    let image;
    try {
      image = await processImage(res.body, this.opts.maxBytes);
    } catch {
      throw new UnavailableError('The camera sent an image that could not be read.');
    }
    const entry: Entry = {
      freshUntil: Date.now() + keepMs,
      fetchedAt: new Date(),
      full: image.bytes,
      contentType: image.contentType,
      thumb: image.thumb,
    };
    this.cache.delete(src.id);
    this.cache.set(src.id, entry);
    while (this.cache.size > this.opts.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return entry;
  }
}
