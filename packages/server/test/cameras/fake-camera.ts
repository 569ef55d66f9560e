/**
 * A fake IP camera on loopback, because no real camera can run here: a small
 * RTSP responder (OPTIONS, DESCRIBE with an SDP; no media), an HTTP snapshot
 * endpoint that answers a real JPEG, and an ONVIF device service (SOAP:
 * what the onvif library asks on connecting — GetSystemDateAndTime, without
 * credentials as the standard allows, GetServices, GetCapabilities,
 * GetProfiles, GetVideoSources — then GetDeviceInformation, GetStreamUri,
 * GetSnapshotUri, and PullPoint events: CreatePullPointSubscription,
 * PullMessages, Renew, Unsubscribe, with subscriptions that really end at
 * their termination time). Each part can require Basic or Digest credentials
 * (ONVIF: WS-Security UsernameToken), stay silent (accept and never answer)
 * or be absent (connection refused).
 * Tests of a real RTSP stream use test/support/rtsp-server.ts (ffmpeg).
 */
import http from 'node:http';
import net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import sharp from 'sharp';

export type PartMode = 'ok' | 'silent' | 'down' | 'slow';

export interface FakeCameraOptions {
  username?: string;
  password?: string;
  /** How credentials are asked for on RTSP and the snapshot. */
  scheme?: 'basic' | 'digest';
  rtsp?: PartMode;
  http?: PartMode;
  /** Milliseconds a 'slow' part waits before answering. */
  slowMs?: number;
  manufacturer?: string;
  model?: string;
  /** Seconds an ONVIF PullPoint subscription lives after its creation or renewal (default 600). */
  subscriptionSeconds?: number;
  /** Answer Renew with a fault (as some devices do), so the client must subscribe again. */
  refuseRenew?: boolean;
}

export interface FakeOnvifState {
  /** ONVIF operations asked, in order (GetSystemDateAndTime, GetProfiles, Renew…). */
  calls: string[];
  /** PullPoint subscriptions created, and renewals granted. */
  subscriptions: number;
  renewals: number;
  /** Pulls and renewals refused because their subscription had ended. */
  expired: number;
}

export interface FakeCamera {
  rtspUrl: string;
  snapshotUrl: string;
  onvifUrl: string;
  rtspPort: number;
  httpPort: number;
  /** Requests seen, with whether they carried valid credentials. */
  seen: Array<{ proto: 'rtsp' | 'http'; method: string; path: string; authorized: boolean }>;
  onvif: FakeOnvifState;
  jpeg: Buffer;
  /** Queues an ONVIF notification for the next PullMessages. */
  emit(topic: string, item: string, value: string): void;
  set(part: 'rtsp' | 'http', mode: PartMode): void;
  close(): Promise<void>;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

function checkAuth(
  header: string | undefined,
  method: string,
  o: FakeCameraOptions,
  nonce: string,
): boolean {
  if (!o.username) return true;
  if (!header) return false;
  if (o.scheme !== 'digest') {
    return header === `Basic ${Buffer.from(`${o.username}:${o.password}`).toString('base64')}`;
  }
  if (!header.startsWith('Digest ')) return false;
  const p: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]+))/g))
    p[m[1]!] = m[2] ?? m[3] ?? '';
  if (p.username !== o.username || p.nonce !== nonce) return false;
  const ha1 = md5(`${o.username}:fake:${o.password}`);
  const ha2 = md5(`${method}:${p.uri}`);
  const expected = p.qop
    ? md5(`${ha1}:${nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`)
    : md5(`${ha1}:${nonce}:${ha2}`);
  return p.response === expected;
}

function challenge(o: FakeCameraOptions, nonce: string, qop: boolean): string {
  return o.scheme === 'digest'
    ? `Digest realm="fake", nonce="${nonce}"${qop ? ', qop="auth"' : ''}`
    : 'Basic realm="fake"';
}

