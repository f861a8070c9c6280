import fs from 'node:fs';
import { type Browser, type Page, chromium } from 'playwright-core';

/**
 * The web UI tests' browser: playwright-core driving the system's Chromium (Debian: `apt-get install -y chromium
 * fonts-noto-cjk`), or the one at CHROMIUM_PATH. Without it the tests fail on purpose rather than skipping.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: the web UI tests need it (apt-get install -y chromium fonts-noto-cjk, or set CHROMIUM_PATH)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface OpenOptions {
  width?: number;
  height?: number;
  /** The browser's own time zone (the page must not depend on it). */
  timezoneId?: string;
}

/**
 * A fresh page (its own context, so no state leaks between tests) at `url`. Script errors and failed responses
 * (HTTP 400 and above) are collected for the test to assert on.
 */
export async function openPage(
  browser: Browser,
  url: string,
  options: OpenOptions = {},
): Promise<{ page: Page; errors: string[]; failed: string[] }> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1440, height: options.height ?? 900 },
    locale: 'zh-CN',
    timezoneId: options.timezoneId,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  const failed: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('response', (res) => {
    if (res.status() >= 400) failed.push(`${res.status()} ${res.request().method()} ${res.url()}`);
  });
  // The context goes with its page; after the browser itself closed there is nothing left to close.
  page.on('close', () => void context.close().catch(() => undefined));
  await page.goto(url);
  return { page, errors, failed };
}

/** How wide the document is against the viewport, and the header's width (it must span the viewport). */
export function pageWidths(page: Page): Promise<{ scrollWidth: number; innerWidth: number; headerWidth: number }> {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    headerWidth: document.querySelector('header')!.getBoundingClientRect().width,
  }));
}
