import test, { type ExecutionContext } from 'ava';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { seedHistory } from '../../database/seed-history.js';
import { startAdminSite } from '../../testkit/admin-page.js';
import { adminCall } from '../../testkit/merchant.js';
import { dataOf } from '../../testkit/shop.js';
import type { FiguresOverview, Ratio, RfmOverview, Statement } from '../../typings/admin-figures.js';
import type { Envelope } from '../../typings/common.js';
import type { JobsSummary } from '../../typings/jobs.js';
import { yuan } from '../src/utils/money.js';
import { percent } from '../src/utils/ratio.js';

/**
 * 经营概览 and 财务对账 in Chromium against the real functions: two weeks of history (database/seed-history.ts), today's
 * visits and orders through the shopper routes (track, order, pay), the jobs timer's roll-ups; every number the pages
 * show is compared with what figures.overview, figures.rfm and finance.statement answer for the same range.
 */
const site = await startAdminSite({ only: ['admin', 'jobs', 'track', 'order', 'pay', 'user'] });
const { shop } = site;
const HISTORY_DAYS = 14;
const bjDay = (offset = 0) => new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);

test.after.always(() => site.close());
test.before(async () => {
  await seedHistory(shop.app, { days: HISTORY_DAYS, seed: 11 });
  // Today: two tracked shoppers, one of whom orders and pays; a third pays without being tracked; an order left unpaid.
  dataOf(
    await shop.call(
      'track',
      'events',
      { events: [{ type: 'product_view', spuId: 'spu-001' }, { type: 'add_to_cart' }] },
      'o-dash-a',
    ),
  );
  dataOf(await shop.call('track', 'events', { events: [{ type: 'page_view' }] }, 'o-dash-b'));
  for (const [openid, skuId, quantity] of [
    ['o-dash-a', 'spu-001-06', 2],
    ['o-dash-c', 'spu-003-01', 1],
  ] as const) {
    const order = await shop.orderFor(openid, skuId, quantity);
    await shop.payFor(openid, order.orderId);
  }
  await shop.orderFor('o-dash-b', 'spu-002-01', 1);
  const fired = (await shop.control('POST', '/timers/jobs/run')).outcome as { ok: boolean; result: Envelope<JobsSummary> };
  if (!fired?.ok) throw new Error('the jobs timer failed');
  dataOf(fired.result);
});

const api = async <T>(route: string, params: Record<string, unknown> = {}) => dataOf(await adminCall<T>(shop, route, params));
const ratioYuan = (r: Ratio) => (r.denominator === 0 ? '—' : yuan(Math.round(r.numerator / r.denominator)));
const text = (page: Page, hook: string, within = page.locator('body')) => within.locator(`[data-test="${hook}"]`).innerText();
const texts = (page: Page, hook: string) => page.locator(`[data-test="${hook}"]`).allInnerTexts();

