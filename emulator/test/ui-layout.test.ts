import test from 'ava';
import type { Browser, Page } from 'playwright-core';
import type { EmulatorHost } from '../src/host.js';
import { installOpenApi } from '../src/openapi/service.js';
import { installPay } from '../src/pay/service.js';
import { installStorage, putFile } from '../src/storage/service.js';
import { createTimers } from '../src/timers/service.js';
import { installWebUi } from '../src/ui/app.js';
import { installDataApi } from '../src/ui/data-api.js';
import { launchBrowser, openPage, pageWidths } from './helpers/browser.js';
import { startWithFunctions } from './helpers/functions.js';
import { until } from './helpers/wait.js';

/**
 * The web UI's layout as a newcomer sees it in Chromium, at a desktop (1440 px) and a narrow (800 px) width: nothing
 * wider than the window, wide tables scrolling inside their card, the invocation detail in view; one time zone for
 * every time; a favicon; a refused filter not re-sent on every refresh.
 */
type Rec = Record<string, any>;
const WIDTHS = [1440, 800] as const;

const { emulator, callFunction } = await startWithFunctions({
  collections: [{ name: 'products' }, { name: 'visits' }],
  services: [
    installDataApi,
    installWebUi,
    (host: EmulatorHost) => void installPay(host),
    installOpenApi,
    (host: EmulatorHost) => void createTimers(host, { autoStart: false }),
    installStorage,
  ],
});

// A wide collection: many fields, long values (the shop's products have descriptions, image lists, SKU tables).
const long = (label: string) => `${label}：` + '一段很长的商品描述文字，'.repeat(12);
emulator.database.actions['database.insertDocument']!(
  {
    collectionName: 'products',
    data: Array.from({ length: 6 }, (_v, i) =>
      JSON.stringify({
        _id: `wide-${i}`,
        title: long('标题'),
        description: long('描述'),
        images: Array.from({ length: 6 }, (_w, j) => `cloud://local-env.local-env-1250000000/products/${i}/image-${j}.jpg`),
        skus: [{ skuId: `sku-${i}-a`, price: 990, stock: 10, specs: { 颜色: '红', 尺码: 'XL' } }],
        categoryPath: ['服饰', '男装', '外套', '冬季'],
        merchantNote: long('备注'),
        searchKeywords: long('关键词'),
      }),
    ),
  },
  Date.now(),
);
putFile(emulator.host, 'products/very/deep/folder/structure/with/a-long-file-name-for-the-cover-image-of-a-product.txt', 'x');

// Enough invocations for a list several screens long.
for (let i = 0; i < 80; i++) {
  const res = await callFunction('whoami', { $url: 'profile', i }, `o-layout-${i}`);
  if (res.status !== 200) throw new Error(`whoami failed: ${JSON.stringify(res.body)}`);
}
const FIRST_OPENID = 'o-layout-0';

