/**
 * A connection wrapper that caps the size of MQTT packets a client may send.
 * Aedes' parser buffers a whole packet (up to 256 MB by the protocol) before
 * anyone sees it; this reads only each packet's fixed header as the bytes
 * pass and closes the connection as soon as a packet announces more than the
 * limit, before its body is buffered. MQTT 3.1.1 has no way to tell the
 * client why, so the connection is simply closed.
 */
import { Duplex } from 'node:stream';

export class PacketTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`an MQTT packet of ${size} bytes; at most ${limit}`);
  }
}

/** Follows MQTT framing (fixed header, remaining length, body) across chunks. */
export class FrameScanner {
  private state: 'header' | 'length' | 'body' = 'header';
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private remaining = 0;

  constructor(private readonly limit: number) {}

  /** Throws PacketTooLargeError when a packet in the chunk is over the limit. */
  scan(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'header') {
        i += 1;
        this.state = 'length';
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
      } else if (this.state === 'length') {
        const b = chunk[i++]!;
        this.length += (b & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        this.lengthBytes += 1;
        if (b & 0x80) {
          // More than 4 length bytes is not MQTT; the parser reports it.
          if (this.lengthBytes >= 4) throw new PacketTooLargeError(this.length, this.limit);
          continue;
        }
        if (this.length > this.limit) throw new PacketTooLargeError(this.length, this.limit);
        this.remaining = this.length;
        this.state = this.remaining > 0 ? 'body' : 'header';
      } else {
        const skip = Math.min(this.remaining, chunk.length - i);
        i += skip;
        this.remaining -= skip;
        if (this.remaining === 0) this.state = 'header';
      }
    }
  }
}

export interface Transport extends Duplex {
  setNoDelay?(noDelay?: boolean): unknown;
}

/**
 * The duplex aedes reads and writes: bytes from the transport after the size
 * check, writes straight to it. `onTooLarge` runs before the connection closes.
 */
export class GuardedConnection extends Duplex {
  private readonly scanner: FrameScanner;

  constructor(
    private readonly transport: Transport,
    limit: number,
    onTooLarge: (err: PacketTooLargeError) => void,
  ) {
    super({ allowHalfOpen: false });
    this.scanner = new FrameScanner(limit);
    transport.on('data', (chunk: Buffer) => {
      try {
        this.scanner.scan(chunk);
      } catch (err) {
        if (err instanceof PacketTooLargeError) onTooLarge(err);
        this.destroy(err as Error);
        return;
      }
      if (!this.push(chunk)) transport.pause();
    });
    transport.on('end', () => this.push(null));
    transport.on('error', (err) => this.destroy(err));
    transport.on('close', () => this.destroy());
  }

  override _read(): void {
    this.transport.resume();
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (err?: Error | null) => void,
  ) {
    this.transport.write(chunk, callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (err?: Error | null) => void): void {
    this.transport.cork();
    for (let i = 0; i < chunks.length - 1; i++) this.transport.write(chunks[i]!.chunk);
    this.transport.write(chunks[chunks.length - 1]!.chunk, callback);
    this.transport.uncork();
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.transport.end(callback);
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.transport.destroy(err ?? undefined);
    callback(err);
  }
}