/** Waits for the overview of `from..to` on the page, and compares every number shown with the API's answer. */
async function figuresMatch(t: ExecutionContext, page: Page, from: string, to: string): Promise<FiguresOverview> {
  await page.locator(`[data-test="overview"][data-range="${from}..${to}"]`).waitFor();
  const o = await api<FiguresOverview>('figures.overview', { from, to });
  const { totals } = o;
  const expected: Record<string, string> = {
    gmv: yuan(totals.gmv),
    'paid-orders': String(totals.paidOrders),
    visitors: String(totals.visitors),
    'page-views': String(totals.pageViews),
    conversion: percent(totals.conversion, 2),
    'paying-shoppers': String(totals.payingShoppers),
    'revenue-per-buyer': ratioYuan(totals.revenuePerBuyer),
    'orders-per-buyer': totals.ordersPerBuyer.denominator
      ? (totals.ordersPerBuyer.numerator / totals.ordersPerBuyer.denominator).toFixed(2)
      : '—',
    aov: ratioYuan(totals.aov),
    'payment-success-rate': percent(totals.payments.successRate, 2),
    'payments-started': String(totals.payments.started),
    'payments-paid': String(totals.payments.paid),
    'payments-recovered': String(totals.payments.recovered),
    'payment-verdict': totals.payments.meetsTarget === null ? '暂无数据' : totals.payments.meetsTarget ? '达标' : '未达标',
    'retention-rate': percent(totals.retention.rate, 2),
    'retention-base': String(totals.retention.base),
    'retention-retained': String(totals.retention.retained),
    'retention-verdict': totals.retention.meetsTarget === null ? '暂无数据' : totals.retention.meetsTarget ? '达标' : '未达标',
    'refunds-fee': yuan(totals.refunds.fee),
    'refunds-count': String(totals.refunds.count),
    'refunds-share': percent({ numerator: totals.refunds.fee, denominator: totals.gmv }),
  };
  for (const [hook, value] of Object.entries(expected)) t.is((await text(page, hook)).trim(), value, `${from}..${to} ${hook}`);

  const { funnel } = totals;
  const steps = ['visitors', 'productViewers', 'cartAdders', 'orderCreators', 'payingShoppers'] as const;
  for (const [i, key] of steps.entries()) {
    const row = page.locator(`[data-test="funnel-${key}"]`);
    t.is(await text(page, 'funnel-count', row), String(funnel[key]), `funnel ${key}`);
    const before = funnel[steps[Math.max(0, i - 1)]!];
    t.is(await text(page, 'funnel-step-rate', row), i === 0 ? '—' : percent({ numerator: funnel[key], denominator: before }));
    t.is(await text(page, 'funnel-overall-rate', row), percent({ numerator: funnel[key], denominator: funnel.visitors }));
  }

  t.deepEqual(
    await texts(page, 'top-title'),
    o.topProducts.map((p) => p.title),
    'top products, best first',
  );
  t.deepEqual(
    await texts(page, 'top-units'),
    o.topProducts.map((p) => String(p.units)),
  );
  t.deepEqual(
    await texts(page, 'top-gmv'),
    o.topProducts.map((p) => yuan(p.gmv)),
  );
  const missing = page.locator('[data-test="missing-days"]');
  if (o.missingDays.length) t.regex(await missing.innerText(), new RegExp(`有 ${o.missingDays.length} 天尚无统计数据`));
  else t.is(await missing.count(), 0);
  return o;
}

