/**
 * A Server-Sent Events reader over fetch(): unlike EventSource it sends the
 * bearer token in a header and lets the caller decide when and how to
 * reconnect (with Last-Event-ID). The parser follows the WHATWG rules for
 * fields, comments and line endings.
 */

export interface SseMessage {
  /** The last `id:` seen so far in the stream (EventSource's lastEventId). */
  id: string | null;
  event: string;
  data: string;
}

export interface SseHandlers {
  /** Messages complete in the bytes just read, in order. */
  onMessages: (messages: SseMessage[]) => void;
  /** A comment line (`: ping`, `: connected`). */
  onComment?: (text: string) => void;
  /** Called on every chunk received: the connection is alive. */
  onActivity?: () => void;
}

/** Parses an SSE byte stream incrementally; push() answers the messages each chunk completes. */
export class SseParser {
  private buffer = '';
  private lastId: string | null = null;
  private event = '';
  private data: string[] = [];
  private hasData = false;

  constructor(private readonly onComment?: (text: string) => void) {}

  push(chunk: string): SseMessage[] {
    const out: SseMessage[] = [];
    this.buffer += chunk;
    let start = 0;
    for (;;) {
      const cr = this.buffer.indexOf('\r', start);
      const lf = this.buffer.indexOf('\n', start);
      let end: number;
      let next: number;
      if (cr === -1 && lf === -1) break;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        // A lone CR at the end of the chunk may be the first half of CRLF: wait for more.
        if (cr === this.buffer.length - 1) break;
        end = cr;
        next = this.buffer[cr + 1] === '\n' ? cr + 2 : cr + 1;
      } else {
        end = lf;
        next = lf + 1;
      }
      this.line(this.buffer.slice(start, end), out);
      start = next;
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  private line(line: string, out: SseMessage[]): void {
    if (line === '') {
      if (this.hasData)
        out.push({ id: this.lastId, event: this.event || 'message', data: this.data.join('\n') });
      this.event = '';
      this.data = [];
      this.hasData = false;
      return;
    }
    if (line.startsWith(':')) {
      this.onComment?.(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        this.hasData = true;
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      default:
        // `retry:` and unknown fields: the caller has its own reconnect policy.
        break;
    }
  }
}

/** Reads a response body to its end (or until the signal aborts), handing messages on as they complete. */
export async function readSse(
  body: ReadableStream<Uint8Array>,
  handlers: SseHandlers,
  signal: AbortSignal,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser(handlers.onComment);
  const cancel = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      handlers.onActivity?.();
      const messages = parser.push(decoder.decode(value, { stream: true }));
      if (messages.length > 0) handlers.onMessages(messages);
    }
  } finally {
    signal.removeEventListener('abort', cancel);
    reader.releaseLock();
  }
}
