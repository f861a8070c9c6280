import test, { type ExecutionContext } from 'ava';
import { seedHistory } from '../../database/seed-history.js';
import { adminCall, approveRefund, verifyMerchant } from '../../testkit/merchant.js';
import { couponTemplate, dataOf, startShop, until } from '../../testkit/shop.js';
import type { AdminRole } from '../../typings/admin-access.js';
import type {
  CustomerDetail,
  CustomerPage,
  CustomerView,
  FiguresOverview,
  RfmOverview,
  Statement,
  WinBackResult,
  CampaignPage,
} from '../../typings/admin-figures.js';
import type { MessageConsents, MessageTemplates } from '../../typings/user.js';
import type { Envelope, ErrorCode } from '../../typings/common.js';
import type { JobsSummary } from '../../typings/jobs.js';

/**
 * The back office's figures on the demo shop with three weeks of history (database/seed-history.ts) and today's real
 * orders and tracked visits: the jobs timer's daily roll-ups are checked against a brute-force recomputation over
 * every raw order, case and visit, and `figures.overview` against the roll-ups.
 */
const shop = await startShop({ only: ['admin', 'jobs', 'track', 'order', 'pay', 'user'] });
test.after.always(() => shop.close());

type Rec = Record<string, any>;
const HISTORY_DAYS = 14;
const admin = <T>(route: string, params: Rec = {}, role: AdminRole = 'owner'): Promise<Envelope<T>> =>
  adminCall<T>(shop, route, params, { role });
