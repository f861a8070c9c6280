import test, { type ExecutionContext } from 'ava';
import type { Page } from 'playwright-core';
import { startAdminSite } from '../../testkit/admin-page.js';
import { adminCall } from '../../testkit/merchant.js';
import { dataOf, until } from '../../testkit/shop.js';
import type { AdminCategoryView, AdminProductDetail, ProductCreateInput } from '../../typings/admin-catalog.js';
import type { ProductDetail } from '../../typings/product.js';

/**
 * 商品 pages (商品列表, 商品编辑, 商品分类, 库存流水) in Chromium against the real functions: what the merchant does
 * there is read back from the database (`spus`, `skus`, `stock_ledger`, `categories`) and from the shopper's side
 * (`product.detail`).
 */
const site = await startAdminSite({ only: ['admin', 'product'] });
test.after.always(() => site.close());

/**
 * Each test's own account, made before any test writes: creating an account chains it into the audit trail, which
 * the catalog writes of tests already running would make conflict.
 */
const staff = {
  creator: site.staff('owner'),
  editor: site.staff('owner'),
  stocker: site.staff('owner'),
  shelver: site.staff('owner'),
  categorizer: site.staff('owner'),
  service: site.staff('service'),
};
test.before(() => Promise.all(Object.values(staff)));

const db = site.shop.db;
type Rec = Record<string, any>;
const RUN = process.pid;

