/**
 * What the console's browser tests share: a CityOps on a free port over a
 * PGlite test database with the given users (in Vietnamese, province-wide) and
 * Chromium; signing in on the console's sign-in screen; and waiting for the
 * console's map (window.__cityopsMap) to have drawn its data.
 */
import { expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Role } from '@cityops/contracts';
import { createCityOps, type CityOps } from '../../src/main.js';
import { systemActor } from '../../src/core/auth/principal.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { testConfig } from '../support/app.js';
import { launchBrowser, type WatchedPage } from './browser.js';
import { ensureWebBuild } from './web-build.js';

export interface ConsoleUser {
  email: string;
  password: string;
  name: string;
  role: Role;
}

export interface ConsoleApp {
  cityops: CityOps;
  /** The base URL CityOps listens on. */
  base: string;
  browser: Browser;
  /** A token of the user, signed in through the API. */
  token(who: { email: string; password: string }): Promise<string>;
  /** Fills and sends the console's sign-in screen (in Vietnamese). */
  signIn(page: Page, who: { email: string; password: string }): Promise<void>;
  close(): Promise<void>;
}

/** Builds the web app when its sources are newer, then starts CityOps (with `env` added) and Chromium. */
export async function startConsoleApp(opts: {
  users: ConsoleUser[];
  env?: Record<string, string>;
}): Promise<ConsoleApp> {
  ensureWebBuild();
  let testDb: TestDb | undefined;
  let cityops: CityOps | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await cityops?.close();
    await testDb?.drop();
  };
  try {
    testDb = await openTestDb('pglite');
    const app = await createCityOps({
      config: testConfig({ CITYOPS_PORT: '0', ...opts.env }),
      db: testDb.db,
      log: false,
    });
    cityops = app;
    for (const u of opts.users)
      await app.people.users.create(systemActor, {
        ...u,
        units: [],
        agencies: [],
        locale: 'vi',
      });
    const base = (await app.listen()).replace('[::1]', '127.0.0.1');
    browser = await launchBrowser();
    return {
      cityops: app,
      base,
      browser,
      token: (who) => apiToken(base, who),
      signIn: (page, who) => signInOnConsole(page, base, who),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

async function apiToken(base: string, who: { email: string; password: string }): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: who.email, password: who.password }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function signInOnConsole(
  page: Page,
  base: string,
  who: { email: string; password: string },
): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Mật khẩu').fill(who.password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

/** Fails the test when the page logged errors other than the expected ones. */
export function expectNoConsoleErrors(w: WatchedPage, expected: RegExp[] = []): void {
  expect(w.errors.filter((e) => !expected.some((re) => re.test(e)))).toEqual([]);
}

/** What the tests read of the console's MapLibre map (window.__cityopsMap). */
export interface MapProbe {
  getSource(id: string): unknown;
  isSourceLoaded(id: string): boolean;
  querySourceFeatures(id: string): Array<{ properties: Record<string, unknown> }>;
  queryRenderedFeatures(options: { layers: string[] }): Array<{
    properties: Record<string, unknown>;
  }>;
  jumpTo(options: { center: number[]; zoom: number }): void;
  getCenter(): { lng: number; lat: number };
  hasImage(id: string): boolean;
  once(event: string, listener: () => void): void;
  isMoving(): boolean;
  project(lngLat: number[]): { x: number; y: number };
  getCanvas(): {
    getBoundingClientRect(): { left: number; top: number; width: number; height: number };
  };
}
export type ProbeWindow = { __cityopsMap?: MapProbe };

/**
 * Waits until the console's map has its commune boundaries loaded and, of each
 * source in `also`, features to show.
 */
export async function waitForMap(page: Page, also: string[] = []): Promise<void> {
  await page.waitForFunction(
    (sources) => {
      const m = (globalThis as unknown as ProbeWindow).__cityopsMap;
      return (
        !!m &&
        !!m.getSource('admin-units') &&
        m.isSourceLoaded('admin-units') &&
        m.querySourceFeatures('admin-units').length > 0 &&
        sources.every((s) => !!m.getSource(s) && m.querySourceFeatures(s).length > 0)
      );
    },
    also,
    { timeout: 20_000 },
  );
}
