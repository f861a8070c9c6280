import test from 'ava';
import type { Browser } from 'playwright-core';
import type { EmulatorHost } from '../src/host.js';
import { installPay } from '../src/pay/service.js';
import { installStorage, putFile } from '../src/storage/service.js';
import { installWebUi } from '../src/ui/app.js';
import { installDataApi, setReseed } from '../src/ui/data-api.js';
import { launchBrowser, openPage } from './helpers/browser.js';
import { startWithFunctions } from './helpers/functions.js';
import { type Rec, pointSdkAt } from './helpers/sdk.js';

/**
 * Acting from the web UI in Chromium: calling a function as a shopper, uploading, previewing and deleting stored
 * files, setting the pay sandbox's faults, and wiping (and re-seeding) the data. Each outcome is read back through
 * the real SDK or the emulator itself.
 */
const SEED = [
  { _id: 'seed-1', name: '示例商品一' },
  { _id: 'seed-2', name: '示例商品二' },
];
const { emulator, callFunction } = await startWithFunctions({
  collections: [{ name: 'products' }, { name: 'visits' }],
  services: [
    installDataApi,
    installWebUi,
    (host: EmulatorHost) => void installPay(host),
    installStorage,
    // What a launcher that knows its project's seed registers (the emulator itself knows none).
    (host: EmulatorHost) =>
      setReseed(host, () => {
        host.database.actions['database.insertDocument']!(
          { collectionName: 'products', data: SEED.map((d) => JSON.stringify(d)) },
          Date.now(),
        );
      }),
  ],
});
pointSdkAt(emulator);
const { default: sdk } = await import('wx-server-sdk');
const cloud = sdk as any;
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

