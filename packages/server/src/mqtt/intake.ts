/**
 * One MQTT message on an events topic, through the ingest pipeline (the code
 * HTTP ingest uses), turned into a verdict the broker side acts on: stored, a
 * repeat, or refused with a reason that says whether resending could help.
 */
import { rejectReasonOf, type IngestPipeline, type RejectReason } from '../ingest/index.js';

/** Why a message was refused: the pipeline's reasons, and the MQTT edge's own. */
export type Refusal = RejectReason | 'forbidden_topic' | 'packet_too_large';

export type Verdict =
  | { kind: 'stored' | 'duplicate' }
  | {
      kind: 'refused';
      reason: Refusal;
      /**
       * Whether the same message could be taken later (rate limit, busy store,
       * database failure, shutting down); else it never will be (bad content)
       * or the device may not send (unknown or disabled).
       */
      transient: boolean;
    };

function reasonOf(err: unknown): Refusal {
  const reason = rejectReasonOf(err);
  // The pipeline refuses a device that is unknown or disabled now as unauthorized.
  return reason === 'unauthorized' ? 'unknown_device' : reason;
}

export function isTransient(reason: Refusal): boolean {
  switch (reason) {
    case 'rate_limited':
    case 'busy':
    case 'error':
      return true;
    case 'malformed':
    case 'invalid':
    case 'too_large':
    case 'unknown_device':
    case 'unauthorized':
    case 'forbidden_topic':
    case 'packet_too_large':
      return false;
  }
}

/** Stores a message's events; resolves after COMMIT, or with the refusal. Never rejects. */
export async function takeMessage(
  pipeline: IngestPipeline,
  deviceId: string,
  payload: Buffer,
): Promise<Verdict> {
  try {
    const result = await pipeline.submitPayload(deviceId, payload, 'mqtt');
    return { kind: result.accepted > 0 ? 'stored' : 'duplicate' };
  } catch (err) {
    const reason = reasonOf(err);
    return { kind: 'refused', reason, transient: isTransient(reason) };
  }
}
