/**
 * The simulator's generators as pure functions of the seed and a fake clock:
 * local time in Việt Nam, the traffic curve and counts, PM2.5, temperature
 * and water levels through the seasons, the rates of outages and test alarms,
 * the event rate of the whole demo city, and what one slot of a device sends.
 */
import { describe, expect, it } from 'vitest';
import type { Asset } from '@cityops/contracts';
import { buildDemoCity } from '../../src/demo/city.js';
import { gaugeOf } from '../../src/demo/water.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, localTime } from '../../src/simulator/time.js';
import { expectedVehicles, trafficCount, trafficFactor } from '../../src/simulator/traffic.js';
import { envReading, waterLevelAt } from '../../src/simulator/environment.js';
import { recentRain, temperatureAt } from '../../src/simulator/weather.js';
import { episodeInHour, startsBetween, type Episode } from '../../src/simulator/incidents.js';
import {
  planDevice,
  regularEventsPerSecond,
  worldOf,
  type SimDevice,
} from '../../src/simulator/plan.js';
import { slotEvents, type OutEvent } from '../../src/simulator/behaviour.js';
import { settingsOf } from '../../src/simulator/settings.js';
import { shippedDemoInput } from '../demo/fixture.js';

const TZ = 'Asia/Ho_Chi_Minh';
const SEED = 'test-seed';
/** A local (UTC+7) wall-clock time as UTC milliseconds. */
const vn = (iso: string) => Date.parse(`${iso}+07:00`);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Every hour of a local month (2025), with its local time. */
function hoursOf(
  month: number,
  hour?: number,
): Array<{ t: number; local: ReturnType<typeof localTime> }> {
  const out = [];
  const start = vn(`2025-${String(month).padStart(2, '0')}-01T00:00:00`);
  for (let t = start; localTime(t, TZ).month === month; t += HOUR_MS) {
    const local = localTime(t, TZ);
    if (hour === undefined || Math.floor(local.hour) === hour) out.push({ t, local });
  }
  return out;
}

function demoPlan(): SimDevice[] {
  const settings = settingsOf({});
  const city = buildDemoCity(shippedDemoInput());
  return city.assets.flatMap(({ asset }, i) => {
    if (asset.status === 'offline') return [];
    const a = { ...asset, id: `asset-${i}`, properties: asset.properties } as Pick<
      Asset,
      'id' | 'code' | 'type' | 'properties'
    >;
    const d = planDevice(a, `device-${i}`, settings);
    return d ? [d] : [];
  });
}

describe('local time', () => {
  it('is Việt Nam wall-clock time (UTC+7, no summer time)', () => {
    const l = localTime(Date.parse('2025-01-15T00:30:00Z'), TZ);
    expect(l.hour).toBeCloseTo(7.5);
    expect(l.weekday).toBe(3);
    expect(l.month).toBe(1);
    expect(l.offsetMs).toBe(7 * HOUR_MS);
    expect(localTime(Date.parse('2025-07-01T16:59:59Z'), TZ)).toMatchObject({
      month: 7,
      weekday: 2,
    });
    expect(localTime(Date.parse('2025-07-01T17:00:00Z'), TZ)).toMatchObject({
      hour: 0,
      weekday: 3,
    });
  });
});

describe('traffic', () => {
  const wednesday = (hhmm: string) => localTime(vn(`2025-01-15T${hhmm}:00`), TZ);
  const sunday = (hhmm: string) => localTime(vn(`2025-01-19T${hhmm}:00`), TZ);

  it('peaks at 7–8 and 17–18 on working days and is quiet at night', () => {
    const f = (hhmm: string) => trafficFactor(wednesday(hhmm));
    expect(f('07:30')).toBe(1);
    expect(f('17:30')).toBe(1);
    for (const h of ['07:00', '08:00', '17:00', '18:00']) expect(f(h)).toBeGreaterThan(0.9);
    for (const h of ['10:00', '12:00', '14:00', '20:00']) expect(f(h)).toBeLessThan(0.75);
    for (const h of ['00:00', '02:00', '03:30', '04:30']) expect(f(h)).toBeLessThan(0.1);
    // The weekend has no school or office rush.
    expect(trafficFactor(sunday('07:30'))).toBeLessThan(0.6);
    expect(trafficFactor(sunday('03:00'))).toBeLessThan(0.1);
  });

  it('counts scatter around the curve; speeds drop at the peak', () => {
    const counts = (hhmm: string) =>
      Array.from({ length: 400 }, (_, k) =>
        trafficCount(SEED, `SIG-TN-001:${hhmm}:${k}`, 3, wednesday(hhmm), 60),
      );
    const peak = counts('07:30');
    const night = counts('03:00');
    const expected = expectedVehicles(3, wednesday('07:30'), 60);
    expect(expected).toBe(72);
    expect(mean(peak.map((c) => c.vehicles))).toBeGreaterThan(expected * 0.95);
    expect(mean(peak.map((c) => c.vehicles))).toBeLessThan(expected * 1.05);
    expect(mean(night.map((c) => c.vehicles))).toBeLessThan(expected * 0.1);
    expect(new Set(peak.map((c) => c.vehicles)).size).toBeGreaterThan(10);
    expect(mean(peak.map((c) => c.speedAvg))).toBeLessThan(mean(night.map((c) => c.speedAvg)) - 15);
    expect(peak.every((c) => c.intervalSeconds === 60 && c.vehicles >= 0)).toBe(true);
  });
});

