/**
 * A bare MQTT subscriber in its own process, for the raw broker figure: one
 * mqtt.js connection subscribed to a filter, counting what it receives
 * (QoS 1: mqtt.js answers each PUBLISH with its PUBACK).
 *
 * Commands: `connect` (url, filter, QoS), `stats`, `exit`.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { cpuSeconds, onCommands, tell, type Command } from './child.js';
import type { SubConfig, SubStats } from './load-types.js';

let client: MqttClient | undefined;
let received = 0;

onCommands({
  async connect(m: Command) {
    const config = m.config as SubConfig;
    client = await mqtt.connectAsync(config.url, {
      protocolVersion: config.protocolVersion ?? 4,
      clientId: `bench-sub-${process.pid}`,
      clean: true,
      reconnectPeriod: 0,
    });
    client.on('message', () => received++);
    await client.subscribeAsync(config.filter, { qos: config.qos });
    tell({ type: 'connected' });
  },
  stats() {
    const s: SubStats = { type: 'stats', received, cpuSeconds: cpuSeconds(), at: Date.now() };
    tell(s);
  },
  async exit() {
    await client?.endAsync(true).catch(() => undefined);
  },
});
