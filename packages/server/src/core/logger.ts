/** Structured JSON logs (pino) with secrets redacted. */
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export function createLogger(level: Config['logLevel']): Logger {
  return pino({
    level,
    base: { service: 'cityops' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.key',
        '*.token',
        'body.password',
        'body.username',
      ],
      censor: '[redacted]',
    },
  });
}