describe('environment', () => {
  const air = { code: 'SEN-TN-005', kind: 'air_quality' as const };
  const pm = (month: number, hour?: number) =>
    hoursOf(month, hour).map(
      ({ t, local }) => envReading(SEED, air, `${t}`, t, local, 300).pm25 as number,
    );

  it('PM2.5 is worst on winter evenings, clean on summer afternoons, sometimes over 55', () => {
    expect(mean(pm(1, 19))).toBeGreaterThan(mean(pm(1, 14)) * 1.4);
    expect(mean(pm(1, 8))).toBeGreaterThan(mean(pm(1, 14)) * 1.3);
    expect(mean(pm(1))).toBeGreaterThan(mean(pm(7)) * 2);
    const january = pm(1);
    const over = january.filter((v) => v > 55).length / january.length;
    expect(over).toBeGreaterThan(0.05);
    expect(over).toBeLessThan(0.5);
    expect(pm(7).filter((v) => v > 55).length / pm(7).length).toBeLessThan(0.05);
  });

  it('temperature follows the seasons of Thái Nguyên and the hour', () => {
    const temps = (month: number, hour?: number) =>
      hoursOf(month, hour).map(({ local }) => temperatureAt(SEED, local, 0).temperature);
    expect(mean(temps(1))).toBeGreaterThan(13);
    expect(mean(temps(1))).toBeLessThan(19);
    expect(mean(temps(7))).toBeGreaterThan(27);
    expect(mean(temps(7))).toBeLessThan(31);
    expect(mean(temps(7, 14))).toBeGreaterThan(mean(temps(7, 3)) + 5);
    const reading = envReading(
      SEED,
      air,
      'x',
      vn('2025-07-10T14:00:00'),
      localTime(vn('2025-07-10T14:00:00'), TZ),
      300,
    );
    for (const field of ['pm25', 'pm10', 'no2', 'o3', 'temperature', 'humidity', 'rainfall']) {
      expect(typeof reading[field], field).toBe('number');
    }
    expect(reading.humidity).toBeLessThanOrEqual(100);
  });

  it('water rises after rain episodes: streets flood now and then, rivers some hours later', () => {
    const street = gaugeOf({ kind: 'water_level', flooding: true })!;
    const river = gaugeOf({ kind: 'water_level', water: 'Sông Cầu' })!;
    let streetFlooded = 0;
    let riverAbove = 0;
    let wetHours = 0;
    const start = vn('2025-01-01T00:00:00');
    for (let t = start; t < start + 365 * DAY_MS; t += HOUR_MS) {
      const local = localTime(t, TZ);
      const rain = recentRain(SEED, t, local, 7);
      const s = waterLevelAt(street, t, local, rain);
      const r = waterLevelAt(river, t, local, rain);
      if (s > 0) wetHours++;
      if (s > street.mark) streetFlooded++;
      if (r > river.mark) riverAbove++;
      expect(r).toBeGreaterThan(river.dry - 0.01);
    }
    // Now and then, not always: a few dozen hours a year over the marks.
    expect(wetHours).toBeGreaterThan(100);
    expect(streetFlooded).toBeGreaterThan(3);
    expect(streetFlooded).toBeLessThan(200);
    expect(riverAbove).toBeGreaterThan(0);
    expect(riverAbove).toBeLessThan(200);
  });
});

