/** The topic scheme and the device topic rules. */
import { describe, expect, it } from 'vitest';
import { deviceOfEventsTopic, eventsTopic, mayPublish, maySubscribe } from './topics.js';

const A = '0190f5a0-0000-7000-8000-000000000001';
const B = '0190f5a0-0000-7000-8000-000000000002';

describe('MQTT topics', () => {
  it('names the device of an events topic, and nothing else', () => {
    expect(deviceOfEventsTopic(eventsTopic(A))).toBe(A);
    expect(deviceOfEventsTopic(`cityops/v1/devices/${A}/events/x`)).toBeNull();
    expect(deviceOfEventsTopic(`cityops/v1/devices/${A}/status`)).toBeNull();
    expect(deviceOfEventsTopic('cityops/v1/devices/not-a-uuid/events')).toBeNull();
    expect(deviceOfEventsTopic(`cityops/v1/devices/${A.toUpperCase()}/events`)).toBeNull();
    expect(deviceOfEventsTopic(`cityops/v2/devices/${A}/events`)).toBeNull();
  });

  it('lets a device publish to its own events topic only', () => {
    expect(mayPublish(A, eventsTopic(A))).toBe(true);
    expect(mayPublish(A, eventsTopic(B))).toBe(false);
    expect(mayPublish(A, `cityops/v1/devices/${A}/commands`)).toBe(false);
  });

  it('lets a device subscribe under its own prefix only', () => {
    expect(maySubscribe(A, `cityops/v1/devices/${A}/commands/#`)).toBe(true);
    expect(maySubscribe(A, `cityops/v1/devices/${A}/+`)).toBe(true);
    expect(maySubscribe(A, `cityops/v1/devices/${A}/`)).toBe(false);
    expect(maySubscribe(A, `cityops/v1/devices/${A}`)).toBe(false);
    expect(maySubscribe(A, `cityops/v1/devices/${B}/#`)).toBe(false);
    expect(maySubscribe(A, 'cityops/v1/devices/+/events')).toBe(false);
    expect(maySubscribe(A, '#')).toBe(false);
    expect(maySubscribe(A, `$share/g/cityops/v1/devices/${A}/#`)).toBe(false);
  });
});
