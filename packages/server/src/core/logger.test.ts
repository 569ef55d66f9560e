import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { createLogger, redactUrl } from './logger.js';

describe('logs', () => {
  it('redact tokens carried in URLs', () => {
    expect(redactUrl('/api/v1/stream?types=fire.*&access_token=cot_abc123&x=1')).toBe(
      '/api/v1/stream?types=fire.*&access_token=[redacted]&x=1',
    );
  });

  it('never carry a request token into a log line', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const app = Fastify({ loggerInstance: createLogger('info', sink) });
    app.get('/x', () => 'ok');
    await app.inject({
      url: '/x?access_token=cot_secret',
      headers: { authorization: 'Bearer cot_secret' },
    });
    await app.close();
    expect(lines.join('')).toContain('access_token=[redacted]');
    expect(lines.join('')).not.toContain('cot_secret');
  });
});