describe('rare events', () => {
  const settings = settingsOf({});
  const plan = demoPlan();
  const world = worldOf(plan, settings, TZ);
  const cameras = plan.filter((d) => d.kind === 'camera');
  const panels = plan.filter((d) => d.kind === 'fire_panel');

  it('the whole demo city sends about 8 events per second at the default settings', () => {
    expect(cameras.length).toBeGreaterThan(380);
    expect(panels.length).toBeGreaterThan(50);
    const rate = regularEventsPerSecond(plan);
    expect(rate).toBeGreaterThan(7);
    expect(rate).toBeLessThan(9);
  });

  it('a few cameras go silent for 5–20 minutes, about 6 outages an hour across the city', () => {
    const hours = 7 * 24;
    const base = Math.floor(vn('2025-03-03T00:00:00') / HOUR_MS);
    const outages = cameras
      .flatMap((c) =>
        Array.from({ length: hours }, (_, h) =>
          episodeInHour(SEED, world.outage, c.code, base + h),
        ),
      )
      .filter((e) => e !== undefined);
    expect(outages.length / hours).toBeGreaterThan(5);
    expect(outages.length / hours).toBeLessThan(7);
    for (const e of outages) {
      expect(e.end - e.start).toBeGreaterThanOrEqual(5 * MINUTE_MS);
      expect(e.end - e.start).toBeLessThanOrEqual(20 * MINUTE_MS);
    }
  });

  it('fire panels test about 8 times a day across the city; real alarms only when asked for', () => {
    const from = vn('2025-03-01T00:00:00');
    const to = from + 30 * DAY_MS;
    const tests = panels.flatMap((p) => startsBetween(SEED, world.fireTest, p.code, from, to));
    expect(tests.length / 30).toBeGreaterThan(6);
    expect(tests.length / 30).toBeLessThan(10);
    expect(panels.flatMap((p) => startsBetween(SEED, world.fireAlarm, p.code, from, to))).toEqual(
      [],
    );
    const alarming = worldOf(plan, settingsOf({ fireAlarmsPerDay: 2 }), TZ);
    const real = panels.flatMap((p) => startsBetween(SEED, alarming.fireAlarm, p.code, from, to));
    expect(real.length).toBeGreaterThan(30);
  });
});

describe('a device slot', () => {
  const settings = settingsOf({ seed: SEED, cameraOutagesPerHour: 409 });
  const plan = demoPlan();
  const world = worldOf(plan, settings, TZ);
  const camera = plan.find((d) => d.kind === 'camera')!;

  it('is the same every time it is computed, and differs with the seed', () => {
    const slot = camera.phaseMs + 1000 * camera.everyMs;
    expect(slotEvents(camera, slot, world, 0)).toEqual(slotEvents(camera, slot, world, 0));
    const other = worldOf(plan, settingsOf({ seed: 'another' }), TZ);
    const signal = plan.find((d) => d.kind === 'signal')!;
    const at = vn('2025-01-15T07:30:00');
    expect(slotEvents(signal, at, world, 0)).not.toEqual(slotEvents(signal, at, other, 0));
  });

  it('a camera sends nothing while out, then says it is back; event ids are unique per device', () => {
    const base = Math.floor(vn('2025-03-03T00:00:00') / HOUR_MS);
    let outage: Episode | undefined;
    for (let h = base; !outage; h++) outage = episodeInHour(SEED, world.outage, camera.code, h);
    const slots: number[] = [];
    for (
      let t = outage.start - 10 * MINUTE_MS;
      t < outage.end + 10 * MINUTE_MS;
      t += camera.everyMs
    ) {
      slots.push(
        Math.ceil((t - camera.phaseMs) / camera.everyMs) * camera.everyMs + camera.phaseMs,
      );
    }
    const outcomes = slots.map((s) => ({ s, ...slotEvents(camera, s, world, 0) }));
    const during = outcomes.filter((o) => o.s >= outage.start && o.s < outage.end);
    expect(during.length).toBeGreaterThan(3);
    expect(during.every((o) => !o.online && o.events.length === 0)).toBe(true);
    const back = outcomes.find((o) => o.s >= outage.end)!;
    expect(back.events[0]).toMatchObject({ type: 'status', qos: 1, id: `st-up-${outage.start}` });
    const events: OutEvent[] = outcomes.flatMap((o) => o.events);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.filter((e) => e.type === 'heartbeat').every((e) => e.qos === 0)).toBe(true);
  });

  it('a fire panel sends its test alarm (test: true, QoS 1) before its heartbeat', () => {
    const panel = plan.find((d) => d.kind === 'fire_panel')!;
    const busy = worldOf(plan, settingsOf({ seed: SEED, fireTestsPerDay: 24 * 1000 }), TZ);
    const from = vn('2025-03-03T00:00:00');
    const [at] = startsBetween(SEED, busy.fireTest, panel.code, from, from + 6 * HOUR_MS);
    const slot = Math.ceil((at! - panel.phaseMs) / panel.everyMs) * panel.everyMs + panel.phaseMs;
    const { events } = slotEvents(panel, slot, busy, 0);
    expect(events.map((e) => e.type)).toEqual(['fire.alarm', 'heartbeat']);
    expect(events[0]).toMatchObject({
      qos: 1,
      ts: new Date(at!).toISOString(),
      data: { test: true },
    });
  });
});