// A paid order with a completed refund, for the times the pay sandbox reports (successTime is Beijing time, no zone).
const ORDER = `LAYOUT_${process.pid}`;
const ordered = await callFunction('shopclock', { createOrder: ORDER, envId: emulator.envId });
if (ordered.body.result?.resultCode !== 'SUCCESS') throw new Error(`unifiedOrder failed: ${JSON.stringify(ordered.body)}`);

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: Rec }> {
  const res = await fetch(`${emulator.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Rec };
}
await control('POST', `/__emulator/pay/orders/${ORDER}/pay`, { openid: 'o-layout-payer' });
await control('POST', '/__emulator/pay/merchant/refund', {
  out_trade_no: ORDER,
  out_refund_no: `R${ORDER}`,
  total_fee: 990,
  refund_fee: 100,
  sub_mch_id: '1900000109',
  env_id: emulator.envId,
  function_name: 'shopclock',
});
await until(
  async () =>
    ((await control('GET', '/__emulator/pay/refunds')).json.refunds as Rec[]).find((r) => r.outRefundNo === `R${ORDER}`),
  (r) => r?.status === 'SUCCESS',
);

const browser: Browser = await launchBrowser();
test.after.always(async () => {
  await browser.close();
  await emulator.close();
});

/** Waits until the tab has drawn its data (the refresh after opening it). */
async function openTab(page: Page, tab: string): Promise<void> {
  await page.evaluate((id) => {
    location.hash = '#' + id;
  }, tab);
  await page.locator(`#view-${tab}:not([hidden])`).waitFor();
  await page.locator(`#view-${tab} table, #view-${tab} .empty, #view-${tab} textarea`).first().waitFor();
}

for (const width of WIDTHS) {
  test.serial(
    `${width} px: no tab is wider than the window, the header spans it, wide tables scroll in their card`,
    async (t) => {
      const { page, errors } = await openPage(browser, `${emulator.url}/#overview`, { width });
      for (const tab of ['overview', 'database', 'call', 'invocations', 'pay', 'timers', 'storage', 'outbox']) {
        await openTab(page, tab);
        if (tab === 'database') await page.locator('#db-table tr[data-id="wide-0"]').waitFor();
        if (tab === 'invocations') await page.locator('#inv-list tr[data-id]').first().waitFor();
        const widths = await pageWidths(page);
        t.true(
          widths.scrollWidth <= widths.innerWidth,
          `${tab}: the page is ${widths.scrollWidth} px wide in a ${width} px window`,
        );
        t.is(Math.round(widths.headerWidth), widths.innerWidth, `${tab}: the header spans the window`);
        await page.screenshot({ path: `/tmp/emulator-ui-${tab}-${width}.png`, fullPage: true });
      }

      await openTab(page, 'database');
      await page.locator('#db-table tr[data-id="wide-0"]').waitFor();
      const box = await page.locator('#db-table .table-wrap').evaluate((wrap) => {
        const card = wrap.closest('section.card')!.getBoundingClientRect();
        const rect = wrap.getBoundingClientRect();
        return { scrollWidth: wrap.scrollWidth, clientWidth: wrap.clientWidth, right: rect.right, cardRight: card.right };
      });
      t.true(box.scrollWidth > box.clientWidth, 'the wide table is wider than its card, so it scrolls inside it');
      t.true(box.right <= box.cardRight, 'the table does not spill out of its card');
      await page.screenshot({ path: `/tmp/emulator-ui-database-${width}.png` });
      t.deepEqual(errors, []);
      await page.close();
    },
  );

  test.serial(`${width} px: clicking an invocation low in the list shows its detail in view`, async (t) => {
    const { page } = await openPage(browser, `${emulator.url}/#invocations`, { width, height: 800 });
    const low = page.locator('#inv-list tr[data-id]', { hasText: FIRST_OPENID });
    await low.waitFor();
    await low.scrollIntoViewIfNeeded();
    t.true(await page.evaluate(() => window.scrollY > 1000), 'the row is far down the page');
    await low.click();
    await page.locator('#inv-detail', { hasText: FIRST_OPENID }).waitFor();
    // The detail's heading and first lines are on screen, without scrolling back up.
    const view = await page.locator('#inv-detail').evaluate((el) => {
      const rect = el.getBoundingClientRect();
      return { top: rect.top, bottom: rect.bottom, height: window.innerHeight };
    });
    t.true(view.top >= 0 && view.top < view.height - 100, `the detail starts at ${view.top} px in a ${view.height} px window`);
    t.true(view.bottom > 0);
    await page.screenshot({ path: `/tmp/emulator-ui-invocation-detail-${width}.png` });
    await page.close();
  });
}

test.serial('every time is Beijing time, says so, and the pay sandbox successTime agrees with the others', async (t) => {
  // A browser in New York: what the page shows must not depend on the viewer's zone.
  const { page } = await openPage(browser, `${emulator.url}/#timers`, { timezoneId: 'America/New_York' });
  t.regex((await page.locator('header').textContent()) ?? '', /北京时间/);
  // The timer's cron is in UTC+8 ("0 0 2 * * * *": 02:00 every day), so its next firing reads 02:00:00.
  const next = page.locator('tr[data-timer="shopclock"] td').nth(3);
  await next.waitFor();
  t.regex((await next.textContent()) ?? '', / 02:00:00$/);

  await page.getByRole('button', { name: '支付沙箱' }).click();
  const refund = page.locator(`tr[data-refund="R${ORDER}"]`);
  await refund.waitFor();
  const cells = await refund.locator('td').allTextContents();
  const [applied, succeeded] = [cells[0]!, cells[6]!].map((text) => Date.parse(text.replace(' ', 'T') + '+08:00'));
  t.false(Number.isNaN(applied), cells[0]);
  t.false(Number.isNaN(succeeded), cells[6]);
  t.true(Math.abs(succeeded! - applied!) < 60_000, `applied ${cells[0]}, succeeded ${cells[6]}: the same zone`);
  const sandbox = ((await control('GET', '/__emulator/pay/refunds')).json.refunds as Rec[]).find(
    (r) => r.outRefundNo === `R${ORDER}`,
  )!;
  t.is(applied, Math.floor(Date.parse(sandbox.createdAt as string) / 1000) * 1000, 'createdAt (UTC) shown in Beijing time');
  await page.close();
});

test.serial('the page has a favicon and loads without a failed request', async (t) => {
  const { page, failed, errors } = await openPage(browser, `${emulator.url}/#overview`);
  await page.locator('#view-overview table').first().waitFor();
  const href = await page.locator('link[rel="icon"]').getAttribute('href');
  t.truthy(href);
  const icon = await fetch(new URL(href!, emulator.url));
  t.is(icon.status, 200);
  t.regex(icon.headers.get('content-type') ?? '', /^image\//);
  t.true((await icon.arrayBuffer()).byteLength > 0);
  t.is((await fetch(`${emulator.url}/favicon.ico`)).status, 200, 'what browsers ask for without a link');
  t.deepEqual(failed, []);
  t.deepEqual(errors, []);
  await page.close();
});

test.serial('a database filter the emulator refuses is sent once, not again on every refresh', async (t) => {
  const { page } = await openPage(browser, `${emulator.url}/#database`);
  await page.locator('#db-table tr[data-id]').first().waitFor();
  const sent: string[] = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.pathname.endsWith('/documents') && url.searchParams.get('query')) sent.push(url.searchParams.get('query')!);
  });
  const filter = page.locator('#db-filter');

  // Valid JSON that the database refuses: one request, then the message stays without asking again.
  await filter.fill('{"price": {"$nope": 1}}');
  await filter.press('Enter');
  await page.locator('#db-table .msg.err', { hasText: '查询失败' }).waitFor();
  await page.waitForTimeout(5000); // two refresh cycles
  t.deepEqual(sent, ['{"price": {"$nope": 1}}']);

  // Not JSON at all: refused in the page, never sent.
  await filter.fill('{price: 1');
  await filter.press('Enter');
  await page.locator('#db-table .msg.err', { hasText: 'JSON' }).waitFor();
  await page.waitForTimeout(2500);
  t.deepEqual(sent, ['{"price": {"$nope": 1}}']);

  // A good filter is sent and kept fresh as usual.
  await filter.fill('{"_id": "wide-1"}');
  await filter.press('Enter');
  await page.locator('#db-table', { hasText: '共 1 条' }).waitFor();
  t.is(sent.at(-1), '{"_id": "wide-1"}');
  await page.close();
});
