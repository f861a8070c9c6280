import test from 'ava';
import type { Page } from 'playwright-core';
import { seedHistory } from '../../database/seed-history.js';
import { startAdminSite } from '../../testkit/admin-page.js';
import { adminCall } from '../../testkit/merchant.js';
import { couponTemplate, dataOf, until } from '../../testkit/shop.js';
import type { AdminRole } from '../../typings/admin-access.js';
import type { CampaignPage, CustomerDetail, CustomerPage, RfmOverview, RfmSegment } from '../../typings/admin-figures.js';
import { yuan } from '../src/utils/money.js';

/**
 * 客户列表, 客户详情 and 客户召回 in Chromium against the real functions: three weeks of history
 * (database/seed-history.ts) and a shopper who ordered and paid through the shopper routes; what the pages show is
 * compared with customers.list / customers.detail, and a win-back campaign run from the page is read back from
 * `user_coupons` and `customers.campaigns`.
 */
const site = await startAdminSite({ only: ['admin', 'order', 'pay', 'user'] });
const { shop } = site;
const SHOPPER = 'o-cust-a';

test.after.always(() => site.close());
test.before(async () => {
  await seedHistory(shop.app, { days: 21, seed: 5 });
  for (const [skuId, quantity] of [
    ['spu-001-06', 1],
    ['spu-003-01', 2],
  ] as const) {
    const order = await shop.orderFor(SHOPPER, skuId, quantity);
    await shop.payFor(SHOPPER, order.orderId);
  }
});

const api = async <T>(route: string, params: Record<string, unknown> = {}, role: AdminRole = 'owner') =>
  dataOf(await adminCall<T>(shop, route, params, { role }));
const texts = (page: Page, hook: string) => page.locator(`[data-test="${hook}"]`).allInnerTexts();

async function inSegment(segment: RfmSegment): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | undefined;
  do {
    const page: CustomerPage = await api('customers.list', { segment, pageSize: 50, ...(cursor ? { cursor } : {}) });
    found.push(...page.items.map((c) => c.openid));
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}

async function fits(t: { true: (v: boolean, m: string) => void }, page: Page): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 900 });
  t.true(await site.fitsViewport(page), 'fits 1440');
  await page.setViewportSize({ width: 1024, height: 900 });
  t.true(await site.fitsViewport(page), 'fits 1024');
  await page.setViewportSize({ width: 1440, height: 900 });
}

test('客户列表 shows customers.list masked, filters by segment, and a row opens 客户详情 with customers.detail’s figures', async (t) => {
  const service = await site.staff('service');
  const page = await site.open(1440);
  await site.signIn(page, service);
  await page.goto(site.url('/customers'));
  await page.locator('[data-test="customer-row"]').first().waitFor();

  const first: CustomerPage = await api('customers.list', {}, 'service');
  t.true(first.items.length > 10);
  t.deepEqual(
    await page.locator('[data-test="customer-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-openid'))),
    first.items.map((c) => c.openid),
    'the API’s first page, in order',
  );
  t.deepEqual(
    await texts(page, 'customer-orders'),
    first.items.map((c) => String(c.frequency)),
  );
  t.deepEqual(
    await texts(page, 'customer-spend'),
    first.items.map((c) => yuan(c.monetary)),
  );
  t.deepEqual(
    await texts(page, 'customer-segment'),
    first.items.map((c) => c.segment),
  );
  const table = await page.locator('[data-test="customers-table"]').innerText();
  t.false(
    first.items.some((c) => table.includes(c.openid)),
    'no openid in full',
  );
  t.false(
    first.items.some((c) => c.nickname && c.nickname.length > 1 && table.includes(c.nickname)),
    'no nickname in full',
  );
  await site.screenshot(page, 'customers');
  await fits(t, page);

  const detail: CustomerDetail = await api('customers.detail', { openid: SHOPPER }, 'service');
  const segment = detail.rfm!.segment;
  await page.locator('[data-test="segment-filter"]').click();
  await page.locator('.t-select-option').filter({ hasText: segment }).click();
  const expected = await inSegment(segment);
  await until('the filtered list', async () => {
    const shown = await page
      .locator('[data-test="customer-row"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-openid')));
    return JSON.stringify(shown) === JSON.stringify(expected.slice(0, 20));
  });
  t.true((await texts(page, 'customer-segment')).every((s) => s === segment));

  await page.locator(`[data-test="customer-row"][data-openid="${SHOPPER}"]`).click();
  await page.waitForURL(new RegExp(`#/customers/${SHOPPER}$`));
  await page.locator('[data-test="customer-profile"]').waitFor();
  const shown = async (hook: string) => (await page.locator(`[data-test="${hook}"]`).innerText()).trim();
  t.is(await shown('orders-total'), String(detail.orders.total));
  t.is(detail.orders.total, 2);
  t.is(await shown('orders-paid'), yuan(detail.orders.paidFen));
  t.is(await shown('orders-refunded'), yuan(detail.orders.refundedFen));
  t.is(await shown('customer-points'), String(detail.points));
  t.is(await shown('customer-growth'), String(detail.growth));
  t.is(await shown('customer-level'), detail.level?.name ?? '非会员');
  t.is(await shown('rfm-segment'), segment);
  t.is(await shown('rfm-recency'), String(detail.rfm!.recencyDays));
  t.is(await shown('rfm-frequency'), String(detail.rfm!.frequency));
  t.is(await shown('rfm-monetary'), yuan(detail.rfm!.monetary));
  t.deepEqual(
    [await shown('rfm-r'), await shown('rfm-f'), await shown('rfm-m')],
    [detail.rfm!.r, detail.rfm!.f, detail.rfm!.m].map(String),
  );
  const profile = await page.locator('[data-test="customer-profile"]').innerText();
  t.true(profile.includes('139****5678'), 'the phone masked');
  t.false(profile.includes('13912345678') || profile.includes('文三路 1 号') || profile.includes(SHOPPER), 'nothing in full');
  await site.screenshot(page, 'customer-detail');
  await fits(t, page);
});

