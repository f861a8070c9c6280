import test from 'ava';
import type { Browser, Page } from 'playwright-core';
import type { EmulatorHost } from '../src/host.js';
import { createTimers } from '../src/timers/service.js';
import { installWebUi } from '../src/ui/app.js';
import { installDataApi } from '../src/ui/data-api.js';
import { launchBrowser, openPage } from './helpers/browser.js';
import { startWithFunctions } from './helpers/functions.js';

/**
 * The 函数调用 tab in Chromium: filters (function, route, source, caller, outcome), timer firings hidden until asked
 * for, a route's `{ ok: false }` shown as a business error, and paging past the newest 200 invocations.
 */
const { emulator, callFunction } = await startWithFunctions({
  collections: [{ name: 'visits' }],
  services: [installDataApi, installWebUi, (host: EmulatorHost) => void createTimers(host, { autoStart: false })],
});

async function call(name: string, data: Record<string, unknown>, openid: string): Promise<void> {
  const res = await callFunction(name, data, openid);
  if (name !== 'crash' && res.status !== 200) throw new Error(`${name} failed: ${JSON.stringify(res.body)}`);
}
await call('whoami', { $url: 'profile' }, 'o-inv-first'); // the oldest: on the second page once 230 more follow
await call('caller', { target: 'whoami', payload: { via: 'caller' } }, 'o-inv-chain');
// The envelope fixture answers `{ ok: false, code: <refuse>, message }` when asked to refuse.
await call('envelope', { $url: 'stock', refuse: 'OUT_OF_STOCK' }, 'o-inv-buyer');
await call('envelope', { $url: 'stock', refuse: 'OUT_OF_STOCK' }, 'o-inv-buyer');
await call('envelope', { $url: 'list', n: 1 }, 'o-inv-buyer');
await call('crash', { mode: 'throw' }, 'o-inv-crash');
for (let i = 0; i < 230; i++) await call('whoami', { $url: 'bulk', i }, `o-inv-bulk-${i}`);
for (let i = 0; i < 3; i++) {
  const fired = await fetch(`${emulator.url}/__emulator/timers/shopclock/run`, { method: 'POST' });
  if (fired.status !== 200) throw new Error(`timer run failed: ${fired.status}`);
}

const browser: Browser = await launchBrowser();
test.after.always(async () => {
  await browser.close();
  await emulator.close();
});

const rows = (page: Page) => page.locator('#inv-list tr[data-id]');
interface Listed {
  /** The invocation's id: two calls can read the same in a row (same function, caller and second). */
  id: string;
  fn: string;
  source: string;
  route: string;
  openid: string;
  outcome: string;
  text: string;
}
/** The listed invocations as the rows' data attributes say, and each row's text. */
function listed(page: Page): Promise<Listed[]> {
  return rows(page).evaluateAll((trs) =>
    trs.map((tr) => ({
      id: tr.getAttribute('data-id') ?? '',
      fn: tr.getAttribute('data-function') ?? '',
      source: tr.getAttribute('data-source') ?? '',
      route: tr.getAttribute('data-route') ?? '',
      openid: tr.getAttribute('data-openid') ?? '',
      outcome: tr.getAttribute('data-outcome') ?? '',
      text: tr.textContent ?? '',
    })),
  );
}
/** Waits until the list shows exactly `n` rows and answers them. */
async function expectRows(page: Page, n: number): Promise<Listed[]> {
  await page.waitForFunction((count) => document.querySelectorAll('#inv-list tr[data-id]').length === count, n, {
    timeout: 10_000,
  });
  return listed(page);
}

test.serial('timer firings are hidden until 显示定时触发 is ticked', async (t) => {
  const { page } = await openPage(browser, `${emulator.url}/#invocations`);
  await rows(page).first().waitFor();
  t.is(await page.locator('#inv-timers').isChecked(), false);
  t.false((await listed(page)).some((r) => r.source === 'timer' || r.text.includes('定时触发')));
  await page.locator('#inv-timers').check();
  await page.locator('#inv-list tr[data-source="timer"]').first().waitFor();
  const timers = (await listed(page)).filter((r) => r.source === 'timer');
  t.is(timers.length, 3);
  t.true(timers.every((r) => r.text.includes('定时触发') && r.fn === 'shopclock'));
  await page.close();
});

