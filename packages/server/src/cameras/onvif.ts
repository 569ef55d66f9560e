/**
 * ONVIF for filling in cameras, through the onvif library (agsh/onvif):
 * WS-Discovery (its Discovery.probe: a Probe for network video transmitters,
 * multicast to 239.255.255.250:3702 from a chosen interface) and, for one
 * device, GetSystemDateAndTime (the device's clock, for the WS-Security
 * timestamps), GetServices or GetCapabilities, GetDeviceInformation,
 * GetProfiles, GetStreamUri and GetSnapshotUri.
 *
 * One part stays CityOps's own SOAP: a Probe sent to one given address
 * (`target`), since the library only multicasts, and a device on another
 * subnet is reached only by unicast.
 */
import dgram from 'node:dgram';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import onvif from 'onvif';
import type { Cam as OnvifCam, DeviceInformation, RequestCallback } from 'onvif';
import { ValidationError } from '../core/errors.js';
import { textOf } from './probe/onvif-soap.js';
import { CheckError } from './probe/rtsp.js';
import type { Credentials } from './probe/types.js';

const { Cam, Discovery } = onvif;

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
});

export interface DiscoveredDevice {
  /** The device's endpoint reference (urn:uuid:…). */
  urn: string;
  /** Its device service addresses. */
  xaddrs: string[];
  /** ONVIF scopes (onvif://www.onvif.org/name/…, hardware/…, location/…). */
  scopes: string[];
  name: string | undefined;
  hardware: string | undefined;
  /** Who answered. */
  from: string;
}

/** A device from the text of its ProbeMatch's address, XAddrs and Scopes. */
function deviceOf(
  urn: string,
  xaddrs: string | undefined,
  scopeList: string | undefined,
  from: string,
): DiscoveredDevice {
  const scopes = (scopeList ?? '').split(/\s+/).filter(Boolean);
  const scope = (kind: string) => {
    const s = scopes.find((x) => x.startsWith(`onvif://www.onvif.org/${kind}/`));
    if (!s) return undefined;
    const v = s.slice(`onvif://www.onvif.org/${kind}/`.length);
    try {
      return decodeURIComponent(v);
    } catch {
      return v;
    }
  };
  return {
    urn,
    xaddrs: (xaddrs ?? '').split(/\s+/).filter(Boolean),
    scopes,
    name: scope('name'),
    hardware: scope('hardware'),
    from,
  };
}