test('客户召回: a campaign run from the page (with 二次验证) gives the segment’s customers a coupon and is listed', async (t) => {
  await shop.db
    .collection('coupon_templates')
    .add(couponTemplate('ct-page-winback', { name: '老客召回券', total: 1000, perUser: 1 }));
  const rfm: RfmOverview = await api('figures.rfm');
  // The smallest segment of two or more: enough to see everyone got one, and quick.
  const [target] = rfm.segments.filter((s) => s.customers >= 2).sort((a, b) => a.customers - b.customers);
  if (!target) return void t.fail('no segment of 2 or more customers');
  const customers = await inSegment(target.segment);

  const owner = await site.staff('owner');
  const page = await site.open(1440);
  await site.signIn(page, owner);
  await page.goto(site.url('/marketing/campaigns'));
  await page.locator('[data-test="campaign-run"]').waitFor();
  await page.locator('[data-test="campaign-segment"]').click();
  await page
    .locator('.t-select-option')
    .filter({ hasText: `${target.segment}（${target.customers} 人）` })
    .click();
  await page.locator('[data-test="campaign-template"]').click();
  await page.locator('.t-select-option').filter({ hasText: '老客召回券' }).click();
  await page.locator('[data-test="campaign-run"]').click();
  await page.getByRole('button', { name: '确认发放' }).click();
  await site.verify(page, owner);

  const result = page.locator('[data-test="campaign-result"]');
  await result.waitFor();
  t.is(await result.locator('[data-test="result-customers"]').innerText(), String(customers.length));
  t.is(await result.locator('[data-test="result-issued"]').innerText(), String(customers.length));
  t.is(await result.locator('[data-test="result-skipped"]').innerText(), '0');
  t.is(await result.locator('[data-test="result-sent"]').innerText(), '0', 'nobody agreed to the message');

  const coupons = (await shop.db.collection('user_coupons').where({ templateId: 'ct-page-winback' }).limit(1000).get())
    .data as Array<Record<string, any>>;
  t.deepEqual(
    coupons.map((c) => c.openid as string).sort(),
    [...customers].sort(),
    'one coupon for each customer of the segment',
  );
  const [campaign] = (await api<CampaignPage>('customers.campaigns', { pageSize: 1 })).items;
  t.like(campaign, { segment: target.segment, couponName: '老客召回券', issued: customers.length, status: 'done' });
  t.true(coupons.every((c) => c.campaignId === campaign!.campaignId));

  const row = page.locator('tr', { has: page.locator(`[data-test="campaign-row"][data-campaign="${campaign!.campaignId}"]`) });
  await row.waitFor();
  t.is(await row.locator('[data-test="campaign-issued"]').innerText(), String(campaign!.issued));
  t.is(await row.locator('[data-test="campaign-used"]').innerText(), String(campaign!.used));
  t.is(await row.locator('[data-test="campaign-amount"]').innerText(), yuan(campaign!.orderAmount));
  await site.screenshot(page, 'campaigns');
  await fits(t, page);

  // Again: nobody gets a second coupon of a 1-per-customer template, and the page says why.
  await page.locator('[data-test="campaign-run"]').click();
  await page.getByRole('button', { name: '确认发放' }).click();
  await until(
    'the second result',
    async () => (await result.locator('[data-test="result-skipped"]').innerText()) === String(customers.length),
  );
  t.is(await result.locator('[data-test="result-issued"]').innerText(), '0');
  t.regex(await result.innerText(), /已达领取上限/);
  t.is((await shop.db.collection('user_coupons').where({ templateId: 'ct-page-winback' }).count()).total, customers.length);
});

test('a 客服 sees past campaigns but not the form (no promotions.write)', async (t) => {
  const service = await site.staff('service');
  const page = await site.open(1440);
  await site.signIn(page, service);
  await page.goto(site.url('/marketing/campaigns'));
  await page.locator('[data-test="campaigns-table"]').or(page.getByText('还没有召回活动')).first().waitFor();
  t.is(await page.locator('[data-test="win-back-form"]').count(), 0);
});