test('经营概览 shows the API’s figures for 近 7 天, 今天 and 近 30 天, and today’s RFM segments', async (t) => {
  const owner = await site.staff('owner');
  const page = await site.open(1440);
  await site.signIn(page, owner);
  t.regex(page.url(), /#\/dashboard$/);

  const week = await figuresMatch(t, page, bjDay(-6), bjDay());
  t.true(week.totals.gmv > 0 && week.topProducts.length > 0, 'the history and today’s orders are in the week');
  t.true(week.totals.refunds.count > 0 && week.totals.payments.recovered > 0, 'refunds and recovered payments shown');

  const rfm = await api<RfmOverview>('figures.rfm');
  t.true(rfm.customers > 10);
  t.is(await text(page, 'rfm-customers'), String(rfm.customers));
  for (const s of rfm.segments) {
    const row = page.locator(`[data-test="rfm-segment"][data-segment="${s.segment}"]`);
    t.is(await text(page, 'rfm-segment-customers', row), String(s.customers), s.segment);
  }
  t.is(await text(page, 'rfm-avg-r'), rfm.averages.r.toFixed(2));
  t.true(await page.locator('[data-test="trend-chart"] canvas').first().isVisible(), 'the trend is drawn');
  t.true(await page.locator('[data-test="funnel-chart"] canvas').first().isVisible());
  t.true(await page.locator('[data-test="rfm-chart"] canvas').first().isVisible());
  // ECharts animates its first drawing.
  await page.waitForTimeout(1200);
  await site.screenshot(page, 'dashboard');
  t.true(await site.fitsViewport(page), 'fits 1440');
  await page.setViewportSize({ width: 1024, height: 900 });
  t.true(await site.fitsViewport(page), 'fits 1024');

  await page.locator('[data-test="range-today"]').click();
  const today = await figuresMatch(t, page, bjDay(), bjDay());
  t.is(today.totals.paidOrders, 2, 'today’s two paid orders');
  t.true(today.totals.funnel.productViewers >= 1 && today.totals.funnel.cartAdders >= 1, 'today’s tracked views and cart adds');

  await page.locator('[data-test="range-month"]').click();
  const month = await figuresMatch(t, page, bjDay(-29), bjDay());
  t.true(month.missingDays.length > 0, 'days before the history are missing, and the page says so');

  // A segment on the chart's list opens its customers.
  const [segment] = rfm.segments.filter((s) => s.customers > 0);
  await page.locator(`[data-test="rfm-segment"][data-segment="${segment!.segment}"] .t-link`).click();
  await page.waitForURL(/#\/customers\?segment=/);
  t.pass();
});

test('财务对账: the totals equal finance.statement’s, and 导出 CSV downloads every day and the totals', async (t) => {
  const finance = await site.staff('finance');
  const page = await site.open(1440);
  await site.signIn(page, finance);
  await page.goto(site.url('/finance'));
  const from = bjDay(-29);
  const to = bjDay();
  await page.locator(`[data-test="statement"][data-range="${from}..${to}"]`).waitFor();
  const s = await api<Statement>('finance.statement', { from, to });
  t.true(s.totals.payments.count > 0 && s.totals.refunds.count > 0, 'payments and refunds in the range');
  t.is(await text(page, 'total-payments'), yuan(s.totals.payments.fee));
  t.is(await text(page, 'total-payments-count'), String(s.totals.payments.count));
  t.is(await text(page, 'total-refunds'), yuan(s.totals.refunds.fee));
  t.is(await text(page, 'total-refunds-count'), String(s.totals.refunds.count));
  t.is(await text(page, 'total-pay-fee'), yuan(s.totals.payFee));
  t.is(await text(page, 'total-net'), yuan(s.totals.net));
  const table = page.locator('[data-test="statement-table"]');
  t.is(await table.locator('tbody tr').count(), s.days.length, 'one row per day');
  const footer = await table.locator('tfoot tr').innerText();
  t.true(footer.includes('合计') && footer.includes(yuan(s.totals.net)), 'the totals row');

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="export-csv"]').click()]);
  t.is(download.suggestedFilename(), `对账单_${from}_${to}.csv`);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  t.true(csv.startsWith('\uFEFF'), 'a byte order mark for Excel');
  const lines = csv.slice(1).trimEnd().split('\r\n');
  t.is(lines[0], '日期,收款笔数,收款金额（元）,退款笔数,退款金额（元）,手续费（元）,净收入（元）,预计结算日');
  t.is(lines.length, s.days.length + 2, 'the header, each day and the totals');
  const plain = (fen: number) => `${fen < 0 ? '-' : ''}${(Math.abs(fen) / 100).toFixed(2)}`;
  for (const [i, d] of s.days.entries()) {
    t.is(
      lines[i + 1],
      [
        d.day,
        d.payments.count,
        plain(d.payments.fee),
        d.refunds.count,
        plain(d.refunds.fee),
        plain(d.payFee),
        plain(d.net),
        d.settlementDay,
      ].join(','),
    );
  }
  const totals = s.totals;
  t.is(
    lines.at(-1),
    [
      '合计',
      totals.payments.count,
      plain(totals.payments.fee),
      totals.refunds.count,
      plain(totals.refunds.fee),
      plain(totals.payFee),
      plain(totals.net),
      '',
    ].join(','),
  );

  await site.screenshot(page, 'finance');
  t.true(await site.fitsViewport(page), 'fits 1440');
  await page.setViewportSize({ width: 1024, height: 900 });
  t.true(await site.fitsViewport(page), 'fits 1024');

  await page.locator('[data-test="range-week"]').click();
  await page.locator(`[data-test="statement"][data-range="${bjDay(-6)}..${to}"]`).waitFor();
  const week = await api<Statement>('finance.statement', { from: bjDay(-6), to });
  t.is(await text(page, 'total-net'), yuan(week.totals.net), 'another range, its totals');

  // A custom range, typed in.
  await page.locator('[data-test="range-custom"]').click();
  const [start, end] = [
    page.locator('.range-picker .t-range-input input').first(),
    page.locator('.range-picker .t-range-input input').last(),
  ];
  await start.fill(bjDay(-10));
  await start.press('Enter');
  await end.fill(bjDay(-3));
  await end.press('Enter');
  await page.locator(`[data-test="statement"][data-range="${bjDay(-10)}..${bjDay(-3)}"]`).waitFor();
  const custom = await api<Statement>('finance.statement', { from: bjDay(-10), to: bjDay(-3) });
  t.is(await text(page, 'total-payments'), yuan(custom.totals.payments.fee), 'a custom range, its totals');
});
