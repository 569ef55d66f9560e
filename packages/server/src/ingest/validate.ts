/**
 * Checks what a device sent (one event or an array) before anything is stored:
 * the envelope, the data schema of known types, the asset type's allowed event
 * types, the time and the size. Every problem is named by its path ("3.data.vehicles"
 * in an array, "data.vehicles" for a single event); one bad event refuses the
 * whole submission.
 */
import type { z } from 'zod';
import {
  dataSchemaFor,
  eventLimits,
  eventTypeAllowed,
  ingestEventSchema,
} from '@cityops/contracts';
import {
  AppError,
  PayloadTooLargeError,
  ValidationError,
  type FieldError,
} from '../core/errors.js';

export interface ValidEvent {
  deviceEventId: string | null;
  type: string;
  observedAt: Date;
  data: Record<string, unknown>;
}

const MAX_REPORTED = 20;

function issues(prefix: string, error: z.ZodError): FieldError[] {
  return error.issues.map((i) => {
    let path = [...i.path].map(String);
    let message = i.message;
    if (i.code === 'unrecognized_keys') {
      path = [...path, i.keys[0] ?? ''];
      message = `unknown field${i.keys.length > 1 ? 's' : ''}: ${i.keys.join(', ')}`;
    } else if (message.endsWith('received undefined')) {
      message = 'required';
    }
    return { path: `${prefix}${path.join('.')}`.replace(/\.$/, '') || '(root)', message };
  });
}

/** Whether a JSON value holds a NUL character, which PostgreSQL's jsonb cannot store. */
function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v));
  }
  return false;
}

/** How many events a body holds (for the rate limit, before the full check). */
export function eventCount(body: unknown): number {
  return Array.isArray(body) ? body.length : 1;
}

export function validateSubmission(
  body: unknown,
  ctx: { now: Date; assetType: string | null },
): ValidEvent[] {
  const many = Array.isArray(body);
  const items: unknown[] = many ? body : [body];
  if (items.length === 0) throw ValidationError.field('(root)', 'send at least one event');
  if (items.length > eventLimits.maxBatch) {
    throw new PayloadTooLargeError(
      `${items.length} events in one submission; at most ${eventLimits.maxBatch}.`,
    );
  }
  const errors: FieldError[] = [];
  const tooLarge: FieldError[] = [];
  const valid: ValidEvent[] = [];
  const now = ctx.now.getTime();
  items.forEach((item, index) => {
    if (errors.length >= MAX_REPORTED) return;
    const prefix = many ? `${index}.` : '';
    const envelope = ingestEventSchema.safeParse(item);
    if (!envelope.success) {
      errors.push(...issues(prefix, envelope.error));
      return;
    }
    const e = envelope.data;
    const before = errors.length;
    const schema = dataSchemaFor(e.type);
    const data = schema?.safeParse(e.data);
    if (data && !data.success) errors.push(...issues(`${prefix}data.`, data.error));
    if (!eventTypeAllowed(ctx.assetType, e.type)) {
      errors.push({
        path: `${prefix}type`,
        message: `a ${ctx.assetType} asset does not take ${e.type} events`,
      });
    }
    const observedAt = e.ts ? new Date(e.ts) : ctx.now;
    if (observedAt.getTime() > now + eventLimits.maxFutureMs) {
      errors.push({ path: `${prefix}ts`, message: 'more than 5 minutes in the future' });
    } else if (observedAt.getTime() < now - eventLimits.maxAgeMs) {
      errors.push({ path: `${prefix}ts`, message: 'more than 7 days old' });
    }
    if (hasNul(e.data) || (e.id !== undefined && hasNul(e.id))) {
      errors.push({ path: `${prefix}data`, message: 'must not contain the character U+0000' });
    }
    const bytes = Buffer.byteLength(JSON.stringify(e.data));
    if (bytes > eventLimits.maxDataBytes) {
      tooLarge.push({
        path: `${prefix}data`,
        message: `${bytes} bytes; at most ${eventLimits.maxDataBytes}`,
      });
    }
    if (errors.length === before) {
      valid.push({ deviceEventId: e.id ?? null, type: e.type, observedAt, data: e.data });
    }
  });
  if (tooLarge.length > 0) {
    throw new AppError(
      'payload-too-large',
      413,
      'Payload too large',
      `Event data is larger than allowed: ${tooLarge.map((t) => `${t.path}: ${t.message}`).join('; ')}`,
      tooLarge,
    );
  }
  if (errors.length > 0) {
    const shown = errors.slice(0, MAX_REPORTED);
    throw new ValidationError(
      shown,
      `Nothing was stored: ${shown.map((x) => `${x.path}: ${x.message}`).join('; ')}`,
    );
  }
  return valid;
}