function wsseValid(xml: string, o: FakeCameraOptions): boolean {
  if (!o.username) return true;
  const user = /<Username>([^<]*)<\/Username>/.exec(xml)?.[1];
  const digest = /<Password[^>]*>([^<]*)<\/Password>/.exec(xml)?.[1];
  const nonce = /<Nonce[^>]*>([^<]*)<\/Nonce>/.exec(xml)?.[1];
  const created = /<Created[^>]*>([^<]*)<\/Created>/.exec(xml)?.[1];
  if (!user || !digest || !nonce || !created || user !== o.username) return false;
  const expected = createHash('sha1')
    .update(
      Buffer.concat([Buffer.from(nonce, 'base64'), Buffer.from(created), Buffer.from(o.password!)]),
    )
    .digest('base64');
  return expected === digest;
}

/** The ONVIF operation of a SOAP request: the first element of its Body. */
function operationOf(xml: string): string {
  return /<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?(\w+)/.exec(xml)?.[1] ?? '';
}

const soap = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema"><SOAP-ENV:Body>${body}</SOAP-ENV:Body></SOAP-ENV:Envelope>`;

export async function startFakeCamera(o: FakeCameraOptions = {}): Promise<FakeCamera> {
  const modes = { rtsp: o.rtsp ?? 'ok', http: o.http ?? 'ok' };
  const seen: FakeCamera['seen'] = [];
  const nonce = randomBytes(8).toString('hex');
  const jpeg = await sharp({
    create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } },
  })
    .jpeg()
    .toBuffer();
  const sockets = new Set<net.Socket>();
  const queue: string[] = [];
  const onvif: FakeOnvifState = { calls: [], subscriptions: 0, renewals: 0, expired: 0 };
  /** PullPoint subscriptions by their path, with when each ends. */
  const pullPoints = new Map<string, number>();
  const lifetimeMs = (o.subscriptionSeconds ?? 600) * 1000;
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  // RTSP: one request at a time per connection.
  const rtsp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = '';
    socket.on('data', (d: Buffer) => {
      if (modes.rtsp === 'silent') return;
      buf += d.toString('latin1');
      void (async () => {
        for (;;) {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = buf.slice(0, end).split('\r\n');
          buf = buf.slice(end + 4);
          const [method = '', uri = ''] = head[0]!.split(' ');
          const h: Record<string, string> = {};
          for (const l of head.slice(1)) {
            const i = l.indexOf(':');
            if (i > 0) h[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
          }
          const cseq = h.cseq ?? '0';
          if (modes.rtsp === 'slow') await wait(o.slowMs ?? 300);
          const authorized = method === 'OPTIONS' || checkAuth(h.authorization, method, o, nonce);
          seen.push({ proto: 'rtsp', method, path: new URL(uri).pathname, authorized });
          if (!authorized) {
            socket.write(
              `RTSP/1.0 401 Unauthorized\r\nCSeq: ${cseq}\r\nWWW-Authenticate: ${challenge(o, nonce, false)}\r\n\r\n`,
            );
          } else if (method === 'OPTIONS') {
            socket.write(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n`);
          } else if (method === 'DESCRIBE') {
            const sdp =
              'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=Fake\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n';
            socket.write(
              `RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nContent-Type: application/sdp\r\nContent-Length: ${Buffer.byteLength(sdp)}\r\n\r\n${sdp}`,
            );
          } else {
            socket.write(`RTSP/1.0 405 Method Not Allowed\r\nCSeq: ${cseq}\r\n\r\n`);
          }
        }
      })();
    });
  });

  let httpPort = 0;
  const server = http.createServer((req, res) => {
    if (modes.http === 'silent') return;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        if (modes.http === 'slow') await wait(o.slowMs ?? 300);
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        const body = Buffer.concat(chunks).toString('utf8');
        if (path.startsWith('/onvif/')) {
          const op = operationOf(body);
          onvif.calls.push(op);
          // GetSystemDateAndTime answers without credentials (ONVIF Core 5.9.1).
          const authorized = op === 'GetSystemDateAndTime' || wsseValid(body, o);
          seen.push({ proto: 'http', method: req.method ?? '', path, authorized });
          res.setHeader('content-type', 'application/soap+xml; charset=utf-8');
          if (!authorized) {
            res.statusCode = 400;
            res.end(
              soap(
                '<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Sender</SOAP-ENV:Value><SOAP-ENV:Subcode><SOAP-ENV:Value>ter:NotAuthorized</SOAP-ENV:Value></SOAP-ENV:Subcode></SOAP-ENV:Code></SOAP-ENV:Fault>',
              ),
            );
            return;
          }
          if (path.startsWith('/onvif/pullpoint/')) {
            const endsAt = pullPoints.get(path);
            const now = Date.now();
            if (endsAt === undefined || endsAt <= now || (op === 'Renew' && o.refuseRenew)) {
              if (endsAt !== undefined && endsAt <= now) onvif.expired++;
              res.statusCode = 400;
              res.end(
                soap(
                  '<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Receiver</SOAP-ENV:Value></SOAP-ENV:Code><SOAP-ENV:Reason><SOAP-ENV:Text xml:lang="en">No such subscription</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault>',
                ),
              );
              return;
            }
            if (op === 'PullMessages') {
              const messages = queue.splice(0).join('');
              res.end(
                soap(
                  `<tev:PullMessagesResponse xmlns:tev="http://www.onvif.org/ver10/events/wsdl" xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2"><tev:CurrentTime>${new Date(now).toISOString()}</tev:CurrentTime><tev:TerminationTime>${new Date(endsAt).toISOString()}</tev:TerminationTime>${messages}</tev:PullMessagesResponse>`,
                ),
              );
            } else if (op === 'Renew') {
              onvif.renewals++;
              pullPoints.set(path, now + lifetimeMs);
              res.end(
                soap(
                  `<wsnt:RenewResponse xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2"><wsnt:TerminationTime>${new Date(now + lifetimeMs).toISOString()}</wsnt:TerminationTime><wsnt:CurrentTime>${new Date(now).toISOString()}</wsnt:CurrentTime></wsnt:RenewResponse>`,
                ),
              );
            } else if (op === 'Unsubscribe') {
              pullPoints.delete(path);
              res.end(
                soap('<wsnt:UnsubscribeResponse xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2"/>'),
              );
            } else {
              res.statusCode = 400;
              res.end(soap(unknownOperation));
            }
            return;
          }
          if (op === 'CreatePullPointSubscription') {
            const n = ++onvif.subscriptions;
            const now = Date.now();
            pullPoints.set(`/onvif/pullpoint/${n}`, now + lifetimeMs);
            res.end(
              soap(
                `<tev:CreatePullPointSubscriptionResponse xmlns:tev="http://www.onvif.org/ver10/events/wsdl" xmlns:wsa5="http://www.w3.org/2005/08/addressing" xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2"><tev:SubscriptionReference><wsa5:Address>http://127.0.0.1:${httpPort}/onvif/pullpoint/${n}</wsa5:Address></tev:SubscriptionReference><wsnt:CurrentTime>${new Date(now).toISOString()}</wsnt:CurrentTime><wsnt:TerminationTime>${new Date(now + lifetimeMs).toISOString()}</wsnt:TerminationTime></tev:CreatePullPointSubscriptionResponse>`,
              ),
            );
            return;
          }
          const answer = onvifAnswer(op, body, o, httpPort, rtspPortOf());
          if (answer === unknownOperation) res.statusCode = 400;
          res.end(soap(answer));
          return;
        }
        const authorized = checkAuth(req.headers.authorization, req.method ?? 'GET', o, nonce);
        seen.push({ proto: 'http', method: req.method ?? '', path, authorized });
        if (path !== '/snapshot.jpg') {
          res.statusCode = 404;
          res.end();
          return;
        }
        if (!authorized) {
          res.statusCode = 401;
          res.setHeader('www-authenticate', challenge(o, nonce, true));
          res.end();
          return;
        }
        res.setHeader('content-type', 'image/jpeg');
        res.end(jpeg);
      })();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const listen = (s: net.Server) =>
    new Promise<number>((resolve) =>
      s.listen(0, '127.0.0.1', () => resolve((s.address() as net.AddressInfo).port)),
    );
  const rtspPort = await listen(rtsp);
  httpPort = await listen(server);
  const rtspPortOf = () => rtspPort;
  const apply = (part: 'rtsp' | 'http', mode: PartMode) => {
    modes[part] = mode;
    const s = part === 'rtsp' ? rtsp : server;
    const port = part === 'rtsp' ? rtspPort : httpPort;
    if (mode === 'down' && s.listening) {
      s.close();
      for (const so of sockets) if (so.localPort === port) so.destroy();
    } else if (mode !== 'down' && !s.listening) {
      s.listen(port, '127.0.0.1');
    }
  };
  apply('rtsp', modes.rtsp);
  apply('http', modes.http);

  return {
    rtspUrl: `rtsp://127.0.0.1:${rtspPort}/stream1`,
    snapshotUrl: `http://127.0.0.1:${httpPort}/snapshot.jpg`,
    onvifUrl: `http://127.0.0.1:${httpPort}/onvif/device_service`,
    rtspPort,
    httpPort,
    seen,
    onvif,
    jpeg,
    emit(topic, item, value) {
      queue.push(
        `<wsnt:NotificationMessage><wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">${topic}</wsnt:Topic><wsnt:Message><tt:Message UtcTime="${new Date().toISOString()}" PropertyOperation="Changed"><tt:Source><tt:SimpleItem Name="VideoSourceConfigurationToken" Value="vsc1"/></tt:Source><tt:Data><tt:SimpleItem Name="${item}" Value="${value}"/></tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage>`,
      );
    },
    set: apply,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(
        [rtsp, server].map(
          (s) => new Promise<void>((r) => (s.listening ? s.close(() => r()) : r())),
        ),
      );
    },
  };
}

