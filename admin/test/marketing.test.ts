import test, { type ExecutionContext } from 'ava';
import type { Locator, Page } from 'playwright-core';
import { startAdminSite } from '../../testkit/admin-page.js';
import { dataOf, until } from '../../testkit/shop.js';
import type { ClaimableCoupon } from '../../typings/coupon.js';
import type { HomeData } from '../../typings/product.js';

/**
 * 营销 pages on the real page in Chromium against the real functions: what the merchant creates there is read back
 * from the database and from the shopper's side (coupon.claimable, product.home).
 */
const site = await startAdminSite({ only: ['admin', 'product', 'coupon', 'flashsale', 'groupbuy', 'member', 'user'] });
test.after.always(() => site.close());

const db = site.shop.db;
type Rec = Record<string, any>;

/** The page's screenshot at 1440 px, then nothing wider than the viewport at 1024 and 1440 px. */
async function checkLayout(t: ExecutionContext, page: Page, name: string): Promise<void> {
  await page.locator('.t-dialog__mask:visible').waitFor({ state: 'detached' });
  await page.setViewportSize({ width: 1440, height: 900 });
  await site.screenshot(page, name);
  t.true(await site.fitsViewport(page), `${name} fits 1440 px`);
  await page.setViewportSize({ width: 1024, height: 900 });
  t.true(await site.fitsViewport(page), `${name} fits 1024 px`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

const input = (page: Page, hook: string) => page.locator(`[data-test="${hook}"] input`);

/** Searches a product picker (the open dialog's by default) and picks the first product found. */
async function pickProduct(page: Page, keyword: string, within: Locator = page.locator('.t-dialog:visible')): Promise<void> {
  await within.getByPlaceholder('搜索商品名称').fill(keyword);
  await within.getByRole('button', { name: '搜索' }).click();
  await within.locator('[data-test="product-result"]').first().getByRole('button').click();
}

async function one(collection: string, where: Rec): Promise<Rec> {
  return until(
    `${collection} ${JSON.stringify(where)}`,
    async () => (await db.collection(collection).where(where).get()).data[0] as Rec,
  );
}

test('a coupon created on the page is stored as the coupon function reads it, and shoppers can claim it', async (t) => {
  const operator = await site.staff('operator');
  const page = await site.open();
  await site.signIn(page, operator, '/marketing/coupons');
  await page.locator('[data-test="coupon-row"]').first().waitFor();

  await page.locator('[data-test="coupon-new"]').click();
  await page.getByRole('button', { name: '创建' }).click();
  t.is(await page.locator('[data-test="form-error"]').innerText(), '请填写优惠券名称', 'the form checks before sending');
  const name = `页面满50减8-${process.pid}`;
  await input(page, 'coupon-name').fill(name);
  await input(page, 'coupon-threshold').fill('50');
  await input(page, 'coupon-off').fill('8');
  await input(page, 'coupon-total').fill('200');
  await input(page, 'coupon-per-user').fill('2');
  await page.getByRole('button', { name: '创建' }).click();
  const row = page.locator('tr', { has: page.getByText(name, { exact: true }) });
  await row.waitFor();
  t.regex(await row.innerText(), /满50减8/);

  const stored = await one('coupon_templates', { name });
  t.deepEqual(stored.rule, { kind: 'threshold', threshold: 5000, off: 800 });
  t.deepEqual(stored.scope, { type: 'all' });
  t.deepEqual(stored.validity, { type: 'relative', days: 7 });
  t.like(stored, { total: 200, perUser: 2, status: 'active' });

  const claimable = dataOf(await site.shop.call<ClaimableCoupon[]>('coupon', 'claimable', {}, 'o-coupon-page'));
  t.like(
    claimable.find((c) => c.templateId === stored._id),
    { name, summary: '满50减8', remaining: 200, perUser: 2, canClaim: true },
  );

  // 暂停 stops claims at once, with the version the row was shown at.
  await row.locator('[data-test="coupon-pause"]').click();
  await until('paused', async () => (await one('coupon_templates', { name })).status === 'paused');
  const after = dataOf(await site.shop.call<ClaimableCoupon[]>('coupon', 'claimable', {}, 'o-coupon-page'));
  t.false(after.some((c) => c.templateId === stored._id));
  await row.getByText('已暂停').waitFor();

  await checkLayout(t, page, 'coupons');
});

test('a flash sale and a two-tier group-buy created on the page; the sale ended early gives its units back', async (t) => {
  const operator = await site.staff('operator');
  const page = await site.open();
  await site.signIn(page, operator, '/marketing/flash-sales');
  await page.locator('[data-test="flash-row"]').first().waitFor();

  await page.locator('[data-test="flash-new"]').click();
  await pickProduct(page, '马克杯');
  await page.locator('[data-test="sku-options"] .t-radio').first().click();
  await input(page, 'flash-price').fill('19.9');
  await input(page, 'flash-units').fill('5');
  await input(page, 'flash-per-user').fill('1');
  const skuId = 'spu-010-01';
  const stockBefore = await site.shop.inspect.stockOf(skuId);
  await page.getByRole('button', { name: '创建' }).click();
  const saleRow = page.locator('tr', { has: page.getByText('陶瓷马克杯 限时秒杀') });
  await saleRow.waitFor();

  const sale = await one('flash_sales', { skuId, title: '陶瓷马克杯 限时秒杀' });
  t.like(sale, { price: 1990, stock: 5, remaining: 5, perUser: 1, status: 'active' });
  t.is(await site.shop.inspect.stockOf(skuId), stockBefore - 5, 'the units leave the SKU’s stock');

  await saleRow.locator('[data-test="flash-end"]').click();
  await page.locator('.t-dialog').getByRole('button', { name: '提前结束' }).click();
  await until('ended', async () => (await one('flash_sales', { _id: sale._id })).status === 'ended');
  t.like(await one('flash_sales', { _id: sale._id }), { remaining: 0, returned: 5 });
  t.is(await site.shop.inspect.stockOf(skuId), stockBefore, 'the unsold units are back');
  await saleRow.getByText('已结束').waitFor();
  await checkLayout(t, page, 'flash-sales');

  await page.goto(site.url('/marketing/group-buys'));
  await page.locator('[data-test="group-row"]').first().waitFor();
  await page.locator('[data-test="group-new"]').click();
  await pickProduct(page, '保温杯');
  await page.locator('[data-test="sku-options"] .t-checkbox').first().waitFor();
  const tiers = page.locator('[data-test="tier"]');
  await tiers.nth(0).locator('[data-test="tier-members"] input').fill('2');
  await tiers.nth(0).locator('[data-test="tier-price"] input').fill('99');
  await tiers.nth(1).locator('[data-test="tier-members"] input').fill('3');
  await tiers.nth(1).locator('[data-test="tier-price"] input').fill('89.5');
  await input(page, 'group-target').fill('3');
  await input(page, 'group-time-limit').fill('120');
  await input(page, 'group-max-quantity').fill('2');
  await page.getByRole('button', { name: '创建' }).click();
  await page.locator('tr', { has: page.getByText('316 不锈钢保温杯 拼团') }).waitFor();

  const activity = await one('group_buy_activities', { spuId: 'spu-011' });
  t.deepEqual(activity.tiers, [
    { minMembers: 2, price: 9900 },
    { minMembers: 3, price: 8950 },
  ]);
  t.like(activity, { targetSize: 3, timeLimitMinutes: 120, maxQuantity: 2, status: 'active', title: '316 不锈钢保温杯 拼团' });
  t.deepEqual([...(activity.skuIds as string[])].sort(), ['spu-011-01', 'spu-011-02', 'spu-011-03', 'spu-011-04']);
  await checkLayout(t, page, 'group-buys');
});

test('member settings saved on the page, the commission change after 二次验证', async (t) => {
  const owner = await site.staff('owner');
  const page = await site.open();
  await site.signIn(page, owner, '/marketing/member');
  await page.locator('[data-test="member-form"]').waitFor();
  const before = await one('settings', { _id: 'member' });

  await input(page, 'commission-percent').fill('6.5');
  await input(page, 'checkin-points').fill('8');
  await page.locator('[data-test="level-row"]').nth(1).locator('[data-test="level-name"] input').fill('白银会员');
  await page.locator('[data-test="member-save"]').click();
  await site.verify(page, owner);

  const saved = await until('saved', async () => {
    const doc = (await db.collection('settings').doc('member').get()).data[0] as Rec;
    return doc.referral.commissionBp === 650 && doc;
  });
  t.is(saved.checkin.points, 8);
  t.is(saved.levels[1].name, '白银会员');
  t.deepEqual(saved.earn, before.earn, 'sections not changed stay as they were');
  t.is(saved.version, (before.version ?? 0) + 1);

  await checkLayout(t, page, 'member-settings');
});

// A 1×1 PNG: the function checks the bytes really are the image type named.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

test('a banner with an uploaded image and a recommended product reach the shopper’s home page', async (t) => {
  const operator = await site.staff('operator');
  const page = await site.open();
  await site.signIn(page, operator, '/marketing/home');
  await page.locator('[data-test="banner-row"]').first().waitFor();

  await page.locator('[data-test="banner-new"]').click();
  await page.locator('[data-test="image-field"] input[type="file"]').setInputFiles({
    name: 'banner.png',
    mimeType: 'image/png',
    buffer: PNG,
  });
  await page.locator('[data-test="image-field"] img').waitFor();
  const title = `春茶上新-${process.pid}`;
  await input(page, 'banner-title').fill(title);
  await pickProduct(page, '龙井');
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await page.locator('[data-test="banner-row"]', { hasText: title }).waitFor();

  const home = dataOf(await site.shop.call<HomeData>('product', 'home'));
  const banner = home.banners.find((b) => b.title === title);
  t.truthy(banner, 'product.home shows the new banner');
  t.regex(banner!.image, /^cloud:\/\//);
  t.regex(banner!.link, /spuId=spu-009/);

  await pickProduct(page, '收纳箱', page.locator('[data-test="recommended"]'));
  await page.locator('[data-test="recommended-item"]', { hasText: '可折叠收纳箱' }).waitFor();
  await page.locator('[data-test="recommended-save"]').click();
  await until('recommended', async () => {
    const again = dataOf(await site.shop.call<HomeData>('product', 'home'));
    return again.recommended[0]?.spuId === 'spu-012';
  });
  t.pass();
  await checkLayout(t, page, 'home-decor');
});