// A 1×1 PNG: the function checks the bytes really are the image type named.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** The page's screenshot at 1440 px, then nothing wider than the viewport at 1024 and 1440 px. */
async function checkLayout(t: ExecutionContext, page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 900 });
  // Toasts (已保存 …) fade out after 3 s: the screenshot shows the page alone.
  await until('toasts gone', async () => (await page.locator('.t-message').count()) === 0, 8000).catch(() => undefined);
  await site.screenshot(page, name);
  t.true(await site.fitsViewport(page), `${name} fits 1440 px`);
  await page.setViewportSize({ width: 1024, height: 900 });
  await page.waitForTimeout(200);
  t.true(await site.fitsViewport(page), `${name} fits 1024 px`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

const hook = (page: Page, name: string) => page.locator(`[data-test="${name}"]`);
const productRow = (page: Page, title: string) => page.locator('[data-test="products-table"] tbody tr', { hasText: title });
const skuRow = (page: Page, combo: string) =>
  page.locator('[data-test="sku-table"] tbody tr', { has: page.locator(`[data-combo="${combo}"]`) });

async function api<T>(route: string, params: Record<string, unknown> = {}): Promise<T> {
  return dataOf(await adminCall<T>(site.shop, route, params));
}

/** A product made through the API (not the page under test), with one SKU per entry of `stocks` (颜色 A, B …). */
async function product(
  title: string,
  stocks: number[],
  status: 'on_shelf' | 'off_shelf' = 'on_shelf',
): Promise<AdminProductDetail> {
  const image = ((await db.collection('spus').doc('spu-001').get()).data[0] as Rec).images[0] as string;
  const values = stocks.map((_, i) => String.fromCharCode(65 + i));
  const input: ProductCreateInput = {
    title,
    categoryId: 'c-tshirt',
    images: [image],
    specs: [{ name: '颜色', values }],
    status,
    skus: stocks.map((stock, i) => ({ specValues: { 颜色: values[i]! }, price: 5900 + i * 100, stock })),
  };
  return api<AdminProductDetail>('products.create', input);
}

/** Types a value into a spec dimension's tag input (it shows its text box only while focused) and adds it. */
async function addSpecValue(page: Page, dimension: number, value: string): Promise<void> {
  await hook(page, 'spec-values').nth(dimension).click();
  await page.keyboard.type(value);
  await page.keyboard.press('Enter');
}

async function searchList(page: Page, keyword: string): Promise<void> {
  await hook(page, 'filter-keyword').locator('input').fill(keyword);
  await hook(page, 'search').click();
}

async function listedTitles(page: Page): Promise<string[]> {
  await page
    .locator('[data-test="products-table"] .t-loading')
    .waitFor({ state: 'detached' })
    .catch(() => undefined);
  return hook(page, 'product-title').allInnerTexts();
}

test('an owner creates a product with a 2 × 2 SKU matrix and an uploaded image; shoppers see it as entered', async (t) => {
  const owner = await staff.creator;
  const page = await site.open();
  await site.signIn(page, owner, '/products');
  await hook(page, 'product-row').first().waitFor();
  await hook(page, 'product-new').click();
  await page.waitForURL(/#\/products\/new$/);

  const title = `页面新品T恤-${RUN}`;
  await hook(page, 'product-title').locator('input').fill(title);
  await hook(page, 'product-category').click();
  await page.locator('.t-select-option', { hasText: '服饰 / T恤' }).click();
  await page.getByText('立即上架').click();
  await hook(page, 'attribute-add').click();
  await hook(page, 'attributes').getByPlaceholder('参数名，如 材质').fill('材质');
  await hook(page, 'attributes').getByPlaceholder('参数值，如 100% 棉').fill('精梳棉');

  // Specs: 颜色 红/蓝 × 尺码 M first; the rows' prices survive 尺码 gaining L.
  await hook(page, 'spec-add').click();
  await hook(page, 'spec-name').nth(0).locator('input').fill('颜色');
  for (const v of ['红', '蓝']) await addSpecValue(page, 0, v);
  await hook(page, 'spec-add').click();
  await hook(page, 'spec-name').nth(1).locator('input').fill('尺码');
  await addSpecValue(page, 1, 'M');
  await skuRow(page, '蓝/M').waitFor();
  await skuRow(page, '红/M').locator('[data-test="sku-price"] input').fill('99');
  await skuRow(page, '红/M').locator('[data-test="sku-original"] input').fill('129');
  await skuRow(page, '红/M').locator('[data-test="sku-stock"] input').fill('10');
  await skuRow(page, '蓝/M').locator('[data-test="sku-price"] input').fill('99.5');
  await skuRow(page, '蓝/M').locator('[data-test="sku-stock"] input').fill('30');
  await addSpecValue(page, 1, 'L');
  await skuRow(page, '蓝/L').waitFor();
  t.is(await page.locator('[data-test="sku-table"] tbody tr').count(), 4);
  t.is(await skuRow(page, '红/M').locator('[data-test="sku-price"] input').inputValue(), '99', 'an edited row stays as edited');
  t.is(
    await skuRow(page, '红/L').locator('[data-test="sku-price"] input').inputValue(),
    '',
    'a new value’s rows wait for a price',
  );
  await skuRow(page, '红/L').locator('[data-test="sku-price"] input').fill('109');
  await skuRow(page, '红/L').locator('[data-test="sku-stock"] input').fill('20');
  await skuRow(page, '蓝/L').locator('[data-test="sku-price"] input').fill('119');
  await skuRow(page, '蓝/L').locator('[data-test="sku-original"] input').fill('');
  await skuRow(page, '蓝/L').locator('[data-test="sku-stock"] input').fill('40');

  // Checked before sending: no image yet.
  await hook(page, 'product-save').click();
  t.is(await hook(page, 'editor-error').innerText(), '请至少上传一张主图');
  await hook(page, 'main-images')
    .locator('input[type="file"]')
    .setInputFiles({ name: 'tee.png', mimeType: 'image/png', buffer: PNG });
  await hook(page, 'main-images').locator('img').waitFor();
  await skuRow(page, '蓝/L').locator('[data-test="sku-image"] input[type="file"]').setInputFiles({
    name: 'blue.png',
    mimeType: 'image/png',
    buffer: PNG,
  });
  await skuRow(page, '蓝/L').locator('[data-test="sku-image"] img').waitFor();
  await hook(page, 'product-save').click();
  await page.waitForURL(/#\/products\/spu-/);
  const spuId = /#\/products\/([^/?]+)$/.exec(page.url())![1]!;
  await skuRow(page, '蓝/L').waitFor();

  const spu = (await db.collection('spus').doc(spuId).get()).data[0] as Rec;
  t.like(spu, { title, categoryId: 'c-tshirt', status: 'on_shelf', minPrice: 9900, maxPrice: 11900, version: 1 });
  t.deepEqual(spu.specs, [
    { name: '颜色', values: ['红', '蓝'] },
    { name: '尺码', values: ['M', 'L'] },
  ]);
  t.deepEqual(spu.attributes, [{ name: '材质', value: '精梳棉' }]);
  t.is(spu.images.length, 1);
  t.regex(spu.images[0], /^cloud:\/\/.+\/admin\/images\/.+\.png$/, 'the uploaded file is what the product names');
  const skus = (await db.collection('skus').where({ spuId }).get()).data as Rec[];
  const byCombo = new Map(skus.map((s) => [`${s.specValues.颜色}/${s.specValues.尺码}`, s]));
  t.like(byCombo.get('红/M'), { price: 9900, originalPrice: 12900, stock: 10 });
  t.like(byCombo.get('红/L'), { price: 10900, originalPrice: 10900, stock: 20 });
  t.like(byCombo.get('蓝/M'), { price: 9950, stock: 30 });
  t.like(byCombo.get('蓝/L'), { price: 11900, stock: 40 });
  t.regex(byCombo.get('蓝/L')!.image, /^cloud:\/\//);

  const shown = dataOf(await site.shop.call<ProductDetail>('product', 'detail', { spuId }));
  t.is(shown.title, title);
  t.deepEqual(shown.images, spu.images);
  t.is(shown.skus.length, 4);
  t.deepEqual(
    shown.skus.map((s) => s.price).sort((x, y) => x - y),
    [9900, 9950, 10900, 11900],
  );
  t.is(shown.skus.find((s) => s.specValues.颜色 === '蓝' && s.specValues.尺码 === 'L')!.image, byCombo.get('蓝/L')!.image);
  t.is(shown.stock, 100);
  await checkLayout(t, page, 'product-editor');

  // A price moving by more than 30% asks for 二次验证; the dialog answers it and the edit goes through.
  await skuRow(page, '红/M').locator('[data-test="sku-price"] input').fill('199');
  await hook(page, 'product-save').click();
  t.is(await hook(page, 'editor-error').innerText(), '规格“红/M”的原价不能低于售价');
  await skuRow(page, '红/M').locator('[data-test="sku-original"] input').fill('239');
  await page.getByText('售价变动超过 30%').waitFor();
  await hook(page, 'product-save').click();
  await site.verify(page, owner);
  await until(
    'price saved',
    async () => ((await db.collection('skus').doc(byCombo.get('红/M')!._id).get()).data[0] as Rec).price === 19900,
  );
  const after = (await db.collection('spus').doc(spuId).get()).data[0] as Rec;
  t.like(after, { version: 2, maxPrice: 19900 });
  t.is(((await db.collection('skus').doc(byCombo.get('红/M')!._id).get()).data[0] as Rec).originalPrice, 23900);
  t.is(((await db.collection('skus').doc(byCombo.get('红/L')!._id).get()).data[0] as Rec).price, 10900, 'other SKUs untouched');
});

test('a stale edit is refused and the merchant is offered a reload', async (t) => {
  const owner = await staff.editor;
  const made = await product(`并发编辑-${RUN}`, [5]);
  const page = await site.open();
  await site.signIn(page, owner, `/products/${made.spuId}`);
  await hook(page, 'product-editor').waitFor();
  await api('products.update', { spuId: made.spuId, version: made.version, title: `并发编辑-${RUN}-他人改过` });

  await hook(page, 'product-subtitle').locator('input').fill('我的修改');
  await hook(page, 'product-save').click();
  const dialog = page.locator('.t-dialog', { hasText: '商品已被他人修改' });
  await dialog.waitFor();
  t.regex(await hook(page, 'editor-error').innerText(), /内容已被他人修改/);
  await dialog.getByRole('button', { name: '重新加载' }).click();
  await until('reloaded', async () => (await hook(page, 'product-title').locator('input').inputValue()).endsWith('他人改过'));
  t.is(await hook(page, 'product-subtitle').locator('input').inputValue(), '');
  t.is(((await db.collection('spus').doc(made.spuId).get()).data[0] as Rec).subtitle, '', 'the stale edit wrote nothing');
});

test('调整库存 from the list adds 5 入库 to a SKU, and 库存流水 shows the entry', async (t) => {
  const owner = await staff.stocker;
  const title = `调库存-${RUN}`;
  const made = await product(title, [3, 7]);
  const page = await site.open();
  await site.signIn(page, owner, '/products');
  await searchList(page, title);
  await until('listed', async () => (await listedTitles(page)).join() === title);
  t.is(await productRow(page, title).locator('[data-test="product-stock"]').innerText(), '10');

  await productRow(page, title).locator('[data-test="product-adjust"]').click();
  const dialog = hook(page, 'stock-adjust');
  await dialog.locator('[data-test="adjust-sku"]').first().waitFor();
  const skuA = made.skus.find((s) => s.specValues.颜色 === 'A')!;
  await dialog.locator(`[data-test="adjust-amount"][data-sku="${skuA.skuId}"] input`).fill('5');
  await hook(page, 'adjust-note').locator('input').fill('供应商到货');
  await page.getByRole('button', { name: '确定调整' }).click();
  await until('stock saved', async () => ((await db.collection('skus').doc(skuA.skuId).get()).data[0] as Rec).stock === 8);
  await until(
    'list reloaded',
    async () => (await productRow(page, title).locator('[data-test="product-stock"]').innerText()) === '15',
  );
  const entries = (await db.collection('stock_ledger').where({ skuId: skuA.skuId, reason: 'inbound' }).get()).data as Rec[];
  t.like(entries[0], { delta: 5, before: 3, after: 8, note: '供应商到货', spuId: made.spuId });

  await productRow(page, title).locator('[data-test="product-ledger"]').click();
  await page.waitForURL(new RegExp(`#/stock\\?spuId=${made.spuId}$`));
  await hook(page, 'ledger-reason').first().waitFor();
  const first = page.locator('[data-test="ledger-table"] tbody tr').first();
  t.is(await first.locator('[data-test="ledger-reason"]').innerText(), '入库');
  t.is(await first.locator('[data-test="ledger-delta"]').innerText(), '+5');
  t.is(await first.locator('[data-test="ledger-after"]').innerText(), '3 → 8');
  t.is(await first.locator('[data-test="ledger-note"]').innerText(), '供应商到货');
  t.regex(await first.innerText(), /测试owner/);
  t.deepEqual(
    (await hook(page, 'ledger-reason').allInnerTexts()).sort(),
    ['入库', '初始库存', '初始库存'],
    'the starting stock of each SKU is there too',
  );
  await checkLayout(t, page, 'stock-ledger');

  // One SKU's entries only.
  await hook(page, 'ledger-sku').click();
  await page.locator('.t-select-option', { hasText: /^A（/ }).click();
  await page.waitForURL(new RegExp(`skuId=${skuA.skuId}$`));
  await until('SKU filter', async () => (await hook(page, 'ledger-reason').allInnerTexts()).sort().join() === '入库,初始库存');

  // 盘点 of both SKUs at once goes through stock.bulkAdjust, which always asks for 二次验证.
  await page.getByRole('button', { name: '调整库存' }).click();
  await hook(page, 'stock-reason').getByText('盘点').click();
  for (const [sku, count] of [
    [skuA, '6'],
    [made.skus.find((s) => s.specValues.颜色 === 'B')!, '9'],
  ] as const) {
    await dialog.locator(`[data-test="adjust-amount"][data-sku="${sku.skuId}"] input`).fill(count);
  }
  await page.getByRole('button', { name: '确定调整' }).click();
  await site.verify(page, owner);
  await until('counted', async () => {
    const docs = (await db.collection('skus').where({ spuId: made.spuId }).get()).data as Rec[];
    return (
      docs
        .map((d) => d.stock)
        .sort()
        .join() === '6,9'
    );
  });
  const counted = (await db.collection('stock_ledger').where({ spuId: made.spuId, reason: 'stocktake' }).get()).data as Rec[];
  t.deepEqual(counted.map((e) => `${e.before}→${e.after}`).sort(), ['7→9', '8→6']);
  await until('ledger reloaded', async () => (await hook(page, 'ledger-reason').allInnerTexts())[0] === '盘点');
});

test('bulk 下架 takes two products off the shelf; keyword, status and low-stock filters show the right rows; 删除', async (t) => {
  const owner = await staff.shelver;
  const word = `批量${RUN}`;
  const [a, b, c] = [
    await product(`${word}-甲`, [50]),
    await product(`${word}-乙`, [40, 60]),
    await product(`${word}-丙`, [2, 30]),
  ];
  const page = await site.open();
  await site.signIn(page, owner, '/products');
  await hook(page, 'product-row').first().waitFor();
  await searchList(page, word);
  await until('three listed', async () => (await listedTitles(page)).length === 3);
  t.deepEqual(await listedTitles(page), [c.title, b.title, a.title], 'newest first');

  for (const p of [a, b]) await productRow(page, p.title).locator('.t-checkbox').click();
  t.regex(await hook(page, 'bulk-bar').innerText(), /已选 2 件商品/);
  await hook(page, 'bulk-off').click();
  await until('off the shelf', async () => {
    const status = await Promise.all(
      [a, b, c].map(async (p) => ((await db.collection('spus').doc(p.spuId).get()).data[0] as Rec).status),
    );
    return status.join() === 'off_shelf,off_shelf,on_shelf';
  });
  await until('tags', async () => (await hook(page, 'product-status').allInnerTexts()).join() === '在售,已下架,已下架');

  await hook(page, 'filter-status').getByText('已下架').click();
  await until('off-shelf filter', async () => (await listedTitles(page)).join() === [b.title, a.title].join());
  await hook(page, 'filter-status').getByText('全部').click();
  await until('status cleared', async () => (await listedTitles(page)).length === 3);

  // 库存预警 at 5: only 丙 (its A has 2), naming that SKU.
  await hook(page, 'low-stock').click();
  await hook(page, 'low-stock-at').locator('input').fill('5');
  await hook(page, 'low-stock-at').locator('input').press('Enter');
  await until('low-stock filter', async () => (await listedTitles(page)).join() === c.title);
  t.is(await hook(page, 'low-sku').innerText(), 'A 剩 2');

  await hook(page, 'low-stock').click();
  await until('all three again', async () => (await listedTitles(page)).length === 3);
  await productRow(page, c.title).locator('[data-test="product-delete"]').click();
  await page.locator('.t-dialog', { hasText: '删除商品' }).getByRole('button', { name: '删除' }).click();
  await until('deleted', async () => ((await db.collection('spus').doc(c.spuId).get()).data[0] as Rec).deletedAt);
  await until('gone from the list', async () => (await listedTitles(page)).length === 2);
  const shopper = await site.shop.call('product', 'detail', { spuId: c.spuId });
  t.false(shopper.ok, 'a deleted product is gone for shoppers');

  await hook(page, 'filter-keyword').locator('input').fill('');
  await hook(page, 'search').click();
  await until('full list', async () => (await listedTitles(page)).length > 3);
  await checkLayout(t, page, 'products-list');
});

test('商品分类: a child category is created and renamed on the page', async (t) => {
  const owner = await staff.categorizer;
  const page = await site.open();
  await site.signIn(page, owner, '/categories');
  const parent = page.locator('[data-test="categories-table"] tbody tr', { has: page.locator('[data-id="c-food"]') });
  await parent.waitFor();
  await parent.locator('[data-test="category-add-child"]').click();
  const name = `坚果${RUN % 1000}`;
  await hook(page, 'category-name').locator('input').fill(name);
  await page.locator('.t-dialog').getByRole('button', { name: '保存' }).click();
  const row = page.locator('[data-test="category-row"]', { hasText: name });
  await row.waitFor();
  const created = await until(
    'created',
    async () => ((await db.collection('categories').where({ name }).get()).data as Rec[])[0],
  );
  t.like(created, { parentId: 'c-food', hidden: false, version: 1 });

  const renamed = `${name}炒货`;
  await page.locator('[data-test="categories-table"] tbody tr', { has: row }).locator('[data-test="category-edit"]').click();
  await hook(page, 'category-name').locator('input').fill(renamed);
  await page.locator('.t-dialog').getByRole('button', { name: '保存' }).click();
  await page.locator('[data-test="category-row"]', { hasText: renamed }).waitFor();
  const tree = await api<AdminCategoryView[]>('categories.list');
  const child = tree.find((c) => c.id === 'c-food')!.children.find((c) => c.id === created._id);
  t.like(child, { name: renamed, parentId: 'c-food', version: 2 });
  await checkLayout(t, page, 'categories');
});

test('客服 sees the list and a product read-only, without 新建商品, 编辑, 调整库存 or 删除', async (t) => {
  const service = await staff.service;
  const page = await site.open();
  await site.signIn(page, service);
  await page.waitForURL(/#\/products$/);
  await hook(page, 'product-row').first().waitFor();
  t.false(await hook(page, 'product-new').isVisible());
  t.is(await hook(page, 'product-adjust').count(), 0);
  t.is(await hook(page, 'product-delete').count(), 0);
  t.is(await page.locator('[data-test="products-table"] .t-checkbox').count(), 0);
  t.deepEqual([...new Set(await hook(page, 'product-edit').allInnerTexts())], ['查看']);

  await hook(page, 'product-edit').first().click();
  await hook(page, 'product-editor').waitFor();
  t.is(await hook(page, 'product-save').count(), 0);
  t.true(await hook(page, 'product-title').locator('input').isDisabled());

  await page.goto(site.url('/categories'));
  await hook(page, 'category-row').first().waitFor();
  t.is(await hook(page, 'category-new').count(), 0);
  t.is(await hook(page, 'category-edit').count(), 0);
});