const bjDay = (at: unknown) => new Date(new Date(at as string).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
const shift = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const today = () => bjDay(new Date());

async function all(collection: string): Promise<Rec[]> {
  const found: Rec[] = [];
  for (;;) {
    const page = (await shop.db.collection(collection).skip(found.length).limit(100).get()).data as Rec[];
    found.push(...page);
    if (page.length < 100) return found;
  }
}

async function fireTimer(): Promise<JobsSummary> {
  const fired = await shop.control('POST', '/timers/jobs/run');
  const outcome = fired.outcome as { ok: boolean; result: Envelope<JobsSummary> };
  if (!outcome?.ok) throw new Error(`timer failed: ${JSON.stringify(fired)}`);
  return dataOf(outcome.result);
}

function refused(t: ExecutionContext, answer: Envelope<unknown>, code: ErrorCode): void {
  if (answer.ok) return void t.fail(`expected ${code}, got ok`);
  t.is(answer.code, code, answer.message);
  t.regex(answer.message, /[\u4e00-\u9fff]/, 'the message is Chinese');
}

/** Each day's figures recomputed from scratch, independently of the roll-up code. */
function bruteForce(day: string, orders: Rec[], cases: Rec[], visits: Rec[]): Rec {
  const on = (at: unknown) => at !== undefined && at !== null && bjDay(at) === day;
  const created = orders.filter((o) => on(o.createdAt));
  const paid = orders.filter((o) => on(o.paidAt));
  const tracked = visits.filter((v) => v.day === day);
  const nextDay = new Set(visits.filter((v) => v.day === shift(day, 1)).map((v) => v.openid));
  const visitors = new Set([...tracked.map((v) => v.openid), ...created.map((o) => o.openid), ...paid.map((o) => o.openid)]);
  const started = orders.filter((o) => on(o.payStartedAt));
  const startedPaid = started.filter((o) => o.paidAt);
  const recovered = startedPaid.filter((o) => {
    const t = String(o.payment?.timeEnd ?? '');
    const paidOn = Date.parse(
      `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)}+08:00`,
    );
    return new Date(o.paidAt).getTime() - paidOn >= 60_000;
  });
  const refundFees = [
    ...orders.filter((o) => o.status === 'refunded' && !o.refunds && o.paidAt && on(o.refundedAt)).map((o) => o.payment.totalFee),
    ...cases.filter((c) => c.status === 'refunded' && on(c.refundedAt)).map((c) => c.refundFee),
  ];
  const products: Record<string, { units: number; gmv: number }> = {};
  for (const o of paid)
    for (const l of o.lines) {
      const p = (products[l.spuId] ??= { units: 0, gmv: 0 });
      p.units += l.quantity;
      p.gmv += l.payable;
    }
  return {
    visitors: visitors.size,
    trackedVisitors: tracked.length,
    productViewers: tracked.filter((v) => v.productViewed).length,
    cartAdders: tracked.filter((v) => v.cartAdded).length,
    ordersCreated: created.length,
    orderCreators: new Set(created.map((o) => o.openid)).size,
    paidOrders: paid.length,
    payingShoppers: new Set(paid.map((o) => o.openid)).size,
    gmv: paid.reduce((n, o) => n + o.amounts.payable, 0),
    refunds: { count: refundFees.length, fee: refundFees.reduce((a, b) => a + b, 0) },
    payments: { started: started.length, paid: startedPaid.length, recovered: recovered.length },
    retention: { base: tracked.length, retained: tracked.filter((v) => nextDay.has(v.openid)).length },
    products,
  };
}

const rolled = (doc: Rec): Rec => ({
  visitors: doc.visitors,
  trackedVisitors: doc.trackedVisitors,
  productViewers: doc.productViewers,
  cartAdders: doc.cartAdders,
  ordersCreated: doc.ordersCreated,
  orderCreators: doc.orderCreators,
  paidOrders: doc.paidOrders,
  payingShoppers: doc.payingShoppers,
  gmv: doc.gmv,
  refunds: doc.refunds,
  payments: doc.payments,
  retention: { base: doc.retention.base, retained: doc.retention.retained },
  products: Object.fromEntries((doc.products as Rec[]).map((p) => [p.spuId, { units: p.units, gmv: p.gmv }])),
});

test.serial('the timer’s daily roll-ups equal a brute-force recomputation over every raw order, case and visit', async (t) => {
  const history = await seedHistory(shop.app, { days: HISTORY_DAYS, seed: 7 });
  t.true(history.paidOrders > 20, `history has paid orders (${history.paidOrders})`);
  // Today: tracked visits, an order paid through the real pay function, one left unpaid.
  dataOf(
    await shop.call(
      'track',
      'events',
      { events: [{ type: 'product_view', spuId: 'spu-001' }, { type: 'add_to_cart' }] },
      'o-fig-a',
    ),
  );
  dataOf(await shop.call('track', 'events', { events: [{ type: 'page_view' }] }, 'o-fig-b'));
  const paid = await shop.orderFor('o-fig-a', 'spu-001-06', 2);
  await shop.payFor('o-fig-a', paid.orderId);
  await shop.orderFor('o-fig-c', 'spu-002-01', 1);
  // And one paid order of which one unit of two is refunded through an after-sale case.
  const partly = await shop.orderFor('o-fig-d', 'spu-003-01', 2);
  await shop.payFor('o-fig-d', partly.orderId);
  dataOf(
    await shop.call(
      'order',
      'refund',
      { orderId: partly.orderId, reason: '买多了', lines: [{ index: 0, quantity: 1 }] },
      'o-fig-d',
    ),
  );
  await approveRefund(shop, partly.orderId);
  await until('the case refunded', async () => {
    const cases = (await shop.db.collection('after_sales').where({ orderId: partly.orderId }).get()).data as Rec[];
    return cases[0]?.status === 'refunded';
  });

  const first = await fireTimer();
  t.is(first.figuresRolledUp, HISTORY_DAYS - 1, 'every past day but yesterday rolled up for good');
  t.is((await fireTimer()).figuresRolledUp, 0, 'final days are not recomputed');

  const [orders, cases, visits, stored] = await Promise.all([
    all('orders'),
    all('after_sales'),
    all('visits'),
    all('figures_daily'),
  ]);
  const byDay = new Map(stored.map((d) => [d._id as string, d]));
  const days = Array.from({ length: HISTORY_DAYS + 1 }, (_v, i) => shift(today(), i - HISTORY_DAYS));
  for (const day of days) {
    const doc = byDay.get(day);
    if (!doc) {
      t.fail(`no roll-up for ${day}`);
      continue;
    }
    t.deepEqual(rolled(doc), bruteForce(day, orders, cases, visits), day);
    t.is(doc.complete, day <= shift(today(), -2), `${day} complete`);
  }
  const todayDoc = byDay.get(today())!;
  t.true(todayDoc.paidOrders >= 1 && todayDoc.ordersCreated >= 2, 'today’s real orders are in');
  t.true(todayDoc.visitors >= 4, 'tracked and ordering shoppers are visitors');
  t.is(todayDoc.refunds.count, 1, 'the case’s refund counts today');
  t.true(todayDoc.refunds.fee > 0);
});

test.serial(
  'figures.overview: per day and totals from the roll-ups, GMV = visitors × conversion × orders per buyer × AOV exactly',
  async (t) => {
    const from = shift(today(), -HISTORY_DAYS - 2);
    const to = today();
    const overview = dataOf(await admin<FiguresOverview>('figures.overview', { from, to }, 'finance'));
    const stored = new Map((await all('figures_daily')).map((d) => [d._id as string, d]));
    t.is(overview.days.length, HISTORY_DAYS + 3);
    t.deepEqual(overview.missingDays, [from, shift(from, 1)], 'days before the history have no roll-up');
    t.deepEqual(overview.targets, { paymentSuccessRate: 0.98, nextDayRetention: 0.35 });
    for (const day of overview.days) {
      const doc = stored.get(day.day);
      t.is(day.gmv, doc?.gmv ?? 0, day.day);
      t.is(day.visitors, doc?.visitors ?? 0);
    }
    const sum = (pick: (d: Rec) => number) => overview.days.reduce((n, d) => n + pick(d), 0);
    const { totals } = overview;
    t.is(
      totals.gmv,
      sum((d) => d.gmv),
    );
    t.is(
      totals.paidOrders,
      sum((d) => d.paidOrders),
    );
    t.is(
      totals.refunds.fee,
      sum((d) => d.refunds.fee),
    );
    t.true(totals.gmv > 0);
    for (const figures of [totals, ...overview.days]) {
      const { visitors, conversion, ordersPerBuyer, aov, gmv } = figures;
      t.is(conversion.denominator, visitors);
      t.is(conversion.numerator, ordersPerBuyer.denominator);
      t.is(ordersPerBuyer.numerator, aov.denominator);
      t.is(aov.numerator, gmv);
      if (gmv > 0) {
        // visitors × (p / visitors) × (o / p) × (gmv / o), in integers
        const num = BigInt(visitors) * BigInt(conversion.numerator) * BigInt(ordersPerBuyer.numerator) * BigInt(aov.numerator);
        const den = BigInt(conversion.denominator) * BigInt(ordersPerBuyer.denominator) * BigInt(aov.denominator);
        t.is(num % den, 0n);
        t.is(num / den, BigInt(gmv));
        t.true(figures.decompositionHolds);
        t.is(figures.revenuePerBuyer.numerator * 1, gmv);
      }
    }
    t.is(totals.payments.successRate.numerator, totals.payments.paid);
    t.is(totals.payments.successRate.denominator, totals.payments.started);
    t.is(totals.payments.meetsTarget, totals.payments.paid >= 0.98 * totals.payments.started);
    t.true(totals.payments.recovered > 0, 'the history has payments recovered by reconciliation');
    t.true(totals.refunds.count > 0 && totals.refunds.fee > 0, 'the history has refunds');
    t.is(totals.retention.rate.numerator, totals.retention.retained);
    t.true(totals.retention.retained > 0);
    t.false(totals.retention.final, 'yesterday’s retention waits for today to end');
    const gmvs = overview.topProducts.map((p) => p.gmv);
    t.deepEqual(
      gmvs,
      [...gmvs].sort((a, b) => b - a),
      'top products by GMV',
    );
    t.true(overview.topProducts.length > 0 && overview.topProducts.length <= 10);
    t.true(totals.funnel.visitors >= totals.funnel.payingShoppers);
  },
);

test('figures.overview refuses: a role without figures.read, a reversed range, over 366 days, a malformed day', async (t) => {
  const day = today();
  refused(t, await admin('figures.overview', { from: day, to: day }, 'service'), 'FORBIDDEN');
  refused(t, await admin('figures.overview', { from: day, to: shift(day, -1) }), 'VALIDATION');
  refused(t, await admin('figures.overview', { from: shift(day, -366), to: day }), 'VALIDATION');
  refused(t, await admin('figures.overview', { from: '2026-02-30', to: day }), 'VALIDATION');
  refused(t, await admin('figures.overview', { from: day }), 'VALIDATION');
  t.true((await admin('figures.overview', { from: shift(day, -365), to: day })).ok, '366 days is the most');
});

test.serial(
  'figures.rfm and customers.list: every customer once, in segments that add up, R/F/M from the paid orders',
  async (t) => {
    const rfm = dataOf(await admin<RfmOverview>('figures.rfm'));
    t.true(rfm.customers > 10);
    t.is(rfm.segments.length, 8);
    t.is(
      rfm.segments.reduce((n, s) => n + s.customers, 0),
      rfm.customers,
    );
    const seen: CustomerView[] = [];
    let cursor: string | undefined;
    do {
      const page: CustomerPage = dataOf(
        await admin<CustomerPage>('customers.list', { pageSize: 7, ...(cursor ? { cursor } : {}) }, 'service'),
      );
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    t.is(seen.length, rfm.customers);
    t.is(new Set(seen.map((c) => c.openid)).size, seen.length, 'no customer twice');
    const orders = await all('orders');
    const now = Date.now();
    for (const c of seen) {
      const paid = orders.filter((o) => o.openid === c.openid && o.paidAt);
      const recent = paid.filter((o) => now - new Date(o.paidAt).getTime() <= 365 * 86_400_000);
      t.is(c.frequency, recent.length, c.openid);
      t.is(
        c.monetary,
        recent.reduce((n, o) => n + o.amounts.payable, 0),
      );
      const last = Math.max(...paid.map((o) => new Date(o.paidAt).getTime()));
      t.is(c.recencyDays, Math.round((Date.parse(today()) - Date.parse(bjDay(new Date(last)))) / 86_400_000));
      for (const score of [c.r, c.f, c.m]) t.true(score >= 1 && score <= 5);
    }
    const [biggest] = rfm.segments.filter((s) => s.customers > 0).sort((a, b) => b.customers - a.customers);
    const filtered = dataOf(await admin<CustomerPage>('customers.list', { segment: biggest!.segment, pageSize: 50 }));
    t.is(filtered.items.length, Math.min(50, biggest!.customers));
    t.true(filtered.items.every((c) => c.segment === biggest!.segment));
    t.true(
      seen.some((c) => c.nickname?.startsWith('老顾客')),
      'nicknames from users',
    );
  },
);

test.serial('customers.detail: orders, points, level and coupons, with phone and street masked', async (t) => {
  const detail = dataOf(await admin<CustomerDetail>('customers.detail', { openid: 'o-fig-a' }, 'service'));
  t.is(detail.orders.total, 1);
  t.is(detail.orders.byStatus.paid, 1);
  t.true(detail.orders.paidFen > 0);
  t.truthy(detail.rfm);
  t.is(detail.rfm?.frequency, 1);
  t.like(detail.address, { name: '李四', phone: '139****5678', region: '浙江省杭州市西湖区' });
  t.notRegex(detail.address!.detail, /1 号/, 'the street is masked');
  t.truthy(detail.level);
  const old = dataOf(await admin<CustomerDetail>('customers.detail', { openid: 'o-history-001' }));
  t.regex(old.nickname ?? '', /^老顾客/);
  refused(t, await admin('customers.detail', { openid: 'o-nobody' }), 'NOT_FOUND');
  t.true((await admin('customers.detail', { openid: 'o-fig-a' }, 'finance')).ok, 'finance reads customers too');
  refused(t, await admin('figures.rfm', {}, 'service'), 'FORBIDDEN');
  refused(t, await admin('customers.list', { segment: '普通客户' }), 'VALIDATION');
});

test.serial(
  'finance.statement: payments by WeChat Pay’s day, refunds, the 0.6% fee rounded per payment, net and T+1',
  async (t) => {
    const from = shift(today(), -HISTORY_DAYS);
    const to = today();
    const statement = dataOf(await admin<Statement>('finance.statement', { from, to }, 'finance'));
    t.is(statement.feeBp, 60);
    t.is(statement.settlementDays, 1);
    const [orders, cases] = await Promise.all([all('orders'), all('after_sales')]);
    t.true(cases.length > 0);
    const payDay = (timeEnd: string) => `${timeEnd.slice(0, 4)}-${timeEnd.slice(4, 6)}-${timeEnd.slice(6, 8)}`;
    for (const day of statement.days) {
      const paid = orders.filter((o) => o.payment && o.payment.transactionId && payDay(o.payment.timeEnd) === day.day);
      t.deepEqual(day.payments, { count: paid.length, fee: paid.reduce((n, o) => n + o.payment.totalFee, 0) }, day.day);
      const refunds = [
        ...orders
          .filter((o) => o.refundedAt && !o.refunds && bjDay(o.refundedAt) === day.day)
          .map((o) => o.payment.totalFee as number),
        ...cases.filter((c) => c.status === 'refunded' && bjDay(c.refundedAt) === day.day).map((c) => c.refundFee as number),
      ];
      t.deepEqual(day.refunds, { count: refunds.length, fee: refunds.reduce((a, b) => a + b, 0) });
      const fee =
        paid.reduce((n, o) => n + Math.floor((o.payment.totalFee * 60 + 5000) / 10000), 0) -
        refunds.reduce((n, r) => n + Math.floor((r * 60 + 5000) / 10000), 0);
      t.is(day.payFee, fee);
      t.is(day.net, day.payments.fee - day.refunds.fee - day.payFee);
      t.is(day.settlementDay, shift(day.day, 1));
    }
    t.true(statement.totals.payments.count > 0);
    t.is(
      statement.totals.net,
      statement.days.reduce((n, d) => n + d.net, 0),
    );
    refused(t, await admin('finance.statement', { from, to }, 'operator'), 'FORBIDDEN');
    refused(t, await admin('finance.statement', { from: to, to: from }, 'finance'), 'VALIDATION');
  },
);

test.serial(
  'customers.winBack: a coupon to every customer of a segment, a message to those who agreed, tracked as a campaign, with second verification',
  async (t) => {
    const rfm = dataOf(await admin<RfmOverview>('figures.rfm'));
    const [target] = rfm.segments.filter((s) => s.customers >= 3).sort((a, b) => b.customers - a.customers);
    if (!target) return void t.fail('no segment of 3 or more customers');
    const { segment } = target;
    await shop.db
      .collection('coupon_templates')
      .add(couponTemplate('ct-winback', { name: '老客回归券', total: 1000, perUser: 1 }));
    const issuedOf = async (templateId: string) =>
      (await shop.db.collection('user_coupons').where({ templateId }).count()).total as number;

    refused(
      t,
      await adminCall(shop, 'customers.winBack', { segment, templateId: 'ct-winback' }, { openid: 'o-fig-owner-2' }),
      'VERIFICATION_REQUIRED',
    );
    refused(t, await admin('customers.winBack', { segment, templateId: 'ct-winback' }, 'service'), 'FORBIDDEN');
    refused(t, await admin('customers.winBack', { segment: '普通客户', templateId: 'ct-winback' }), 'VALIDATION');
    t.is(await issuedOf('ct-winback'), 0, 'refusals issue nothing');

    const inSegment: string[] = [];
    let cursor: string | undefined;
    do {
      const page: CustomerPage = dataOf(
        await admin<CustomerPage>('customers.list', { segment, pageSize: 50, ...(cursor ? { cursor } : {}) }),
      );
      inSegment.push(...page.items.map((c) => c.openid));
      cursor = page.nextCursor;
    } while (cursor);
    // Two customers of the segment agreed to the 优惠券到账 message (the first twice: two sends), a third agreed only
    // to order messages; someone outside the segment agreed too and gets nothing.
    const [agreed, agreedTwice, ordersOnly] = inSegment.sort();
    const consent = async (openid: string, accepted: string[]) =>
      dataOf(await shop.call<MessageConsents>('user', 'messages.consent', { accepted }, openid));
    t.deepEqual(await consent(agreed!, ['coupon_issued']), { order_paid: 0, order_shipped: 0, coupon_issued: 1 });
    await consent(agreedTwice!, ['coupon_issued', 'order_paid']);
    t.like(await consent(agreedTwice!, ['coupon_issued']), { coupon_issued: 2, order_paid: 1 });
    await consent(ordersOnly!, ['order_shipped']);
    await consent('o-fig-outsider', ['coupon_issued']);
    t.like(dataOf(await shop.call<MessageTemplates>('user', 'messages.templates', {}, agreed)), {
      coupon_issued: 'TPL_COUPON_ISSUED',
    });
    await shop.control('DELETE', '/outbox');

    await verifyMerchant(shop);
    refused(t, await admin('customers.winBack', { segment, templateId: 'ct-nothing' }), 'NOT_FOUND');
    const result = dataOf(await admin<WinBackResult>('customers.winBack', { segment, templateId: 'ct-winback' }));
    t.like(result, {
      segment,
      templateId: 'ct-winback',
      customers: target.customers,
      issued: target.customers,
      skipped: {},
      sent: 2,
      notSent: {},
    });
    const coupons = (await shop.db.collection('user_coupons').where({ templateId: 'ct-winback' }).limit(1000).get())
      .data as Rec[];
    t.deepEqual(coupons.map((c) => c.openid).sort(), [...inSegment].sort(), 'one coupon for each customer of the segment');
    t.true(coupons.every((c) => c.campaignId === result.campaignId));

    const outbox = (await shop.control('GET', '/outbox')).messages as Rec[];
    t.deepEqual(
      outbox.map((m) => [m.touser, m.templateId, m.outcome]).sort(),
      [
        [agreed, 'TPL_COUPON_ISSUED', 'sent'],
        [agreedTwice, 'TPL_COUPON_ISSUED', 'sent'],
      ].sort(),
      'only those who agreed get the message, once',
    );
    t.like(outbox[0]!.data, { thing1: { value: '老客回归券' }, thing2: { value: '无门槛减5元' } });
    const credits = async (openid: string) =>
      ((await shop.db.collection('message_consents').doc(`${openid}:coupon_issued`).get()).data[0] as Rec | undefined)?.credits;
    t.is(await credits(agreed!), 0, 'the acceptance was spent');
    t.is(await credits(agreedTwice!), 1);
    t.is(await credits('o-fig-outsider'), 1);

    const [entry] = (
      await shop.db.collection('audit_logs').where({ action: 'customers.winBack', target: result.campaignId }).get()
    ).data as Rec[];
    t.like(entry, { actor: 'o-test-merchant', detail: { segment, templateId: 'ct-winback', customers: target.customers } });

    // What came of it: a customer spends the coupon on a paid order, another's order is cancelled (coupon given back).
    const spend = async (openid: string) => {
      const coupon = coupons.find((c) => c.openid === openid)!;
      return shop.placeOrder(openid, [{ skuId: 'spu-003-02', quantity: 1 }], { couponId: coupon._id });
    };
    const paid = await spend(agreed!);
    await shop.payFor(agreed!, paid.orderId);
    const cancelled = await spend(agreedTwice!);
    dataOf(await shop.call('order', 'cancel', { orderId: cancelled.orderId }, agreedTwice));
    const listed = dataOf(await admin<CampaignPage>('customers.campaigns', {}, 'service'));
    t.like(listed.items[0], {
      campaignId: result.campaignId,
      couponName: '老客回归券',
      status: 'done',
      actor: '测试owner',
      issued: target.customers,
      sent: 2,
      used: 1,
      orders: 1,
      orderAmount: (await shop.inspect.order(paid.orderId)).amounts.payable,
    });

    const again = dataOf(await admin<WinBackResult>('customers.winBack', { segment, templateId: 'ct-winback' }));
    t.is(again.issued, 0, 'per user 1: nobody gets a second');
    t.is(again.sent, 0, 'no coupon, no message');
    t.deepEqual(Object.values(again.skipped), [target.customers]);
    t.is(await issuedOf('ct-winback'), target.customers);
    t.deepEqual(
      dataOf(await admin<CampaignPage>('customers.campaigns', { pageSize: 1 })).items.map((c) => c.campaignId),
      [again.campaignId],
      'newest first',
    );

    await shop.db.collection('coupon_templates').add(couponTemplate('ct-winback-2', { total: 2, perUser: 1 }));
    const scarce = dataOf(await admin<WinBackResult>('customers.winBack', { segment, templateId: 'ct-winback-2' }));
    t.is(scarce.issued, 2, 'never past the total');
    t.deepEqual(scarce.skipped, { 已抢光: target.customers - 2 });
    t.is(await issuedOf('ct-winback-2'), 2);
    await shop.db.collection('coupon_templates').add(couponTemplate('ct-winback-3', { status: 'paused' }));
    const before = (await shop.db.collection('win_back_campaigns').count()).total;
    refused(t, await admin('customers.winBack', { segment, templateId: 'ct-winback-3' }), 'INVALID_STATE');
    t.is(await issuedOf('ct-winback-3'), 0);
    t.is((await shop.db.collection('win_back_campaigns').count()).total, before, 'a refused campaign is not recorded');
  },
);

test('messages.consent refuses unknown kinds and empty lists, and changes nothing', async (t) => {
  for (const accepted of [[], ['marketing'], 'coupon_issued']) {
    refused(t, await shop.call('user', 'messages.consent', { accepted }, 'o-fig-refused'), 'VALIDATION');
  }
  t.is((await shop.db.collection('message_consents').where({ openid: 'o-fig-refused' }).count()).total, 0);
});
