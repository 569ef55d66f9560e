/**
 * Helpers for the report tests: a clock the test moves, points with known
 * admin units, the agencies the routing needs, a loopback SMS gateway that
 * records what it is sent, and small callers of the report APIs.
 */
import http from 'node:http';
import path from 'node:path';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import type { CitizenReport, ReportDetail } from '@cityops/contracts';
import { FakeClock as MovableClock } from '../support/clock.js';
import { useTestCityOps, type Caller, type TestCityOps } from '../support/app.js';
import type { CityOpsOptions } from '../../src/main.js';
import type { DbKind } from '../support/db.js';

/** The report tests' clock: from Monday 2 March 2026, 9:00 in Hà Nội, unless given. */
export class FakeClock extends MovableClock {
  constructor(ms = Date.parse('2026-03-02T02:00:00Z')) {
    super(ms);
  }
}

export type LonLat = [number, number];

/** Points inside communes of the province (the shipped 2025 boundaries), and one outside. */
export const places = {
  phanDinhPhung: { unit: '19-phuong-phan-dinh-phung', at: [105.8442, 21.5925] as LonLat },
  giaSang: { unit: '19-phuong-gia-sang', at: [105.7888, 21.5961] as LonLat },
  bacKan: { unit: '19-phuong-bac-kan', at: [105.8147, 22.1498] as LonLat },
  hanoi: { unit: null, at: [105.8342, 21.0278] as LonLat },
};

export const WARD_COMMITTEE = 'UBND-PHAN-DINH-PHUNG';
export const GIA_SANG_COMMITTEE = 'UBND-GIA-SANG';

/** Shifts a point by metres (east, north). */
export function offset([lon, lat]: LonLat, east: number, north: number): LonLat {
  return [lon + east / (111_320 * Math.cos((lat * Math.PI) / 180)), lat + north / 111_320];
}

/** The agencies routing needs: two ward committees, URENCO, the water company. */
export async function createAgencies(admin: Caller): Promise<void> {
  const agencies = [
    { code: WARD_COMMITTEE, kind: 'people_committee', units: [places.phanDinhPhung.unit] },
    { code: GIA_SANG_COMMITTEE, kind: 'people_committee', units: [places.giaSang.unit] },
    { code: 'URENCO-TN', kind: 'environment', units: [] },
    { code: 'NUOC-TN', kind: 'utilities', units: [] },
    { code: 'CSGT-TN', kind: 'traffic_police', units: [] },
  ];
  for (const a of agencies) {
    const res = await admin.post('/api/v1/agencies', {
      ...a,
      nameVi: `Cơ quan ${a.code}`,
      nameEn: `Agency ${a.code}`,
    });
    expect([201, 409], res.body).toContain(res.statusCode);
  }
}

export async function apiKey(admin: Caller, scope = 'open311'): Promise<string> {
  const res = await admin.post('/api/v1/apikeys', { name: `test ${scope} client`, scope });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ key: string }>().key;
}

/** A form-encoded POST (Open311). */
export function postForm(
  t: TestCityOps,
  url: string,
  form: Record<string, string | string[]>,
  headers: Record<string, string> = {},
) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) body.append(k, one);
  return t.cityops.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers },
    payload: body.toString(),
  });
}

/** A report sent through the citizen app (anonymous when the caller has no token). */
export async function citizenReport(
  caller: Caller,
  body: Record<string, unknown> = {},
): Promise<{ report: CitizenReport; followToken: string | null }> {
  const [lon, lat] = places.phanDinhPhung.at;
  const res = await caller.post('/api/v1/citizen/reports', {
    categoryCode: 'road_damage',
    description: 'Ổ gà lớn trước số 12',
    lat,
    lon,
    attributes: { hazard_level: 'high' },
    ...body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export async function act(
  caller: Caller,
  id: string,
  action: string,
  body: Record<string, unknown> = {},
  status = 200,
): Promise<ReportDetail> {
  const res = await caller.post(`/api/v1/reports/${id}/${action}`, body);
  expect(res.statusCode, `${action}: ${res.body}`).toBe(status);
  return res.json<ReportDetail>();
}

/** A loopback SMS gateway: what CITYOPS_SMS_URL points at, recording every message. */
export class SmsGateway {
  readonly sent: Array<{ to: string; text: string }> = [];
  failing = false;
  private server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (this.failing) {
        res.writeHead(503).end();
        return;
      }
      this.sent.push(JSON.parse(body) as { to: string; text: string });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  url = '';

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/sms`;
    return this.url;
  }
  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
  codeFor(phone: string): string | undefined {
    const m = [...this.sent].reverse().find((s) => s.to === phone);
    return m && /(\d{6})/.exec(m.text)?.[1];
  }
}

/** A fresh data folder (uploaded files, keys), in the test run's folder: removed when the run ends. */
export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(inject('testTmpDir'), 'reports-'));
}

/**
 * A CityOps for the citizen-facing tests: the clock the test moves, a data
 * folder of its own, sign-in tokens that outlive the clock's jumps, and the
 * loopback SMS gateway; `env` adds settings.
 */
export function useCitizenCityOps(
  kind: DbKind,
  opts: {
    clock?: FakeClock;
    env?: Record<string, string>;
    modules?: Pick<CityOpsOptions, 'reports' | 'open311'>;
  } = {},
): {
  clock: FakeClock;
  sms: SmsGateway;
  t: () => TestCityOps;
  /** Signs a citizen in by phone (a local number such as 0912…) with the code sent, a minute after the last. */
  signIn: (phone: string) => Promise<Caller>;
} {
  const clock = opts.clock ?? new FakeClock();
  const sms = new SmsGateway();
  const env: Record<string, string> = {
    CITYOPS_DATA_DIR: tempDataDir(),
    CITYOPS_TOKEN_TTL_HOURS: '8760',
    ...opts.env,
  };
  beforeAll(async () => {
    env.CITYOPS_SMS_URL = await sms.start();
  });
  afterAll(() => sms.close());
  const t = useTestCityOps(kind, {
    clock,
    env,
    ...(opts.modules ? { modules: opts.modules } : {}),
  });
  const signIn = async (phone: string) => {
    clock.advance(61_000);
    await t().anonymous.post('/api/v1/citizen/otp', { phone });
    const res = await t().anonymous.post('/api/v1/citizen/otp/verify', {
      phone,
      code: sms.codeFor(`+84${phone.slice(1)}`),
    });
    expect(res.statusCode, res.body).toBe(200);
    return t().as(res.json<{ token: string }>().token);
  };
  return { clock, sms, t, signIn };
}
