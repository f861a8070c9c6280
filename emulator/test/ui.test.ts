import fs from 'node:fs';
import test from 'ava';
import { type Browser, type Page, chromium } from 'playwright-core';
import type { EmulatorHost } from '../src/host.js';
import { installOpenApi } from '../src/openapi/service.js';
import { installPay } from '../src/pay/service.js';
import { installStorage, putFile } from '../src/storage/service.js';
import { createTimers } from '../src/timers/service.js';
import { installWebUi } from '../src/ui/app.js';
import { installDataApi } from '../src/ui/data-api.js';
import { startWithFunctions } from './helpers/functions.js';
import { until } from './helpers/wait.js';

/**
 * The web UI in a real browser: playwright-core driving the system's Chromium against an in-memory emulator that
 * runs the fixture functions, plus the data API it is built on.
 *
 * Requires Chromium at /usr/bin/chromium (Debian: `apt-get install -y chromium`), or its path in CHROMIUM_PATH.
 * CI installs it; without it this file fails on purpose rather than skipping.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!fs.existsSync(CHROMIUM)) {
  throw new Error(
    `Chromium not found at ${CHROMIUM}: the web UI tests need it (apt-get install -y chromium, or set CHROMIUM_PATH)`,
  );
}

type Rec = Record<string, any>;

const { emulator, callFunction } = await startWithFunctions({
  collections: [{ name: 'products' }, { name: 'visits' }, { name: 'empty_box' }],
  services: [
    installDataApi,
    installWebUi,
    (host: EmulatorHost) => void installPay(host),
    installOpenApi,
    (host: EmulatorHost) => void createTimers(host, { autoStart: false }),
    installStorage,
  ],
});
const XSS = '<img src=x onerror="window.__xss=1">';
const seed = [
  { _id: 'p1', name: '苹果', price: 990, createdAt: { $date: '2024-05-01T08:00:00Z' } },
  { _id: 'p2', name: '香蕉', price: 1590, tags: ['水果', '热带'] },
  { _id: 'p3', name: XSS, price: 1 },
];
emulator.database.actions['database.insertDocument']!(
  { collectionName: 'products', data: seed.map((d) => JSON.stringify(d)) },
  Date.now(),
);
putFile(emulator.host, 'images/banner.txt', '本地商店横幅');

// A signed-in shopper's call (logs a line, touches the database) and an order placed through cloudPay.
const whoami = await callFunction('whoami', { touchDatabase: true }, 'o-ui-shopper');
if (whoami.status !== 200) throw new Error(`whoami failed: ${JSON.stringify(whoami.body)}`);
const ORDER = `UI_${process.pid}`;
const ordered = await callFunction('shopclock', { createOrder: ORDER, envId: emulator.envId });
if (ordered.body.result?.resultCode !== 'SUCCESS') throw new Error(`unifiedOrder failed: ${JSON.stringify(ordered.body)}`);

const browser: Browser = await chromium.launch({
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
test.after.always(async () => {
  await browser.close();
  await emulator.close();
});

const pageErrors: string[] = [];
async function open(tab: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  await page.goto(`${emulator.url}/#${tab}`);
  return page;
}

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: Rec }> {
  const res = await fetch(`${emulator.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Rec };
}

// ---- the data API ------------------------------------------------------------------------------------------------

test('data API: collections with counts and indexes', async (t) => {
  const { status, json } = await control('GET', '/__emulator/collections');
  t.is(status, 200);
  const products = (json.collections as Rec[]).find((c) => c.name === 'products')!;
  t.is(products.count >= 3, true);
  t.true(Array.isArray(products.indexes));
});

test('data API: documents come back as relaxed EJSON, paged and filtered', async (t) => {
  const all = await control('GET', '/__emulator/collections/products/documents?limit=2');
  t.is(all.status, 200);
  t.is(all.json.documents.length, 2);
  t.true(all.json.total >= 3);
  const filtered = await control(
    'GET',
    `/__emulator/collections/products/documents?query=${encodeURIComponent('{"name":"苹果"}')}`,
  );
  t.is(filtered.json.total, 1);
  t.deepEqual(filtered.json.documents[0].createdAt, { $date: '2024-05-01T08:00:00Z' });
  const byDate = await control(
    'GET',
    `/__emulator/collections/products/documents?query=${encodeURIComponent('{"createdAt":{"$lt":{"$date":"2025-01-01T00:00:00Z"}}}')}`,
  );
  t.deepEqual(
    byDate.json.documents.map((d: Rec) => d._id),
    ['p1'],
    'an EJSON date in the filter',
  );
});

test('data API: insert, read, replace and delete go through the database actions', async (t) => {
  const base = '/__emulator/collections/empty_box/documents';
  const inserted = await control('POST', base, { label: '盒子', at: { $date: '2024-01-02T03:04:05Z' } });
  t.is(inserted.status, 201);
  const id = inserted.json._id as string;
  t.is(typeof id, 'string');
  t.deepEqual((await control('GET', `${base}/${id}`)).json.document, {
    _id: id,
    label: '盒子',
    at: { $date: '2024-01-02T03:04:05Z' },
  });
  const replaced = await control('PUT', `${base}/${id}`, { _id: id, size: 3 });
  t.is(replaced.status, 200);
  t.deepEqual(replaced.json.document, { _id: id, size: 3 }, 'a replace drops the fields not sent');
  t.is((await control('PUT', `${base}/${id}`, { _id: 'other', size: 3 })).status, 400);
  t.is((await control('DELETE', `${base}/${id}`)).status, 200);
  t.is((await control('GET', `${base}/${id}`)).status, 404);
  t.is((await control('DELETE', `${base}/${id}`)).status, 404);
});

test('data API: bad input is a 400 with the emulator message, unknown collections a 404', async (t) => {
  const badQuery = await control(
    'GET',
    `/__emulator/collections/products/documents?query=${encodeURIComponent('{"price":{"$nope":1}}')}`,
  );
  t.is(badQuery.status, 400);
  t.truthy(badQuery.json.code);
  t.truthy(badQuery.json.message);
  t.is((await control('GET', '/__emulator/collections/products/documents?query=%7Bnot-json')).status, 400);
  t.is((await control('GET', '/__emulator/collections/products/documents?limit=-1')).status, 400);
  const badDoc = await control('POST', '/__emulator/collections/products/documents', { $bad: 1 });
  t.is(badDoc.status, 400);
  t.is(badDoc.json.code, 'INVALID_PARAM');
  t.is((await control('POST', '/__emulator/collections/products/documents', '[1]')).status, 400);
  t.is((await control('GET', '/__emulator/collections/nope/documents')).status, 404);
  t.is((await control('GET', '/__emulator/collections/products/documents/nope')).status, 404);
});

// ---- the page, in Chromium ---------------------------------------------------------------------------------------

test.serial('overview lists the collections with their counts and the functions', async (t) => {
  const page = await open('overview');
  const view = page.locator('#view-overview');
  await view.getByRole('link', { name: 'products', exact: true }).waitFor();
  const row = view.locator('tr', { has: page.getByRole('link', { name: 'products', exact: true }) });
  t.regex((await row.textContent()) ?? '', /products\s*3/);
  await view.getByText('shopclock', { exact: true }).waitFor();
  const text = (await view.textContent()) ?? '';
  t.true(text.includes('冷启动'));
  t.regex(text, /已提交 \/ 冲突的事务/);
  t.regex(text, /#?实例数 \(上限 \d+\)/);
  await page.close();
});

test.serial('database tab: documents are listed, rendered as text, and an edit is saved to the emulator', async (t) => {
  const page = await open('database');
  await page.locator('#db-collections button', { hasText: 'products' }).click();
  const table = page.locator('#db-table');
  await table.locator('tr[data-id="p1"]').waitFor();
  // Data is text, never markup.
  t.true(((await table.locator('tr[data-id="p3"]').textContent()) ?? '').includes(XSS));
  t.is(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
  t.is(await table.locator('img').count(), 0);

  await table.locator('tr[data-id="p1"]').click();
  const editor = page.locator('#db-editor');
  const loaded = JSON.parse(await editor.inputValue()) as Rec;
  t.deepEqual(loaded, { _id: 'p1', name: '苹果', price: 990, createdAt: { $date: '2024-05-01T08:00:00Z' } });
  await editor.fill(JSON.stringify({ ...loaded, price: 1290, onSale: true }, null, 2));
  await page.locator('#db-save').click();
  await page.locator('#db-msg', { hasText: '已保存' }).waitFor();
  const stored = emulator.database.findById('products', 'p1')!.doc;
  t.is(stored.price, 1290);
  t.is(stored.onSale, true);
  t.true(stored.createdAt instanceof Date, 'the date stays a date');
  t.is((stored.createdAt as Date).toISOString(), '2024-05-01T08:00:00.000Z');

  // The filter box.
  await page.locator('#db-filter').fill('{"price": {"$gt": 1000}}');
  await page.locator('#db-filter').press('Enter');
  await table.getByText('共 2 条').waitFor();
  t.deepEqual(await table.locator('tr[data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')).sort()), [
    'p1',
    'p2',
  ]);

  // Insert, then delete (two clicks: no modal dialog).
  await page.getByRole('button', { name: '新建' }).click();
  await editor.fill('{"name": "樱桃", "price": 3000}');
  await page.locator('#db-save').click();
  await page.locator('#db-msg', { hasText: '已插入文档' }).waitFor();
  const insertedId = ((await page.locator('#db-msg').textContent()) ?? '').replace('已插入文档 ', '');
  t.is(emulator.database.findById('products', insertedId)?.doc.name, '樱桃');
  await page.locator('#db-delete').click();
  await page.locator('#db-delete', { hasText: '确认删除？' }).click();
  await page.locator('#db-msg', { hasText: '已删除' }).waitFor();
  t.is(emulator.database.findById('products', insertedId), undefined);

  // An edit the database refuses shows the emulator's message.
  await table.locator('tr[data-id="p2"]').click();
  await editor.fill('{"_id": "p2", "$set": {"price": 1}}');
  await page.locator('#db-save').click();
  await page.locator('#db-msg.err', { hasText: '保存失败' }).waitFor();
  t.is(emulator.database.findById('products', 'p2')?.doc.price, 1590);
  await page.screenshot({ path: '/tmp/emulator-ui-database.png', fullPage: true });
  await page.close();
});

test.serial('invocations tab lists the calls; opening one shows its log line, event and result', async (t) => {
  const page = await open('invocations');
  const row = page.locator('#inv-list tr[data-id]', { hasText: 'whoami' }).first();
  await row.waitFor();
  const text = (await row.textContent()) ?? '';
  t.true(text.includes('o-ui-shopper'), 'the caller openid');
  t.true(text.includes('冷启动'));
  t.true(text.includes('成功'));
  await row.click();
  await page.locator('#inv-logs', { hasText: 'whoami called by o-ui-shopper' }).waitFor();
  const detail = (await page.locator('#inv-detail').textContent()) ?? '';
  t.true(detail.includes('"touchDatabase": true'), 'the event');
  t.true(detail.includes('返回值') && detail.includes('o-ui-shopper'), 'the result');
  await page.screenshot({ path: '/tmp/emulator-ui-invocations.png', fullPage: true });
  await page.close();
});

test.serial('payment tab: 支付 pays the pending order and the notification delivery is shown', async (t) => {
  const page = await open('pay');
  const pending = page.locator(`tr[data-order="${ORDER}"]`);
  await pending.waitFor();
  t.true(((await pending.textContent()) ?? '').includes('¥9.90'));
  await page.locator(`button[data-pay="${ORDER}"]`).click();
  const order = await until(
    async () => ((await control('GET', '/__emulator/pay/orders')).json.orders as Rec[]).find((o) => o.outTradeNo === ORDER)!,
    (o) => o.state === 'SUCCESS' && (o.deliveries as Rec[]).some((d) => d.outcome === 'acknowledged'),
  );
  t.truthy(order.transactionId);
  await page.locator(`tr[data-order="${ORDER}"]`, { hasText: '已支付' }).waitFor();
  await page.getByText('已确认').first().waitFor();
  t.is(await page.locator(`button[data-pay="${ORDER}"]`).count(), 0);
  await page.screenshot({ path: '/tmp/emulator-ui-pay.png', fullPage: true });
  await page.close();
});

test.serial('timer tab: 立即执行 fires the timer', async (t) => {
  const page = await open('timers');
  const row = page.locator('tr[data-timer="shopclock"]');
  await row.waitFor();
  t.true(((await row.textContent()) ?? '').includes('0 0 2 * * * *'));
  t.true(((await row.textContent()) ?? '').includes('尚未触发'));
  await page.locator('button[data-run="shopclock"]').click();
  await row.getByText('手动').waitFor();
  const timers = (await control('GET', '/__emulator/timers')).json.timers as Rec[];
  const firing = timers.find((x) => x.functionName === 'shopclock')!.firings[0];
  t.is(firing.manual, true);
  t.is(firing.outcome.ok, true);
  t.is(firing.outcome.result.settled, true);
  await page.close();
});

test.serial('messages and storage tabs render', async (t) => {
  const page = await open('outbox');
  await page.locator('#view-outbox').getByText('发件箱为空').waitFor();
  await page.getByRole('button', { name: '存储' }).click();
  const link = page.getByRole('link', { name: 'images/banner.txt' });
  await link.waitFor();
  const href = (await link.getAttribute('href')) ?? '';
  t.is(await (await fetch(new URL(href, emulator.url))).text(), '本地商店横幅');
  await page.close();
});

test.serial('screenshot of the invocation tab, and no script errors on any page', async (t) => {
  const page = await open('invocations');
  await page.locator('#inv-list tr[data-id]', { hasText: 'whoami' }).first().click();
  await page.locator('#inv-logs').waitFor();
  await page.screenshot({ path: '/tmp/emulator-ui.png', fullPage: true });
  await page.close();
  t.deepEqual(pageErrors, []);
});
