/**
 * ONVIF for filling in cameras: WS-Discovery (a Probe for network video
 * transmitters, multicast to 239.255.255.250:3702 from a chosen interface, or
 * sent to one address) and, for one device, GetDeviceInformation,
 * GetCapabilities, GetProfiles, GetStreamUri and GetSnapshotUri. The SOAP is
 * CityOps's own (probe/onvif-soap.ts on fast-xml-parser): four calls and a
 * discovery bound to one interface are all it needs.
 */
import dgram from 'node:dgram';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { ValidationError } from '../core/errors.js';
import { getDeviceInformation, onvifCall, textOf } from './probe/onvif-soap.js';
import type { Credentials } from './probe/types.js';

const MULTICAST = '239.255.255.250';
const PORT = 3702;
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

export function probeMessage(messageId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><s:Header><a:MessageID>uuid:${messageId}</a:MessageID><a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To><a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action></s:Header><s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>`;
}

const asArray = <T>(v: T | T[] | undefined): T[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

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
  ).map((m) => {
    const scopes = (textOf(m.Scopes) ?? '').split(/\s+/).filter(Boolean);
    const scope = (kind: string) => {
      const s = scopes.find((x) => x.startsWith(`onvif://www.onvif.org/${kind}/`));
      return s ? decodeURIComponent(s.slice(`onvif://www.onvif.org/${kind}/`.length)) : undefined;
    };
    return {
      urn: textOf((m.EndpointReference as Record<string, unknown> | undefined)?.Address) ?? '',
      xaddrs: (textOf(m.XAddrs) ?? '').split(/\s+/).filter(Boolean),
      scopes,
      name: scope('name'),
      hardware: scope('hardware'),
      from,
    };
  });
}

/** The IPv4 address of an interface given by name or address; undefined: the default. */
export function interfaceAddress(given: string | undefined): string | undefined {
  if (!given) return undefined;
  const all = os.networkInterfaces();
  const byName = all[given]?.find((a) => a.family === 'IPv4');
  if (byName) return byName.address;
  for (const list of Object.values(all))
    for (const a of list ?? []) if (a.family === 'IPv4' && a.address === given) return a.address;
  throw ValidationError.field(
    'interface',
    `no network interface ${given} (known: ${Object.keys(all).join(', ')})`,
  );
}

/**
 * Sends a WS-Discovery Probe and collects the answers for `timeoutMs`. With
 * `target` the probe goes to that address only (a known subnet's device or a
 * test responder); otherwise it is multicast from the chosen interface.
 */
export async function discover(opts: {
  interface?: string | undefined;
  target?: { host: string; port: number } | undefined;
  timeoutMs: number;
}): Promise<DiscoveredDevice[]> {
  const bindAddress = interfaceAddress(opts.interface);
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
    const message = Buffer.from(probeMessage(messageId));
    if (opts.target) {
      socket.send(message, opts.target.port, opts.target.host);
    } else {
      if (bindAddress) socket.setMulticastInterface(bindAddress);
      socket.setMulticastTTL(1);
      socket.send(message, PORT, MULTICAST);
    }
    await new Promise((r) => setTimeout(r, opts.timeoutMs));
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
function withoutCredentials(u: string | undefined): string | undefined {
  if (!u) return undefined;
  try {
    const url = new URL(u);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return undefined;
  }
}

/** What a device says of itself and its first two media profiles (main and sub stream). */
export async function describeDevice(
  deviceUrl: string,
  creds: Credentials,
  timeoutMs: number,
): Promise<OnvifDescription> {
  const info = await getDeviceInformation(deviceUrl, creds, timeoutMs);
  const caps = await onvifCall(
    deviceUrl,
    '<tds:GetCapabilities><tds:Category>Media</tds:Category></tds:GetCapabilities>',
    creds,
    timeoutMs,
  );
  const capabilities = (
    caps.GetCapabilitiesResponse as Record<string, Record<string, unknown>> | undefined
  )?.Capabilities;
  const mediaUrl =
    textOf((capabilities?.Media as Record<string, unknown> | undefined)?.XAddr) ?? deviceUrl;
  const profilesBody = await onvifCall(mediaUrl, '<trt:GetProfiles/>', creds, timeoutMs);
  const profiles = asArray(
    (profilesBody.GetProfilesResponse as Record<string, unknown> | undefined)?.Profiles as
      Record<string, unknown> | Array<Record<string, unknown>> | undefined,
  ).map((p) => ({
    token: typeof p['@token'] === 'string' ? p['@token'] : '',
    name: textOf(p.Name),
  }));
  const streamUri = async (token: string) => {
    const b = await onvifCall(
      mediaUrl,
      `<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream><tt:Transport><tt:Protocol>RTSP</tt:Protocol></tt:Transport></trt:StreamSetup><trt:ProfileToken>${token}</trt:ProfileToken></trt:GetStreamUri>`,
      creds,
      timeoutMs,
    );
    const r = b.GetStreamUriResponse as Record<string, Record<string, unknown>> | undefined;
    return withoutCredentials(textOf(r?.MediaUri?.Uri));
  };
  const main = profiles[0];
  const sub = profiles[1];
  let snapshotUrl: string | undefined;
  if (main) {
    try {
      const b = await onvifCall(
        mediaUrl,
        `<trt:GetSnapshotUri><trt:ProfileToken>${main.token}</trt:ProfileToken></trt:GetSnapshotUri>`,
        creds,
        timeoutMs,
      );
      const r = b.GetSnapshotUriResponse as Record<string, Record<string, unknown>> | undefined;
      snapshotUrl = withoutCredentials(textOf(r?.MediaUri?.Uri));
    } catch {
      // Snapshots are optional in Profile S.
    }
  }
  return {
    vendor: info.manufacturer,
    model: info.model,
    firmwareVersion: info.firmwareVersion,
    serialNumber: info.serialNumber,
    streamUrl: main ? await streamUri(main.token) : undefined,
    subStreamUrl: sub ? await streamUri(sub.token) : undefined,
    snapshotUrl,
    profiles,
  };
}