const unknownOperation =
  '<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Receiver</SOAP-ENV:Value><SOAP-ENV:Subcode><SOAP-ENV:Value>ter:ActionNotSupported</SOAP-ENV:Value></SOAP-ENV:Subcode></SOAP-ENV:Code></SOAP-ENV:Fault>';

/** A Profile S media profile: its video source and encoder configurations. */
const profile = (token: string, name: string, width: number, height: number) =>
  `<trt:Profiles token="${token}" fixed="true"><tt:Name>${name}</tt:Name><tt:VideoSourceConfiguration token="vsc1"><tt:Name>VideoSource</tt:Name><tt:UseCount>2</tt:UseCount><tt:SourceToken>vs1</tt:SourceToken><tt:Bounds x="0" y="0" width="1920" height="1080"/></tt:VideoSourceConfiguration><tt:VideoEncoderConfiguration token="vec-${token}"><tt:Name>${name}</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>H264</tt:Encoding><tt:Resolution><tt:Width>${width}</tt:Width><tt:Height>${height}</tt:Height></tt:Resolution><tt:Quality>5</tt:Quality><tt:RateControl><tt:FrameRateLimit>25</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>4096</tt:BitrateLimit></tt:RateControl></tt:VideoEncoderConfiguration></trt:Profiles>`;