export function probeMessage(messageId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><s:Header><a:MessageID>uuid:${messageId}</a:MessageID><a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To><a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action></s:Header><s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>`;
}

const asArray = <T>(v: T | T[] | undefined): T[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/**
 * A text value as the library gives it: its parser turns "12" into 12 and
 * "true" into true, and an element with attributes into an object (no text).
 */
function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** The devices of one ProbeMatches message (none when it is something else). */
export function parseProbeMatches(
  xml: string,
  from: string,
  messageId?: string,
): DiscoveredDevice[] {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch {
    return [];
  }
  const env = doc.Envelope as Record<string, Record<string, unknown>> | undefined;
  const relates = textOf(env?.Header?.RelatesTo);
  if (messageId && relates && relates !== `uuid:${messageId}`) return [];
  const matches = (env?.Body?.ProbeMatches as Record<string, unknown> | undefined)?.ProbeMatch;
  return asArray(
    matches as Array<Record<string, unknown>> | Record<string, unknown> | undefined,
  ).map((m) =>
    deviceOf(
      textOf((m.EndpointReference as Record<string, unknown> | undefined)?.Address) ?? '',
      textOf(m.XAddrs),
      textOf(m.Scopes),
      from,
    ),
  );
}

/**
 * The interface given by name or IPv4 address, as the name Discovery.probe
 * binds to and its IPv4 address; undefined: the system's default.
 */
export function interfaceAddress(
  given: string | undefined,
): { name: string; address: string } | undefined {
  if (!given) return undefined;
  const all = os.networkInterfaces();
  const byName = all[given]?.find((a) => a.family === 'IPv4');
  if (byName) return { name: given, address: byName.address };
  for (const [name, list] of Object.entries(all))
    for (const a of list ?? [])
      if (a.family === 'IPv4' && a.address === given) return { name, address: given };
  throw ValidationError.field(
    'interface',
    `no network interface ${given} (known: ${Object.keys(all).join(', ')})`,
  );
}

// Discovery is one EventEmitter for the process: an 'error' (a datagram that
// is not a ProbeMatches, a socket error) with no listener would throw. Each
// probe reports its own errors through its callback.
Discovery.on('error', () => undefined);

/**
 * Sends a WS-Discovery Probe and collects the answers for `timeoutMs`. With
 * `target` the probe goes to that address only (a known subnet's device or a
 * test responder); otherwise the library multicasts it from the chosen
 * interface (or the system's default one).
 */
export async function discover(opts: {
  interface?: string | undefined;
  target?: { host: string; port: number } | undefined;
  timeoutMs: number;
}): Promise<DiscoveredDevice[]> {
  const iface = interfaceAddress(opts.interface);
  return opts.target
    ? unicastProbe(opts.target, iface?.address, opts.timeoutMs)
    : multicastProbe(iface?.name, opts.timeoutMs);
}

/** The urn, XAddrs and Scopes of a ProbeMatch as Discovery.probe gives it with resolve: false. */
interface ProbeMatchObject {
  probeMatches?: {
    probeMatch?: {
      endpointReference?: { address?: unknown };
      XAddrs?: unknown;
      scopes?: unknown;
    };
  };
}

async function multicastProbe(
  device: string | undefined,
  timeoutMs: number,
): Promise<DiscoveredDevice[]> {
  const messageId = randomUUID();
  const answered = new Map<string, { from: string; relatesTo: string | undefined }>();
  // Who answered, and to which probe: Discovery.probe's results carry
  // neither, and it does not compare RelatesTo with its MessageID (its
  // 'device' event, shared by every probe in flight, has both).
  const onDevice = (found: unknown, rinfo: dgram.RemoteInfo, xml: string) => {
    const urn =
      scalar((found as ProbeMatchObject).probeMatches?.probeMatch?.endpointReference?.address) ??
      '';
    const relatesTo = /<(?:[\w-]+:)?RelatesTo[^>]*>([^<]*)</.exec(xml)?.[1]?.trim();
    if (relatesTo === undefined || relatesTo === `urn:uuid:${messageId}`)
      answered.set(urn, { from: rinfo.address, relatesTo });
  };
  Discovery.on('device', onDevice);
  let results: unknown[];
  try {
    results = await new Promise<unknown[]>((resolve, reject) => {
      let settled = false;
      Discovery.probe(
        { timeout: timeoutMs, resolve: false, messageId, ...(device ? { device } : {}) },
        (err, found) => {
          if (settled) return;
          settled = true;
          // An Error (not a list of bad answers) is the socket's: bind or send failed.
          if (err instanceof Error) reject(err);
          else resolve(found ?? []);
        },
      );
    });
  } catch (err) {
    throw new CheckError(
      'unreachable',
      `the WS-Discovery probe could not be sent (${(err as NodeJS.ErrnoException).code ?? 'socket error'})`,
    );
  } finally {
    Discovery.off('device', onDevice);
  }
  const out: DiscoveredDevice[] = [];
  for (const r of results) {
    const m = (r as ProbeMatchObject).probeMatches?.probeMatch;
    const urn = scalar(m?.endpointReference?.address) ?? '';
    const who = answered.get(urn);
    // Only answers to this probe (the results are this probe's own; the
    // events may be another's).
    if (!m || !who) continue;
    out.push(
      deviceOf(
        urn,
        typeof m.XAddrs === 'string' ? m.XAddrs : undefined,
        typeof m.scopes === 'string' ? m.scopes : undefined,
        who.from,
      ),
    );
  }
  return out;
}

/** A Probe to one address, CityOps's own: Discovery.probe sends only to the multicast group. */
async function unicastProbe(
  target: { host: string; port: number },
  bindAddress: string | undefined,
  timeoutMs: number,
): Promise<DiscoveredDevice[]> {
  const messageId = randomUUID();
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const found = new Map<string, DiscoveredDevice>();
  socket.on('message', (msg, rinfo) => {
    for (const d of parseProbeMatches(msg.toString('utf8'), rinfo.address, messageId))
      found.set(d.urn || `${rinfo.address}:${d.xaddrs.join(' ')}`, d);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: bindAddress ?? '0.0.0.0', port: 0 }, () => resolve());
  });
  try {
    socket.send(Buffer.from(probeMessage(messageId)), target.port, target.host);
    await new Promise((r) => setTimeout(r, timeoutMs));
  } finally {
    socket.close();
  }
  return [...found.values()];
}

export interface OnvifDescription {
  vendor?: string | undefined;
  model?: string | undefined;
  firmwareVersion?: string | undefined;
  serialNumber?: string | undefined;
  streamUrl?: string | undefined;
  subStreamUrl?: string | undefined;
  snapshotUrl?: string | undefined;
  profiles: Array<{ token: string; name: string | undefined }>;
}

/** The address without credentials (a camera may put its own in a stream URI). */
function withoutCredentials(u: unknown): string | undefined {
  if (typeof u !== 'string' || !u) return undefined;
  try {
    const url = new URL(u);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return undefined;
  }
}

/**
 * A library camera for an ONVIF device service address, not connected yet.
 * `timeoutMs` bounds each request (the library's socket timeout).
 */
export function onvifCam(deviceUrl: string, creds: Credentials, timeoutMs: number): OnvifCam {
  let url: URL;
  try {
    url = new URL(deviceUrl);
  } catch {
    throw new CheckError('bad_url', 'not a valid address');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CheckError('bad_url', 'not an http(s) address');
  const secure = url.protocol === 'https:';
  const user =
    creds ??
    (url.username
      ? {
          username: decodeURIComponent(url.username),
          password: decodeURIComponent(url.password),
        }
      : undefined);
  return new Cam({
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 443 : 80,
    path: url.pathname + url.search,
    ...(user ? { username: user.username, password: user.password } : {}),
    timeout: timeoutMs,
    useSecure: secure,
    // Cameras commonly carry self-signed certificates.
    secureOpts: { rejectUnauthorized: false },
    autoconnect: false,
  });
}

/** One of the library's callback calls as a promise. */
export function camCall<T>(run: (callback: RequestCallback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    run((err, data) => {
      if (done) return;
      done = true;
      if (err) reject(err);
      else resolve(data as T);
    });
  });
}

/**
 * What Cam#connect does first: the device's clock (so the WS-Security
 * timestamps match it), then its service addresses by GetServices, or
 * GetCapabilities on devices older than GetServices; Media2 (Profile T) is
 * used only when its GetProfiles answers, as the library's connect does.
 */
export async function connectServices(cam: OnvifCam): Promise<void> {
  await camCall<Date>((cb) => cam.getSystemDateAndTime(cb));
  try {
    await camCall((cb) => cam.getServices(true, cb));
  } catch {
    await camCall((cb) => cam.getCapabilities(cb));
  }
}

/** The library's and Node's errors as a check's code and a message without addresses. */
export function onvifError(err: unknown): CheckError {
  if (err instanceof CheckError) return err;
  const e = err as NodeJS.ErrnoException;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (e?.code === 'ECONNREFUSED') return new CheckError('refused', 'connection refused');
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN')
    return new CheckError('unresolved', 'unknown host');
  if (e?.code === 'EHOSTUNREACH' || e?.code === 'ENETUNREACH')
    return new CheckError('unreachable', 'host unreachable');
  if (e?.code === 'ECONNRESET') return new CheckError('reset', 'connection reset');
  if (e?.code === 'ETIMEDOUT' || /Network timeout/.test(message))
    return new CheckError('timeout', 'no answer in time');
  if (/NotAuthorized|not authorized|Unauthorized|authentication failed/i.test(message))
    return new CheckError('unauthorized', 'wrong user name or password');
  if (/SOAP Fault/.test(message)) return new CheckError('onvif_error', 'SOAP fault');
  if (/Wrong ONVIF SOAP response/.test(message))
    return new CheckError('onvif_error', 'not a SOAP answer');
  return new CheckError('onvif_error', e?.code ?? 'unexpected answer');
}

/** Rejects with a timeout when `work` has not settled within `ms`. */
export async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CheckError('timeout', 'no answer in time')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * How many of the device's requests the whole description may take, each
 * bounded by the probe deadline: clock, services, information, profiles, two
 * stream URIs and a snapshot URI.
 */
const DESCRIBE_REQUESTS = 7;

/**
 * What a device says of itself and its first two media profiles (main and
 * sub stream). Not Cam#connect: it also asks for the video sources to choose
 * an "active source", and on a device whose profiles name none of them it
 * throws inside a callback and never calls back; the profile tokens are given
 * here instead.
 */
export async function describeDevice(
  deviceUrl: string,
  creds: Credentials,
  timeoutMs: number,
): Promise<OnvifDescription> {
  const cam = onvifCam(deviceUrl, creds, timeoutMs);
  const work = async (): Promise<OnvifDescription> => {
    await connectServices(cam);
    const info = await camCall<DeviceInformation>((cb) => cam.getDeviceInformation(cb));
    let raw: unknown[];
    try {
      raw = await camCall<unknown[]>((cb) => cam.getProfiles(cb));
    } catch (err) {
      // Some devices announce Media2 and fail it; the library's connect falls back the same way.
      if (!cam.media2Support) throw err;
      cam.media2Support = false;
      raw = await camCall<unknown[]>((cb) => cam.getProfiles(cb));
    }
    const profiles = asArray(raw)
      .map((p) => {
        const q = p as { $?: { token?: unknown }; name?: unknown };
        return {
          token: scalar(q.$?.token) ?? '',
          name: scalar(q.name),
        };
      })
      .filter((p) => p.token !== '');
    const streamUri = async (profileToken: string) => {
      const r = await camCall<{ uri?: unknown }>((cb) =>
        cam.getStreamUri({ protocol: 'RTSP', stream: 'RTP-Unicast', profileToken }, cb),
      );
      return withoutCredentials(r?.uri);
    };
    const main = profiles[0];
    const sub = profiles[1];
    let snapshotUrl: string | undefined;
    if (main) {
      try {
        const r = await camCall<{ uri?: unknown }>((cb) =>
          cam.getSnapshotUri({ profileToken: main.token }, cb),
        );
        snapshotUrl = withoutCredentials(r?.uri);
      } catch {
        // Snapshots are optional in Profile S.
      }
    }
    return {
      vendor: scalar(info?.manufacturer),
      model: scalar(info?.model),
      firmwareVersion: scalar(info?.firmwareVersion),
      serialNumber: scalar(info?.serialNumber),
      streamUrl: main ? await streamUri(main.token) : undefined,
      subStreamUrl: sub ? await streamUri(sub.token) : undefined,
      snapshotUrl,
      profiles,
    };
  };
  try {
    return await within(timeoutMs * DESCRIBE_REQUESTS, work());
  } catch (err) {
    throw onvifError(err);
  }
}
