/** The packet size check: MQTT framing followed across chunk boundaries. */
import { describe, expect, it } from 'vitest';
import { FrameScanner, PacketTooLargeError } from './frame-guard.js';

/** A QoS 1 PUBLISH to topic "t": fixed header, remaining length, topic, packet id, payload. */
function publish(bytes: number): Buffer {
  const body = Buffer.concat([Buffer.from([0, 1, 0x74, 0, 7]), Buffer.alloc(bytes, 1)]);
  const length: number[] = [];
  let n = body.length;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    length.push(b);
  } while (n > 0);
  return Buffer.concat([Buffer.from([0x32, ...length]), body]);
}

function scanIn(scanner: FrameScanner, data: Buffer, chunk: number): void {
  for (let i = 0; i < data.length; i += chunk) scanner.scan(data.subarray(i, i + chunk));
}

describe('FrameScanner', () => {
  it('lets packets up to the limit through, whatever the chunking', () => {
    const data = Buffer.concat([publish(10), publish(300), publish(1000 - 8), publish(0)]);
    for (const chunk of [1, 2, 3, 7, 64, data.length]) {
      expect(() => scanIn(new FrameScanner(1000), data, chunk)).not.toThrow();
    }
  });

  it('throws at the header of a packet over the limit, before its body arrives', () => {
    const big = publish(5000);
    const scanner = new FrameScanner(1000);
    scanner.scan(publish(10));
    expect(() => scanner.scan(big.subarray(0, 4))).toThrow(PacketTooLargeError);
  });

  it('reports the announced size', () => {
    try {
      new FrameScanner(100).scan(publish(200_000));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PacketTooLargeError);
      expect((err as PacketTooLargeError).size).toBeGreaterThan(200_000);
    }
  });
});
