import fs from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { isConflict } from '../cloudfunctions/shared/store/transactions.js';
import { createAccount } from '../scripts/admin/owner-account.js';
import type { AdminRole } from '../typings/admin-access.js';
import { Authenticator } from './admin-web.js';
import { startShop, TEST_DATA_KEY } from './shop.js';

/**
 * The merchant admin page in a real browser: the built page (build/admin, `npm run build:admin`) served by the
 * emulator's static hosting at /admin/, the back office at /api/admin running the real `admin` function, and Debian's
 * Chromium driven by playwright-core. Staff accounts are made as `npm run admin:create-owner` makes them, so the test
 * knows each one's password and authenticator.
 */
/** `ADMIN_BUILD_DIR` points the tests at another build (`vite build --outDir`), e.g. while two people build at once. */
export const ADMIN_BUILD = path.resolve(process.env.ADMIN_BUILD_DIR ?? path.join('build', 'admin'));
/** Written by the tests, git-ignored; a few are copied into docs/images for the README. */
export const SCREENSHOTS = path.resolve('build', 'screenshots', 'admin');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface StaffAccount {
  username: string;
  password: string;
  role: AdminRole;
  authenticator: Authenticator;
}

export type AdminSite = Awaited<ReturnType<typeof startAdminSite>>;

export async function startAdminSite(options: { only?: string[] } = {}) {
  if (!fs.existsSync(path.join(ADMIN_BUILD, 'index.html'))) {
    throw new Error('build/admin is missing: run `npm run build:admin` (npm test does it first)');
  }
  const shop = await startShop({
    only: options.only ?? ['admin', 'product', 'order', 'pay', 'user', 'cart'],
    hosting: { dir: ADMIN_BUILD, prefix: '/admin/', errorDocument: 'index.html' },
  });
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  let accounts = 0;
  // createAccount seals the TOTP secret here, in the test's process, with the key the functions run with.
  process.env.SHOP_DATA_KEY ??= TEST_DATA_KEY;

  // Each account's creation is chained into the audit trail, so concurrent tests take turns.
  let creating: Promise<unknown> = Promise.resolve();

  /** A new staff account with a known password and its authenticator already set up. */
  function staff(role: AdminRole = 'owner'): Promise<StaffAccount> {
    const username = `${role}${process.pid % 10000}x${++accounts}`;
    const password = `测试密码-${username}-0123456789`;
    const made = creating.then(async () => {
      // The audit chain also grows with what the pages do meanwhile, so a creation may meet a conflict: try again.
      for (let attempt = 1; ; attempt++) {
        try {
          const created = await createAccount(shop.app, { username, name: `测试${role}${accounts}`, role, password });
          return { username, password, role, authenticator: new Authenticator(created.totpSecret) };
        } catch (err) {
          if (!isConflict(err) || attempt >= 5) throw err;
          await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
        }
      }
    });
    creating = made.catch(() => undefined);
    return made;
  }

  /** A fresh browser context (its own cookies and storage) at `width` × 900. */
  async function open(width = 1440): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  /** Signs `account` in through the 登录 page and waits for the signed-in frame. */
  async function signIn(page: Page, account: StaffAccount, hash = ''): Promise<void> {
    await page.goto(`${shop.emulator.url}/admin/#/login${hash ? `?redirect=${encodeURIComponent(hash)}` : ''}`);
    await page.getByPlaceholder('用户名').fill(account.username);
    await page.getByPlaceholder('密码').fill(account.password);
    await page.getByPlaceholder('6 位验证码').fill(await account.authenticator.nextCode());
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('[data-test="me"]').waitFor();
  }

  /** Answers the 二次验证 dialog with the account's next code. */
  async function verify(page: Page, account: StaffAccount): Promise<void> {
    const dialog = page.locator('.verify-dialog');
    await dialog.getByPlaceholder('6 位验证码').fill(await account.authenticator.nextCode());
    await dialog.getByRole('button', { name: '验证' }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  /** A full-page screenshot into build/screenshots/admin/<name>.png. */
  async function screenshot(page: Page, name: string): Promise<void> {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  /**
   * True when nothing on the page is wider than the viewport (no horizontal scroll). Charts follow a resize after a
   * debounce, so the page gets two seconds to settle before the answer is final.
   */
  function fitsViewport(page: Page): Promise<boolean> {
    return page
      .waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, undefined, { timeout: 2000 })
      .then(
        () => true,
        () => false,
      );
  }

  return {
    shop,
    browser,
    url: (hash: string) => `${shop.emulator.url}/admin/#${hash}`,
    staff,
    open,
    signIn,
    verify,
    screenshot,
    fitsViewport,
    async close() {
      await browser.close();
      await shop.close();
    },
  };
}
