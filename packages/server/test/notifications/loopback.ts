/**
 * Real servers on loopback for the notification tests: an SMTP server that
 * parses what it receives, and an HTTP server that records webhook requests
 * (raw body and headers) and answers from a plan per path.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface SmtpSink {
  port: number;
  mails: ParsedMail[];
  /** Envelope recipients of each mail, in order. */
  envelopes: string[][];
  logins: string[];
  close(): Promise<void>;
}

export async function startSmtp(): Promise<SmtpSink> {
  const sink: Omit<SmtpSink, 'port' | 'close'> = { mails: [], envelopes: [], logins: [] };
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, cb) {
      sink.logins.push(`${auth.username}:${auth.password}`);
      cb(null, { user: auth.username });
    },
    onData(stream, session, cb) {
      simpleParser(stream).then(
        (mail) => {
          sink.mails.push(mail);
          sink.envelopes.push(session.envelope.rcptTo.map((r) => r.address));
          cb();
        },
        (err: Error) => cb(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    ...sink,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface HookRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

export interface HookReceiver {
  url: string;
  requests: HookRequest[];
  /** The statuses to answer on a path, in turn; after the list, the last one. */
  plan(path: string, statuses: number[]): void;
  close(): Promise<void>;
}

export async function startHookReceiver(): Promise<HookReceiver> {
  const requests: HookRequest[] = [];
  const plans = new Map<string, number[]>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const plan = plans.get(path) ?? [200];
      const status = plan.length > 1 ? plan.shift()! : plan[0]!;
      requests.push({ path, headers: req.headers, body, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    plan: (path, statuses) => void plans.set(path, [...statuses]),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
