/**
 * Headless Chromium for the end-to-end tests: the system's Debian Chromium
 * (never a downloaded browser), and pages that record every console error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const artifacts = fileURLToPath(new URL('../../../../test-artifacts/e2e/', import.meta.url));

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`The browser tests need Chromium at ${CHROMIUM} (apt-get install chromium).`);
  fs.mkdirSync(artifacts, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A page whose console errors and uncaught exceptions are kept in `errors`. */
export interface WatchedPage {
  page: Page;
  errors: string[];
}

export async function watchedPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { page, errors };
}

/**
 * Inside a suite: one watched page for its tests, in the browser context that
 * `open` answers before them; the context is closed after them.
 */
export function useWatchedPage(open: () => Promise<BrowserContext>): WatchedPage {
  const w = { errors: [] as string[] } as WatchedPage;
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    context = await open();
    Object.assign(w, await watchedPage(context));
  });
  afterAll(async () => context?.close());
  return w;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`) });
}
