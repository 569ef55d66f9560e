/** Structured JSON logs (pino) with secrets redacted. */
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

/** Query parameters whose values never reach a log (EventSource cannot send headers, so tokens ride in the URL). */
const SECRET_PARAMS = /([?&](?:access_token|token|api_key|key)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}

interface LoggedRequest {
  method?: string;
  url?: string;
  hostname?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

export function createLogger(level: Config['logLevel'], destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'cityops' },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: {
      req: (req: LoggedRequest) => ({
        method: req.method,
        url: redactUrl(req.url ?? ''),
        host: req.hostname,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
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
  };
  return destination ? pino(options, destination) : pino(options);
}
