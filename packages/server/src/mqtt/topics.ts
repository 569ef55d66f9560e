/**
 * The MQTT topic scheme of CONTRACT.md and the access rules built on it: a
 * device publishes events to `cityops/v1/devices/{its id}/events` and may
 * subscribe only under `cityops/v1/devices/{its id}/` (commands, later).
 */

export const TOPIC_ROOT = 'cityops/v1/devices';

/** Device ids are lowercase UUIDs (core/ids.ts); anything else names no device. */
const DEVICE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isDeviceId(value: string): boolean {
  return DEVICE_ID.test(value);
}

export function eventsTopic(deviceId: string): string {
  return `${TOPIC_ROOT}/${deviceId}/events`;
}

/** The filter CityOps processes share on an external broker (each message goes to one of them). */
export function sharedEventsFilter(group: string): string {
  return `$share/${group}/${TOPIC_ROOT}/+/events`;
}

/** The device an events topic belongs to, or null when the topic is not one (or names no device). */
export function deviceOfEventsTopic(topic: string): string | null {
  const parts = topic.split('/');
  if (parts.length !== 5 || parts[4] !== 'events') return null;
  if (`${parts[0]}/${parts[1]}/${parts[2]}` !== TOPIC_ROOT) return null;
  const id = parts[3]!;
  return isDeviceId(id) ? id : null;
}

export function isEventsTopic(topic: string): boolean {
  return topic.startsWith(`${TOPIC_ROOT}/`) && topic.endsWith('/events');
}

/** Whether a device may publish to a topic: its own events topic only. */
export function mayPublish(deviceId: string, topic: string): boolean {
  return topic === eventsTopic(deviceId);
}

/** Whether a device may subscribe to a filter: only under its own prefix (wildcards after it). */
export function maySubscribe(deviceId: string, filter: string): boolean {
  const prefix = `${TOPIC_ROOT}/${deviceId}/`;
  return filter.startsWith(prefix) && filter.length > prefix.length;
}
