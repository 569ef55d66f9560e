/**
 * The console's pure live logic, without a browser: the SSE parser (fields,
 * comments, line endings, frames split anywhere), the live status of an
 * asset as events and alerts arrive, and the feed's filters.
 */
import { describe, expect, it } from 'vitest';
import type { AlertMessage, StoredEvent } from '@cityops/contracts';
import { SseParser, type SseMessage } from '../../../web/console/live/sse.js';
import {
  alertOf,
  dataSummary,
  feedMatches,
  isNewCritical,
  nextAssetLive,
  noFilter,
  shownStatus,
  type AssetLive,
} from '../../../web/console/live/live-items.js';

let seq = 0;
const event = (over: Partial<StoredEvent> = {}): StoredEvent => ({
  seq: ++seq,
  id: '0190f5a0-0000-7000-8000-000000000001',
  type: 'heartbeat',
  source: 'mqtt',
  assetId: '0190f5a0-0000-7000-8000-0000000000aa',
  deviceId: '0190f5a0-0000-7000-8000-0000000000dd',
  deviceEventId: null,
  observedAt: '2026-11-25T08:00:00.000Z',
  receivedAt: '2026-11-25T08:00:00.000Z',
  data: {},
  adminUnit: '05443',
  agencyCode: null,
  assetType: 'sensor',
  ...over,
});

const alertEvent = (a: Partial<AlertMessage>): StoredEvent => {
  const message: AlertMessage = {
    id: '0190f5a0-0000-7000-8000-00000000a001',
    ruleId: '0190f5a0-0000-7000-8000-00000000r001',
    assetId: '0190f5a0-0000-7000-8000-0000000000aa',
    status: 'open',
    severity: 'critical',
    title: 'Báo cháy',
    adminUnit: '05443',
    agencyCode: null,
    change: 'opened',
    at: '2026-11-25T08:00:00.000Z',
    escalationLevel: 0,
    ...a,
  };
  return event({
    type: `alert.${message.change}`,
    source: 'rule',
    deviceId: null,
    data: message,
  });
};

describe('the SSE parser', () => {
  it('reads ids, kinds, multi-line data and comments, across any split of the bytes', () => {
    const stream =
      'retry: 3000\n\n: connected\n\nid: 7\nevent: event\ndata: {"a":1}\n\n' +
      ': ping\r\n\r\nid: 8\r\nevent: alert\r\ndata: line 1\r\ndata: line 2\r\n\r\n' +
      'data: no id or kind\rdata:x\r\r\n';
    const expected: SseMessage[] = [
      { id: '7', event: 'event', data: '{"a":1}' },
      { id: '8', event: 'alert', data: 'line 1\nline 2' },
      { id: '8', event: 'message', data: 'no id or kind\nx' },
    ];
    for (let cut = 0; cut < stream.length; cut++) {
      const comments: string[] = [];
      const parser = new SseParser((c) => comments.push(c));
      const got = [...parser.push(stream.slice(0, cut)), ...parser.push(stream.slice(cut))];
      expect(got, `cut at ${cut}`).toEqual(expected);
      expect(comments).toEqual(['connected', 'ping']);
    }
  });

  it('sends nothing for a frame without data and waits for the blank line', () => {
    const parser = new SseParser();
    expect(parser.push('event: event\n\nid: 3\ndata: x\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ id: '3', event: 'message', data: 'x' }]);
  });
});

describe('the live status of an asset', () => {
  const start: AssetLive = { base: 'offline', alarms: [], lastEventAt: null, lastEventType: null };

  it('comes back online with any device event, and takes what a status event says', () => {
    const alive = nextAssetLive(start, event({ type: 'env.reading' }));
    expect(shownStatus(alive)).toBe('online');
    expect(alive.lastEventType).toBe('env.reading');
    const fault = nextAssetLive(alive, event({ type: 'status', data: { status: 'fault' } }));
    expect(shownStatus(fault)).toBe('degraded');
    const down = nextAssetLive(fault, event({ type: 'status', data: { status: 'offline' } }));
    expect(shownStatus(down)).toBe('offline');
    // A heartbeat does not override what the device itself reported, unless it was offline.
    const maintenance = nextAssetLive(
      { ...start, base: 'maintenance' },
      event({ type: 'heartbeat' }),
    );
    expect(shownStatus(maintenance)).toBe('maintenance');
  });

  it('is in alarm while a warning or critical alert on it is unresolved', () => {
    const opened = nextAssetLive(start, alertEvent({}));
    expect(shownStatus(opened)).toBe('alarm');
    const acknowledged = nextAssetLive(
      opened,
      alertEvent({ status: 'acknowledged', change: 'acknowledged' }),
    );
    expect(shownStatus(acknowledged)).toBe('alarm');
    const resolved = nextAssetLive(
      acknowledged,
      alertEvent({ status: 'resolved', change: 'resolved' }),
    );
    expect(shownStatus(resolved)).toBe('offline');
    const info = nextAssetLive(start, alertEvent({ severity: 'info' }));
    expect(shownStatus(info)).toBe('offline');
  });
});

describe('alert changes and the feed', () => {
  it('reads the alert of an alert event and tells a new critical one', () => {
    const opened = alertOf(alertEvent({}))!;
    expect(opened.title).toBe('Báo cháy');
    expect(isNewCritical(opened)).toBe(true);
    expect(isNewCritical(alertOf(alertEvent({ change: 'acknowledged' }))!)).toBe(false);
    expect(isNewCritical(alertOf(alertEvent({ severity: 'warning' }))!)).toBe(false);
    expect(alertOf(event())).toBeNull();
  });

  it('filters by kind, type or family, unit and least severity', () => {
    const reading = event({ type: 'env.reading' });
    const warning = alertEvent({ severity: 'warning' });
    const critical = alertEvent({});
    const f = (patch: Partial<typeof noFilter>) => ({ ...noFilter, ...patch });
    expect([reading, warning, critical].map((e) => feedMatches(noFilter, e))).toEqual([
      true,
      true,
      true,
    ]);
    expect(feedMatches(f({ kind: 'events' }), warning)).toBe(false);
    expect(feedMatches(f({ kind: 'alerts' }), reading)).toBe(false);
    expect(feedMatches(f({ type: 'env.*' }), reading)).toBe(true);
    expect(feedMatches(f({ type: 'env.*' }), critical)).toBe(false);
    expect(feedMatches(f({ unit: '05443' }), reading)).toBe(true);
    expect(feedMatches(f({ unit: '00001' }), reading)).toBe(false);
    expect(feedMatches(f({ severity: 'warning' }), warning)).toBe(true);
    expect(feedMatches(f({ severity: 'critical' }), warning)).toBe(false);
    expect(feedMatches(f({ severity: 'critical' }), reading)).toBe(false);
  });

  it('summarises an event’s data with its first readings', () => {
    expect(
      dataSummary({ sentAt: 1, pm25: 12.345, note: 'ok', nested: { a: 1 }, ok: true, more: 2 }),
    ).toEqual([
      ['pm25', '12.35'],
      ['note', 'ok'],
      ['ok', '✓'],
    ]);
  });
});
