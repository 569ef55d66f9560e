/**
 * A fleet of simulated cameras in a process of its own (bench child): one
 * RTSP responder (OPTIONS, DESCRIBE with Digest auth and an SDP), one HTTP
 * server for snapshots (Digest) and ONVIF GetDeviceInformation (WS-Security
 * accepted without checking), one per path for every camera; and a silent
 * server that accepts TCP and never answers, for cameras that time out.
 */
import http from 'node:http';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { cpuSeconds, onCommands, tell } from './child.js';

const USER = 'bench';
const PASS = 'bench-cam-pw';
const NONCE = 'benchnonce0001';
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7)]);

function digestOk(header: string | undefined, method: string): boolean {
  if (!header?.startsWith('Digest ')) return false;
  const p: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]+))/g))
    p[m[1]!] = m[2] ?? m[3] ?? '';
  const ha1 = md5(`${USER}:bench:${PASS}`);
  const ha2 = md5(`${method}:${p.uri}`);
  const want = p.qop
    ? md5(`${ha1}:${NONCE}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`)
    : md5(`${ha1}:${NONCE}:${ha2}`);
  return p.response === want;
}

const sockets = new Set<net.Socket>();
const track = (s: net.Socket) => {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
  s.on('error', () => undefined);
};

const rtsp = net.createServer((socket) => {
  track(socket);
  let buf = '';
  socket.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.slice(0, end).split('\r\n');
      buf = buf.slice(end + 4);
      const [method = ''] = head[0]!.split(' ');
      const h: Record<string, string> = {};
      for (const l of head.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) h[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const cseq = h.cseq ?? '0';
      if (method === 'OPTIONS') {
        socket.write(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n`);
      } else if (!digestOk(h.authorization, method)) {
        socket.write(
          `RTSP/1.0 401 Unauthorized\r\nCSeq: ${cseq}\r\nWWW-Authenticate: Digest realm="bench", nonce="${NONCE}"\r\n\r\n`,
        );
      } else {
        const sdp = 'v=0\r\ns=Bench\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n';
        socket.write(
          `RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nContent-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`,
        );
      }
    }
  });
});

const httpServer = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.url?.startsWith('/onvif/')) {
      res.setHeader('content-type', 'application/soap+xml');
      res.end(
        '<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><s:Body><tds:GetDeviceInformationResponse><tds:Manufacturer>Bench</tds:Manufacturer><tds:Model>B1</tds:Model><tds:FirmwareVersion>1</tds:FirmwareVersion><tds:SerialNumber>1</tds:SerialNumber><tds:HardwareId>1</tds:HardwareId></tds:GetDeviceInformationResponse></s:Body></s:Envelope>',
      );
      return;
    }
    if (!digestOk(req.headers.authorization, req.method ?? 'GET')) {
      res.statusCode = 401;
      res.setHeader('www-authenticate', `Digest realm="bench", nonce="${NONCE}", qop="auth"`);
      res.end();
      return;
    }
    res.setHeader('content-type', 'image/jpeg');
    res.end(JPEG);
  });
});
httpServer.on('connection', track);

const silent = net.createServer(track);

const listen = (s: net.Server) =>
  new Promise<number>((resolve) =>
    s.listen(0, '127.0.0.1', 1024, () => resolve((s.address() as net.AddressInfo).port)),
  );

const ports = {
  rtsp: await listen(rtsp),
  http: await listen(httpServer),
  silent: await listen(silent),
};
onCommands({
  cpu: () => tell({ type: 'cpu', seconds: cpuSeconds() }),
  exit: () => {
    for (const s of sockets) s.destroy();
  },
});
tell({ type: 'ready', ports, user: USER, password: PASS } as { type: string });