test.serial('a route that answered ok: false is a 业务错误, not 成功; its code shows in the detail', async (t) => {
  const { page } = await openPage(browser, `${emulator.url}/#invocations`);
  await page.locator('#inv-function').selectOption('envelope');
  const list = await expectRows(page, 3);
  const stock = list.filter((r) => r.route === 'stock');
  t.is(stock.length, 2);
  for (const r of stock) {
    t.is(r.outcome, 'business_error');
    t.true(r.text.includes('业务错误'), r.text);
    t.false(r.text.includes('成功'), r.text);
  }
  const ok = list.find((r) => r.route === 'list')!;
  t.is(ok.outcome, 'ok');
  t.true(ok.text.includes('成功'));
  await page.locator('#inv-list tr[data-route="stock"]').first().click();
  const detail = page.locator('#inv-detail');
  await detail.getByText('OUT_OF_STOCK').first().waitFor();
  t.true(((await detail.textContent()) ?? '').includes('业务错误'));
  await page.screenshot({ path: '/tmp/emulator-ui-business-error.png' });
  await page.close();
});

test.serial('filters by function, route, source, caller and outcome', async (t) => {
  const { page } = await openPage(browser, `${emulator.url}/#invocations`);
  await rows(page).first().waitFor();

  await page.locator('#inv-function').selectOption('envelope');
  t.true((await expectRows(page, 3)).every((r) => r.fn === 'envelope'));
  await page.locator('#inv-route').fill('stock');
  await page.locator('#inv-route').press('Enter');
  t.true((await expectRows(page, 2)).every((r) => r.fn === 'envelope' && r.route === 'stock'));

  await page.locator('#inv-clear').click();
  await expectRows(page, 200);
  t.is(await page.locator('#inv-route').inputValue(), '');

  await page.locator('#inv-source').selectOption('callFunction');
  const called = await expectRows(page, 1);
  t.like(called[0], { fn: 'whoami', source: 'callFunction', openid: 'o-inv-chain' });
  t.true(called[0]!.text.includes('云函数调用'));
  await page.locator('#inv-clear').click();

  await page.locator('#inv-caller').fill('o-inv-buyer');
  await page.locator('#inv-caller').press('Enter');
  t.true((await expectRows(page, 3)).every((r) => r.openid === 'o-inv-buyer'));
  await page.locator('#inv-clear').click();

  await page.locator('#inv-outcome').selectOption('business_error');
  t.true((await expectRows(page, 2)).every((r) => r.outcome === 'business_error' && r.route === 'stock'));
  await page.locator('#inv-outcome').selectOption('error');
  const failed = await expectRows(page, 1);
  t.like(failed[0], { fn: 'crash', outcome: 'error' });
  t.true(failed[0]!.text.includes('错误'));
  await page.locator('#inv-outcome').selectOption('ok');
  await page.waitForFunction(() => document.querySelectorAll('#inv-list tr[data-id]').length === 200);
  t.true((await listed(page)).every((r) => r.outcome === 'ok'));
  await page.close();
});

test.serial('paging goes past the newest 200 invocations and back', async (t) => {
  const { page } = await openPage(browser, `${emulator.url}/#invocations`);
  const first = await expectRows(page, 200);
  t.false(
    first.some((r) => r.openid === 'o-inv-first'),
    'the oldest call is not among the newest 200',
  );
  t.true(
    first.some((r) => r.openid === 'o-inv-bulk-229'),
    'the newest shopper call is',
  );
  await page.locator('#inv-older').click();
  await page.locator('#inv-list tr[data-openid="o-inv-first"]').waitFor();
  const second = await listed(page);
  // 237 invocations that are not timer firings (whoami called through caller counts): 200 on the first page, 37 here.
  t.is(second.length, 37);
  t.false(
    second.some((r) => first.some((f) => f.id === r.id)),
    'no row of the first page again',
  );
  t.true(await page.locator('#inv-older').isDisabled(), 'nothing older');
  await page.locator('#inv-newer').click();
  await page.locator('#inv-list tr[data-openid="o-inv-bulk-229"]').waitFor();
  t.is((await listed(page)).length, 200);
  await page.close();
});
