/**
 * What a simulated device says at one of its regular moments ("slots"): its
 * events, and whether it is reachable at all. Pure: the events of a slot
 * follow from the device, the slot's time and the seed, so a slot retried
 * gives the same events with the same ids (stored once).
 *
 * - camera: `heartbeat`; nothing while out (it also drops its connection);
 *   `status` online when back, `status` degraded / online around a spell of
 *   poor picture;
 * - ANPR camera and signal controller: `traffic.count` of the period;
 * - fire panel: `heartbeat`, after any `fire.alarm` (test, or real when
 *   configured) that went off since its previous slot;
 * - sensor: `env.reading` of the period.
 */
import { envReading } from './environment.js';
import { episodeAt, fireAlarmData, startsBetween, type Episode } from './incidents.js';
import type { SimDevice, World } from './plan.js';
import { trafficCount } from './traffic.js';
import { draw, localTime } from './time.js';

export interface OutEvent {
  /** The device's own event id: unique per device, the same when the slot is retried. */
  id: string;
  type: string;
  ts: string;
  data: Record<string, unknown>;
  /** 0 for routine readings, 1 for what must not be lost (alarms, status changes). */
  qos: 0 | 1;
}

export interface SlotOutcome {
  /** False while the device is out: it sends nothing and holds no connection. */
  online: boolean;
  events: OutEvent[];
}

const DEGRADED_REASONS = [
  'Mất tín hiệu luồng phụ / Sub-stream lost',
  'Hình ảnh mờ do sương, bụi bám ống kính / Blurred picture: fog or dust on the lens',
  'Tốc độ khung hình thấp / Low frame rate',
  'Mạng chập chờn, mất gói / Unstable network, packet loss',
];

/** Which slot of its period a time is (slots are `phase + k × every`). */
export function slotIndex(d: Pick<SimDevice, 'everyMs' | 'phaseMs'>, slot: number): number {
  return Math.round((slot - d.phaseMs) / d.everyMs);
}

/** The first slot of a device at or after `t`. */
export function firstSlotFrom(d: Pick<SimDevice, 'everyMs' | 'phaseMs'>, t: number): number {
  return Math.ceil((t - d.phaseMs) / d.everyMs) * d.everyMs + d.phaseMs;
}

function event(id: string, type: string, at: number, data: Record<string, unknown>, qos: 0 | 1) {
  return { id, type, ts: new Date(at).toISOString(), data, qos };
}

function cameraSlot(d: SimDevice, slot: number, w: World, upSince: number): SlotOutcome {
  if (episodeAt(w.seed, w.outage, d.code, slot)) return { online: false, events: [] };
  const events: OutEvent[] = [];
  const before = slot - d.everyMs;
  const outage = episodeAt(w.seed, w.outage, d.code, before);
  const degraded = episodeAt(w.seed, w.degraded, d.code, slot);
  const wasDegraded = episodeAt(w.seed, w.degraded, d.code, before);
  const status = (id: string, data: Record<string, unknown>) =>
    events.push(event(id, 'status', slot, data, 1));
  const degradedReason = (e: Episode) =>
    draw(w.seed, 'degraded-reason', d.code, e.start).pick(DEGRADED_REASONS);
  if (outage) {
    // Back: it says how it is now, whatever changed while it was away.
    const minutes = Math.max(1, Math.round((slot - outage.start) / 60_000));
    const back = `Kết nối lại sau khoảng ${minutes} phút / Back after about ${minutes} min`;
    status(
      `st-up-${outage.start}`,
      degraded
        ? { status: 'degraded', reason: `${back}; ${degradedReason(degraded)}` }
        : { status: 'online', reason: back },
    );
  } else if (degraded && degraded.start !== wasDegraded?.start) {
    status(`st-dg-${degraded.start}`, { status: 'degraded', reason: degradedReason(degraded) });
  } else if (!degraded && wasDegraded) {
    status(`st-ok-${wasDegraded.start}`, {
      status: 'online',
      reason: 'Hình ảnh trở lại bình thường / Picture back to normal',
    });
  }
  const rng = draw(w.seed, 'camera', d.code, slot);
  const heartbeat = {
    uptimeSeconds: Math.max(0, Math.round((slot - upSince) / 1000)),
    fps: degraded ? 8 + Math.floor(rng.next() * 6) : 25,
    bitrateKbps: Math.round((degraded ? 900 : 4096) * (0.9 + 0.2 * rng.next())),
  };
  events.push(
    event(`hb${d.everyMs / 1000}-${slotIndex(d, slot)}`, 'heartbeat', slot, heartbeat, 0),
  );
  return { online: true, events };
}

function firePanelSlot(d: SimDevice, slot: number, w: World, upSince: number): SlotOutcome {
  const from = slot - d.everyMs;
  const alarms = [
    ...startsBetween(w.seed, w.fireTest, d.code, from, slot).map((at) => ({ at, test: true })),
    ...startsBetween(w.seed, w.fireAlarm, d.code, from, slot).map((at) => ({ at, test: false })),
  ].sort((a, b) => a.at - b.at);
  const events: OutEvent[] = alarms.map(({ at, test }) => {
    const data = fireAlarmData(w.seed, d.code, at, d.zones, test);
    return event(`${test ? 'ft' : 'fa'}-${at}`, 'fire.alarm', at, data, 1);
  });
  const heartbeat = {
    uptimeSeconds: Math.max(0, Math.round((slot - upSince) / 1000)),
    zones: d.zones,
    mainsPower: true,
    battery: 100,
  };
  events.push(
    event(`hb${d.everyMs / 1000}-${slotIndex(d, slot)}`, 'heartbeat', slot, heartbeat, 0),
  );
  return { online: true, events };
}

/** The events of a device at one of its slots; `upSince`: when its connection last came up. */
export function slotEvents(d: SimDevice, slot: number, w: World, upSince: number): SlotOutcome {
  const seconds = d.everyMs / 1000;
  const key = `${d.code}:${slotIndex(d, slot)}`;
  switch (d.kind) {
    case 'camera':
      return cameraSlot(d, slot, w, upSince);
    case 'fire_panel':
      return firePanelSlot(d, slot, w, upSince);
    case 'anpr':
    case 'signal': {
      const local = localTime(slot, w.timeZone);
      const data = trafficCount(w.seed, key, d.lanes, local, seconds);
      return {
        online: true,
        events: [event(`tc${seconds}-${slotIndex(d, slot)}`, 'traffic.count', slot, data, 0)],
      };
    }
    case 'air_quality':
    case 'water_level':
    case 'water_quality': {
      const local = localTime(slot, w.timeZone);
      const data = envReading(w.seed, d.sensor!, key, slot, local, seconds);
      return {
        online: true,
        events: [event(`env${seconds}-${slotIndex(d, slot)}`, 'env.reading', slot, data, 0)],
      };
    }
  }
}