function onvifAnswer(
  op: string,
  body: string,
  o: FakeCameraOptions,
  httpPort: number,
  rtspPort: number,
) {
  const base = `http://127.0.0.1:${httpPort}/onvif`;
  switch (op) {
    case 'GetSystemDateAndTime': {
      const d = new Date();
      return `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>ICT-7</tt:TZ></tt:TimeZone><tt:UTCDateTime><tt:Time><tt:Hour>${d.getUTCHours()}</tt:Hour><tt:Minute>${d.getUTCMinutes()}</tt:Minute><tt:Second>${d.getUTCSeconds()}</tt:Second></tt:Time><tt:Date><tt:Year>${d.getUTCFullYear()}</tt:Year><tt:Month>${d.getUTCMonth() + 1}</tt:Month><tt:Day>${d.getUTCDate()}</tt:Day></tt:Date></tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`;
    }
    case 'GetServices':
      return `<tds:GetServicesResponse>${[
        ['device', 'device_service'],
        ['media', 'media_service'],
        ['events', 'event_service'],
      ]
        .map(
          ([ns, path]) =>
            `<tds:Service><tds:Namespace>http://www.onvif.org/ver10/${ns}/wsdl</tds:Namespace><tds:XAddr>${base}/${path}</tds:XAddr><tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>`,
        )
        .join('')}</tds:GetServicesResponse>`;
    case 'GetCapabilities':
      return `<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Device><tt:XAddr>${base}/device_service</tt:XAddr></tt:Device><tt:Events><tt:XAddr>${base}/event_service</tt:XAddr><tt:WSSubscriptionPolicySupport>false</tt:WSSubscriptionPolicySupport><tt:WSPullPointSupport>true</tt:WSPullPointSupport></tt:Events><tt:Media><tt:XAddr>${base}/media_service</tt:XAddr></tt:Media></tds:Capabilities></tds:GetCapabilitiesResponse>`;
    case 'GetDeviceInformation':
      return `<tds:GetDeviceInformationResponse><tds:Manufacturer>${o.manufacturer ?? 'FakeVision'}</tds:Manufacturer><tds:Model>${o.model ?? 'FV-2000'}</tds:Model><tds:FirmwareVersion>1.2.3</tds:FirmwareVersion><tds:SerialNumber>SN123</tds:SerialNumber><tds:HardwareId>HW1</tds:HardwareId></tds:GetDeviceInformationResponse>`;
    case 'GetProfiles':
      return `<trt:GetProfilesResponse>${profile('main', 'MainStream', 1920, 1080)}${profile('sub', 'SubStream', 640, 360)}</trt:GetProfilesResponse>`;
    case 'GetVideoSources':
      return `<trt:GetVideoSourcesResponse><trt:VideoSources token="vs1"><tt:Framerate>25</tt:Framerate><tt:Resolution><tt:Width>1920</tt:Width><tt:Height>1080</tt:Height></tt:Resolution></trt:VideoSources></trt:GetVideoSourcesResponse>`;
    case 'GetStreamUri': {
      const token = /<(?:\w+:)?ProfileToken>([^<]*)</.exec(body)?.[1] ?? 'main';
      return `<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>rtsp://127.0.0.1:${rtspPort}/${token === 'sub' ? 'stream2' : 'stream1'}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>`;
    }
    case 'GetSnapshotUri':
      return `<trt:GetSnapshotUriResponse><trt:MediaUri><tt:Uri>http://127.0.0.1:${httpPort}/snapshot.jpg</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetSnapshotUriResponse>`;
    default:
      return unknownOperation;
  }
}

