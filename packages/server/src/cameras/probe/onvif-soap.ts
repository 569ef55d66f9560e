/**
 * ONVIF over SOAP 1.2, as small as CityOps needs it: an envelope with a
 * WS-Security UsernameToken (PasswordDigest), the call over HTTP (with HTTP
 * Digest as a fallback some cameras want), and the answer's body parsed
 * without namespace prefixes.
 *
 * Discovery, filling in a camera and event subscriptions use the onvif
 * library (../onvif.ts, ../onvif-events.ts). This stays for two calls it does
 * not fit:
 * - the health probe's GetDeviceInformation, asked of every camera every
 *   round: one request under one hard deadline. Through the library it is at
 *   least two (its WS-Security timestamps need GetSystemDateAndTime first),
 *   parsed by xml2js, and bounded only by a socket idle timeout, which a
 *   device sending slowly never reaches; a round over 409 cameras has to stay
 *   within its time and CPU budget.
 * - PullMessages with a wait of a second (the library always asks for one
 *   minute; see ../onvif-events.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { cameraHttp } from './http-fetch.js';
import { CheckError } from './rtsp.js';
import type { Credentials } from './types.js';

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
});

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function securityHeader(creds: Credentials, now = new Date()): string {
  if (!creds) return '';
  const nonce = randomBytes(16);
  const created = now.toISOString();
  const digest = createHash('sha1')
    .update(Buffer.concat([nonce, Buffer.from(created), Buffer.from(creds.password)]))
    .digest('base64');
  return `<s:Header><Security s:mustUnderstand="1" xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><UsernameToken><Username>${escapeXml(creds.username)}</Username><Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${digest}</Password><Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${nonce.toString('base64')}</Nonce><Created xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">${created}</Created></UsernameToken></Security></s:Header>`;
}

export function envelope(body: string, creds: Credentials): string {
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema">${securityHeader(creds)}<s:Body>${body}</s:Body></s:Envelope>`;
}

/** Calls one ONVIF operation and answers the parsed content of the SOAP Body. */
export async function onvifCall(
  url: string,
  body: string,
  creds: Credentials,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const res = await cameraHttp({
    url,
    creds,
    timeoutMs,
    method: 'POST',
    body: envelope(body, creds),
    headers: { 'content-type': 'application/soap+xml; charset=utf-8' },
    maxBytes: 2 * 1024 * 1024,
  });
  const text = res.body.toString('utf8');
  let parsed: Record<string, unknown>;
  try {
    parsed = parser.parse(text) as Record<string, unknown>;
  } catch {
    throw new CheckError('onvif_error', `HTTP ${res.status}, not XML`);
  }
  const env = parsed.Envelope as Record<string, unknown> | undefined;
  const b = env?.Body as Record<string, unknown> | undefined;
  if (!b) throw new CheckError('onvif_error', `HTTP ${res.status}, not a SOAP answer`);
  if (b.Fault) {
    const auth = res.status === 401 || /NotAuthorized|not authorized/i.test(text);
    throw new CheckError(auth ? 'unauthorized' : 'onvif_error', `SOAP fault (HTTP ${res.status})`);
  }
  if (res.status === 401) throw new CheckError('unauthorized', 'HTTP 401');
  if (res.status !== 200) throw new CheckError('onvif_error', `HTTP ${res.status}`);
  return b;
}

/** The text of an element the parser may give as a string or as {#text, @attr}. */
export function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && '#text' in v) return String(v['#text']);
  return undefined;
}

export interface DeviceInformation {
  manufacturer?: string | undefined;
  model?: string | undefined;
  firmwareVersion?: string | undefined;
  serialNumber?: string | undefined;
  hardwareId?: string | undefined;
}

export async function getDeviceInformation(
  url: string,
  creds: Credentials,
  timeoutMs: number,
): Promise<DeviceInformation> {
  const b = await onvifCall(url, '<tds:GetDeviceInformation/>', creds, timeoutMs);
  const r = b.GetDeviceInformationResponse as Record<string, unknown> | undefined;
  if (!r) throw new CheckError('onvif_error', 'no GetDeviceInformationResponse');
  return {
    manufacturer: textOf(r.Manufacturer),
    model: textOf(r.Model),
    firmwareVersion: textOf(r.FirmwareVersion),
    serialNumber: textOf(r.SerialNumber),
    hardwareId: textOf(r.HardwareId),
  };
}
