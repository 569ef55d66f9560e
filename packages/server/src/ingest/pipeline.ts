/**
 * The ingest pipeline every intake uses (HTTP now, MQTT next): device check,
 * rate limit, validation, then the event writer; it answers only after COMMIT.
 * A refusal is an AppError (401 unknown or disabled device, 400 invalid, 413
 * too large, 429 rate limited, 503 busy), counted in
 * `cityops_ingest_rejected_total{reason}` and logged with the device id.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Counter } from 'prom-client';
import { eventLimits, type EventSource, type IngestResult } from '@cityops/contracts';
import type { Clock } from '../core/clock.js';
import type { Metrics } from '../core/metrics.js';
import { newId } from '../core/ids.js';
import {
  AppError,
  MalformedError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthorizedError,
} from '../core/errors.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { EventWriter } from '../events/writer.js';
import type { NewEvent } from '../events/events.repo.js';
import { TokenBuckets } from './rate-limit.js';
import { eventCount, validateSubmission } from './validate.js';

export type RejectReason =
  | 'malformed'
  | 'invalid'
  | 'too_large'
  | 'unknown_device'
  | 'unauthorized'
  | 'rate_limited'
  | 'busy'
  | 'error';

export class DeviceRateLimitedError extends RateLimitedError {
  constructor(readonly retryAfterSeconds: number) {
    super(`This device sends too fast; try again in ${retryAfterSeconds} s.`);
  }
}

export interface IngestOptions {
  /** Events per second a device may send, sustained. */
  ratePerSecond?: number;
  /** Events a device may send at once. */
  burst?: number;
  /** Largest payload (bytes) of one submission. */
  maxPayloadBytes?: number;
}

export const INGEST_DEFAULTS = {
  ratePerSecond: 50,
  burst: eventLimits.maxBatch,
  maxPayloadBytes: 4 * 1024 * 1024,
} as const;

/** The reason a refusal is counted under, from the error the pipeline refused with. */
export function rejectReasonOf(err: unknown): RejectReason {
  if (!(err instanceof AppError)) return 'error';
  switch (err.problem) {
    case 'malformed':
    case 'unsupported-media-type':
      return 'malformed';
    case 'validation':
      return 'invalid';
    case 'payload-too-large':
      return 'too_large';
    case 'unauthorized':
    case 'forbidden':
      return 'unauthorized';
    case 'rate-limited':
      return 'rate_limited';
    case 'unavailable':
      return 'busy';
    case 'not-found':
    case 'conflict':
    case 'internal':
      return 'error';
  }
}

export class IngestPipeline {
  private readonly limiter: TokenBuckets;
  private readonly rejected: Counter<'reason'>;
  private readonly accepted: Counter<'source' | 'result'>;
  private readonly counted = new WeakSet<object>();
  readonly maxPayloadBytes: number;

  constructor(
    private readonly devices: DevicesService,
    private readonly writer: EventWriter,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
    metrics: Metrics,
    opts: IngestOptions = {},
  ) {
    this.limiter = new TokenBuckets({
      ratePerSecond: opts.ratePerSecond ?? INGEST_DEFAULTS.ratePerSecond,
      burst: opts.burst ?? INGEST_DEFAULTS.burst,
    });
    this.maxPayloadBytes = opts.maxPayloadBytes ?? INGEST_DEFAULTS.maxPayloadBytes;
    this.rejected = metrics.counter({
      name: 'cityops_ingest_rejected_total',
      help: 'Refused ingest submissions by reason',
      labelNames: ['reason'],
    });
    this.accepted = metrics.counter({
      name: 'cityops_ingest_events_total',
      help: 'Events taken in, by source and result (stored or duplicate)',
      labelNames: ['source', 'result'],
    });
  }

  /** A raw payload (an MQTT message body, a request body): size, JSON, then `submit`. */
  async submitPayload(
    deviceId: string,
    payload: Buffer | string,
    source: EventSource,
  ): Promise<IngestResult> {
    const bytes = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
    if (bytes > this.maxPayloadBytes) {
      throw this.refuse(
        deviceId,
        new PayloadTooLargeError(`The payload is ${bytes} bytes; at most ${this.maxPayloadBytes}.`),
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
    } catch (err) {
      throw this.refuse(
        deviceId,
        new MalformedError(`The payload is not valid JSON: ${(err as Error).message}`),
      );
    }
    return this.submit(deviceId, body, source);
  }

  /** One event or an array of them, as parsed JSON. All are stored, or none. */
  async submit(deviceId: string, body: unknown, source: EventSource): Promise<IngestResult> {
    const device = await this.devices.current(deviceId);
    if (!device) {
      throw this.refuse(deviceId, new UnauthorizedError('Unknown or disabled device.'));
    }
    const count = eventCount(body);
    if (count > eventLimits.maxBatch) {
      throw this.refuse(
        deviceId,
        new PayloadTooLargeError(
          `${count} events in one submission; at most ${eventLimits.maxBatch}.`,
        ),
      );
    }
    const waitMs = this.limiter.take(deviceId, count);
    if (waitMs > 0) {
      throw this.refuse(
        deviceId,
        new DeviceRateLimitedError(Math.max(1, Math.ceil(waitMs / 1000))),
      );
    }
    const receivedAt = this.clock.now();
    let valid;
    try {
      valid = validateSubmission(body, { now: receivedAt, assetType: device.assetType });
    } catch (err) {
      throw this.refuse(deviceId, err);
    }
    const events: NewEvent[] = valid.map((v) => ({
      id: newId(),
      deviceId,
      assetId: device.assetId,
      source,
      type: v.type,
      observedAt: v.observedAt,
      receivedAt,
      data: v.data,
      deviceEventId: v.deviceEventId,
    }));
    let outcomes;
    try {
      outcomes = await this.writer.write(events);
    } catch (err) {
      throw this.refuse(deviceId, err);
    }
    this.devices.touch(deviceId);
    let accepted = 0;
    const results = outcomes.map((o, index) => {
      if (o.duplicate) return { index, duplicate: true as const, seq: o.seq };
      accepted++;
      return { index, seq: o.seq, id: o.id };
    });
    if (accepted) this.accepted.inc({ source, result: 'stored' }, accepted);
    if (accepted < results.length) {
      this.accepted.inc({ source, result: 'duplicate' }, results.length - accepted);
    }
    return { accepted, duplicates: results.length - accepted, results };
  }

  /**
   * Counts a refusal the pipeline did not see itself (a bad key, a body over
   * the limit or not JSON at the HTTP edge); `as` is the error as the client sees it.
   */
  countRefusal(err: unknown, as: AppError): void {
    if (typeof err === 'object' && err !== null && this.counted.has(err)) return;
    this.rejected.inc({ reason: rejectReasonOf(as) });
  }

  private refuse(deviceId: string, err: unknown): unknown {
    const reason = rejectReasonOf(err);
    this.rejected.inc({ reason });
    if (typeof err === 'object' && err !== null) this.counted.add(err);
    const detail = err instanceof AppError ? err.detail : String(err);
    if (reason === 'error') this.log.error({ err, deviceId }, 'ingest failed');
    else this.log.warn({ deviceId, reason, detail }, 'ingest refused');
    return err;
  }
}