const browser: Browser = await launchBrowser();
test.after.always(async () => {
  await browser.close();
  await emulator.close();
});

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: Rec }> {
  const res = await fetch(`${emulator.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body:
      body === undefined
        ? undefined
        : typeof body === 'string'
          ? body
          : Buffer.isBuffer(body)
            ? new Uint8Array(body)
            : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as Rec };
}
const count = (collectionName: string) => emulator.store.count(collectionName);
const fileIdOf = (path: string) => `cloud://${emulator.envId}.${emulator.envId}-1250000000/${path}`;
const invocationsOf = async (fn: string) =>
  ((await control('GET', `/__emulator/invocations?function=${fn}&limit=200`)).json.invocations as Rec[]).filter(
    (i) => i.functionName === fn,
  );

// ---- control routes ----------------------------------------------------------------------------------------------

test.serial('storage control routes: upload and delete a file, as the SDK then sees it', async (t) => {
  const path = '控制/上传 1.txt';
  const url = `/__emulator/storage/files/${path.split('/').map(encodeURIComponent).join('/')}`;
  const put = await control('PUT', url, Buffer.from('你好，存储'));
  t.is(put.status, 200);
  t.like(put.json, { path, size: Buffer.byteLength('你好，存储'), fileID: fileIdOf(path) });
  const down: Rec = await cloud.downloadFile({ fileID: fileIdOf(path) });
  t.is(down.fileContent.toString('utf8'), '你好，存储');

  t.is((await control('DELETE', url)).status, 200);
  const [gone]: Rec[] = (await cloud.getTempFileURL({ fileList: [fileIdOf(path)] })).fileList;
  t.is(gone!.status, -503003, 'the SDK no longer finds it');
  t.like((await control('DELETE', url)).json, { code: 'STORAGE_FILE_NONEXIST' });
  t.is((await control('DELETE', url)).status, 404);
  t.is((await control('PUT', '/__emulator/storage/files/a%2F..%2Fb.txt', 'x')).status, 400, 'no path out of storage');
  t.is((await control('PUT', '/__emulator/storage/files/', 'x')).status, 400, 'a file needs a path');
});

test.serial('POST /__emulator/reset empties every collection, and re-seeds through the registered hook', async (t) => {
  await control('POST', '/__emulator/collections/visits/documents', { openid: 'o-before-reset' });
  t.like((await control('GET', '/__emulator/reset')).json, { canReseed: true });
  const wiped = await control('POST', '/__emulator/reset', {});
  t.is(wiped.status, 200);
  t.like(wiped.json, { reseeded: false });
  t.is(count('visits'), 0);
  t.is(count('products'), 0);
  const reseeded = await control('POST', '/__emulator/reset', { reseed: true });
  t.like(reseeded.json, { reseeded: true });
  t.is(count('products'), SEED.length);
  t.is((await control('POST', '/__emulator/reset', '[1]')).status, 400);
});

// ---- the page ----------------------------------------------------------------------------------------------------

test.serial('调用函数: call a function as a shopper with chosen data and openid, and see its result', async (t) => {
  const { page, errors } = await openPage(browser, `${emulator.url}/#call`);
  await page.locator('#call-function option[value="whoami"]').waitFor({ state: 'attached' });
  await page.locator('#call-function').selectOption('whoami');
  await page.locator('#call-openid').fill('o-ui-caller');
  await page.locator('#call-data').fill('{"$url": "visit", "touchDatabase": true}');
  await page.locator('#call-submit').click();
  const result = page.locator('#call-result');
  await result.getByText('"OPENID": "o-ui-caller"').waitFor();
  t.true(((await page.locator('#call-status').textContent()) ?? '').includes('成功'));
  const visits = await control(
    'GET',
    `/__emulator/collections/visits/documents?query=${encodeURIComponent('{"openid":"o-ui-caller"}')}`,
  );
  t.is(visits.json.total, 1, 'the function ran as that shopper and wrote to the database');

  // The invocation behind it, one click away.
  await page.locator('#call-invocation').click();
  await page.locator('#inv-detail', { hasText: 'o-ui-caller' }).waitFor();
  t.true(((await page.locator('#inv-detail').textContent()) ?? '').includes('"$url": "visit"'));

  // A business error and a failed function are told apart.
  await page.getByRole('button', { name: '调用函数' }).click();
  await page.locator('#call-function').selectOption('envelope');
  await page.locator('#call-data').fill('{"$url": "stock", "refuse": "OUT_OF_STOCK"}');
  await page.locator('#call-submit').click();
  await page.locator('#call-status', { hasText: '业务错误' }).waitFor();
  t.true(((await result.textContent()) ?? '').includes('OUT_OF_STOCK'));
  await page.locator('#call-function').selectOption('crash');
  await page.locator('#call-data').fill('{"mode": "throw"}');
  await page.locator('#call-submit').click();
  await page.locator('#call-status', { hasText: '500' }).waitFor();
  t.true(((await result.textContent()) ?? '').includes('库存不足'), 'the function error message');

  // Data that is not a JSON object is refused in the page: nothing is called.
  const before = (await invocationsOf('whoami')).length;
  await page.locator('#call-function').selectOption('whoami');
  await page.locator('#call-data').fill('{"$url": ');
  await page.locator('#call-submit').click();
  await page.locator('#call-status.err', { hasText: 'JSON' }).waitFor();
  await page.locator('#call-data').fill('[1, 2]');
  await page.locator('#call-submit').click();
  await page.locator('#call-status.err', { hasText: '对象' }).waitFor();
  t.is((await invocationsOf('whoami')).length, before);
  await page.screenshot({ path: '/tmp/emulator-ui-call.png', fullPage: true });
  t.deepEqual(errors, []);
  await page.close();
});

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

test.serial('存储: upload, preview and delete files', async (t) => {
  putFile(emulator.host, 'seeded/readme.txt', '已有的文件');
  const { page, errors } = await openPage(browser, `${emulator.url}/#storage`);
  await page.locator('tr[data-path="seeded/readme.txt"]').waitFor();

  await page.locator('#storage-dir').fill('ui/');
  await page.locator('#storage-file').setInputFiles([
    { name: 'pixel.png', mimeType: 'image/png', buffer: PNG },
    { name: '说明.txt', mimeType: 'text/plain', buffer: Buffer.from('上传的说明文字') },
  ]);
  await page.locator('#storage-upload').click();
  await page.locator('tr[data-path="ui/pixel.png"]').waitFor();
  await page.locator('tr[data-path="ui/说明.txt"]').waitFor();
  const down: Rec = await cloud.downloadFile({ fileID: fileIdOf('ui/pixel.png') });
  t.deepEqual(Buffer.from(down.fileContent), PNG, 'the SDK downloads the bytes uploaded from the page');

  await page.locator('button[data-preview="ui/pixel.png"]').click();
  const img = page.locator('#storage-preview img');
  await img.waitFor();
  await page.waitForFunction(() => document.querySelector<HTMLImageElement>('#storage-preview img')?.complete);
  t.is(await img.evaluate((el) => (el as HTMLImageElement).naturalWidth), 1, 'the image loads');
  await page.locator('button[data-preview="ui/说明.txt"]').click();
  await page.locator('#storage-preview pre', { hasText: '上传的说明文字' }).waitFor();
  await page.screenshot({ path: '/tmp/emulator-ui-storage.png', fullPage: true });

  await page.locator('button[data-delete="ui/pixel.png"]').click();
  await page.locator('button[data-delete="ui/pixel.png"]', { hasText: '确认删除？' }).click();
  await page.locator('tr[data-path="ui/pixel.png"]').waitFor({ state: 'detached' });
  const [gone]: Rec[] = (await cloud.getTempFileURL({ fileList: [fileIdOf('ui/pixel.png')] })).fileList;
  t.is(gone!.status, -503003);
  t.is(await page.locator('tr[data-path="ui/说明.txt"]').count(), 1, 'the other file stays');
  t.deepEqual(errors, []);
  await page.close();
});

test.serial('支付沙箱: faults are shown and set from the page, and the sandbox applies them', async (t) => {
  await control('POST', '/__emulator/pay/faults', { refuseCalls: 2 });
  const { page, errors } = await openPage(browser, `${emulator.url}/#pay`);
  await page.locator('#fault-refuseCalls').waitFor();
  await page.waitForFunction(() => (document.getElementById('fault-refuseCalls') as HTMLInputElement).value === '2');

  await page.locator('#fault-refuseCalls').fill('0');
  await page.locator('#fault-duplicateNotifications').fill('1');
  await page.locator('#fault-holdRefunds').check();
  await page.locator('input[data-failing="unifiedOrder"]').check();
  await page.locator('#faults-apply').click();
  await page.locator('#faults-msg', { hasText: '已应用' }).waitFor();
  const faults = (await control('GET', '/__emulator/pay/faults')).json;
  t.like(faults, { duplicateNotifications: 1, holdRefunds: true, failingCalls: ['unifiedOrder'] });
  await page.screenshot({ path: '/tmp/emulator-ui-faults.png', fullPage: true });
  t.falsy(faults.refuseCalls);

  const refused = await callFunction('shopclock', { createOrder: `FAULT_${process.pid}`, envId: emulator.envId });
  t.like(refused.body.result, { resultCode: 'FAIL', errCodeDes: '系统超时' }, 'unifiedOrder answers a system error');

  await page.locator('#faults-clear').click();
  await page.locator('#faults-msg', { hasText: '已清除' }).waitFor();
  t.deepEqual((await control('GET', '/__emulator/pay/faults')).json, {});
  const ordered = await callFunction('shopclock', { createOrder: `FAULT_${process.pid}`, envId: emulator.envId });
  t.is(ordered.body.result.resultCode, 'SUCCESS');
  t.false(await page.locator('input[data-failing="unifiedOrder"]').isChecked());
  t.deepEqual(errors, []);
  await page.close();
});

test.serial('概览: 清空数据 empties the collections; 清空并重新写入示例数据 runs the seed hook', async (t) => {
  await control('POST', '/__emulator/collections/visits/documents', { openid: 'o-wipe-me' });
  const { page, errors } = await openPage(browser, `${emulator.url}/#overview`);
  await page.locator('#reset-data').click();
  await page.locator('#reset-data', { hasText: '确认清空？' }).click();
  await page.locator('#reset-msg', { hasText: '已清空' }).waitFor();
  t.is(count('visits'), 0);
  t.is(count('products'), 0);

  await page.locator('#reset-reseed').click();
  await page.locator('#reset-reseed', { hasText: '确认' }).click();
  await page.locator('#reset-msg', { hasText: '已重新写入示例数据' }).waitFor();
  t.is(count('products'), SEED.length);
  const products = page.locator('#view-overview tr', { has: page.getByRole('link', { name: 'products', exact: true }) });
  await products.getByText(String(SEED.length), { exact: true }).waitFor();
  await page.screenshot({ path: '/tmp/emulator-ui-overview.png', fullPage: true });
  t.deepEqual(errors, []);
  await page.close();
});