/**
 * A fake WS-Discovery responder on loopback UDP (no real camera exists here):
 * answers a Probe for NetworkVideoTransmitter with a ProbeMatch naming the
 * given device service address, to the sender, relating to its MessageID.
 * With `multicast` it listens as a device does, on port 3702 of the
 * WS-Discovery group 239.255.255.250 joined on that interface address;
 * otherwise on a port of its own on 127.0.0.1, for unicast probes.
 */
export async function startFakeDiscovery(device: {
  xaddr: string;
  name: string;
  hardware: string;
  multicast?: { interfaceAddress: string };
}): Promise<{ port: number; probes: number; close(): Promise<void> }> {
  const dgram = await import('node:dgram');
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: !!device.multicast });
  const state = { probes: 0 };
  const urn = `urn:uuid:${randomBytes(16)
    .toString('hex')
    .replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5')}`;
  socket.on('message', (msg, rinfo) => {
    const text = msg.toString('utf8');
    if (!text.includes('Probe') || !text.includes('NetworkVideoTransmitter')) return;
    state.probes++;
    const id = /<(?:\w+:)?MessageID[^>]*>([^<]+)<\/(?:\w+:)?MessageID>/.exec(text)?.[1] ?? '';
    const answer = `<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><SOAP-ENV:Header><wsa:MessageID>uuid:${randomBytes(8).toString('hex')}</wsa:MessageID><wsa:RelatesTo>${id}</wsa:RelatesTo><wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action></SOAP-ENV:Header><SOAP-ENV:Body><d:ProbeMatches><d:ProbeMatch><wsa:EndpointReference><wsa:Address>${urn}</wsa:Address></wsa:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/name/${encodeURIComponent(device.name)} onvif://www.onvif.org/hardware/${encodeURIComponent(device.hardware)}</d:Scopes><d:XAddrs>${device.xaddr}</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>`;
    socket.send(answer, rinfo.port, rinfo.address);
    // A stray answer to another probe, from another device, must be ignored by the client.
    socket.send(
      answer.replace(id, 'uuid:someone-else').replace(urn, `${urn.slice(0, -4)}0000`),
      rinfo.port,
      rinfo.address,
    );
  });
  if (device.multicast) {
    const { interfaceAddress } = device.multicast;
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(3702, () => {
        try {
          socket.addMembership('239.255.255.250', interfaceAddress);
          resolve();
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
  } else {
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  }
  return {
    port: socket.address().port,
    get probes() {
      return state.probes;
    },
    close: () => new Promise<void>((r) => socket.close(() => r())),
  };
}
