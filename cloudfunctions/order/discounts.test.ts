import type { ExecutionContext } from 'ava';
import test from 'ava';
import { approveRefund, shipOrder } from '../../testkit/merchant.js';
import { dataOf, startShop, until } from '../../testkit/shop.js';
import type { Envelope } from '../../typings/common.js';
import type { CouponRule, CouponScope, CouponView, ForCartResult } from '../../typings/coupon.js';
import type { OrderView, Preview } from '../../typings/order.js';
import type { Address } from '../../typings/user.js';

/**
 * Checkout with the shopper's member level, coupons and points, through the gateway on the seeded demo shop: the
 * preview's breakdown, the order created at exactly that price, the coupon and points held by the order and given
 * back when it closes unpaid or is refunded, points and commission earned when it completes. Every amount is checked
 * against the documents read back (SKU prices, coupons, settings, ledgers), never against the function's own answer.
 */
const shop = await startShop();
const { control } = shop;
const settings = (await shop.db.collection('settings').doc('member').get()).data[0] as Record<string, any>;
test.after.always(() => shop.close());

type Rec = Record<string, any>;
const DAY = 86_400_000;
let keys = 0;
const key = () => `disc-key-${process.pid}-${++keys}`;

const addresses = new Map<string, Promise<string>>();
function addressOf(openid: string): Promise<string> {
  let id = addresses.get(openid);
  if (!id) {
    id = shop
      .call<Address>(
        'user',
        'addresses.save',
        {
          name: '赵六',
          phone: '13612345678',
          province: '上海市',
          city: '上海市',
          district: '浦东新区',
          detail: '世纪大道 100 号',
        },
        openid,
      )
      .then((a) => dataOf(a).addressId);
    addresses.set(openid, id);
  }
  return id;
}

const doc = async (collection: string, id: string): Promise<Rec | undefined> =>
  (await shop.db.collection(collection).doc(id).get()).data[0] as Rec | undefined;
const sku = async (skuId: string) => (await doc('skus', skuId))!;
const couponDoc = async (couponId: string) => (await doc('user_coupons', couponId))!;
const pointsOf = async (openid: string): Promise<number> => (await doc('users', openid))?.points ?? 0;
const ordersOf = async (openid: string) => (await shop.db.collection('orders').where({ openid }).get()).data as Rec[];

/** A coupon in the shopper's hands as a claim leaves it (model/coupon.ts `UserCouponDoc`), valid for a day unless told. */
async function giveCoupon(
  openid: string,
  rule: CouponRule,
  scope: CouponScope = { type: 'all' },
  fields: Rec = {},
): Promise<string> {
  const now = Date.now();
  const added = await shop.db.collection('user_coupons').add({
    openid,
    templateId: `t-${rule.kind}-${scope.type}`,
    name: '测试券',
    rule,
    scope,
    status: 'available',
    orderId: null,
    claimedAt: new Date(now - 60_000),
    validFrom: new Date(now - 60_000),
    validUntil: new Date(now + DAY),
    ...fields,
  });
  return added.id as string;
}

const { giveMember } = shop;

/** The points ledger sums to the balance, and the growth deltas to the growth. */
async function assertLedgers(t: ExecutionContext, openid: string): Promise<void> {
  const entries = (await shop.db.collection('points_ledger').where({ openid }).limit(1000).get()).data as Rec[];
  const user = await doc('users', openid);
  t.is(
    entries.reduce((n, e) => n + e.delta, 0),
    user?.points ?? 0,
    `${openid}: the points ledger sums to the balance`,
  );
  t.is(
    entries.reduce((n, e) => n + e.growthDelta, 0),
    user?.growth ?? 0,
    `${openid}: the growth deltas sum to the growth`,
  );
}

type Line = { skuId: string; quantity: number };
const preview = (openid: string, lines: Line[], extra: Rec = {}) =>
  shop.call<Preview>('order', 'preview', { lines, ...extra }, openid);
async function create(openid: string, lines: Line[], extra: Rec = {}): Promise<Envelope<OrderView>> {
  return shop.call<OrderView>(
    'order',
    'create',
    { lines, addressId: await addressOf(openid), idempotencyKey: key(), ...extra },
    openid,
  );
}

async function pay(openid: string, orderId: string): Promise<void> {
  dataOf(await shop.call('pay', 'create', { orderId }, openid));
  await control('POST', `/pay/orders/${orderId}/pay`, { openid });
  await until(`${orderId} paid`, async () => (await doc('orders', orderId))!.status === 'paid');
}

async function refund(openid: string, orderId: string): Promise<void> {
  dataOf(await shop.call('order', 'refund', { orderId, reason: '不想要了' }, openid));
  await approveRefund(shop, orderId);
  await until(`${orderId} refunded`, async () => (await doc('orders', orderId))!.status === 'refunded');
}

/** The member discount the shop's settings give `growth` on `goods`. */
function memberDiscountFor(growth: number, goods: number): { name: string; bp: number; discount: number } {
  const level = (settings.levels as Rec[]).filter((l) => growth >= l.minGrowth).at(-1)!;
  return { name: level.name, bp: level.discountBp, discount: goods - Math.ceil((goods * level.discountBp) / 10_000) };
}

/** Every order-level invariant of a breakdown: kinds sum to the total, lines to the order, payable = goods − discounts + freight. */
function assertBreakdown(t: ExecutionContext, priced: { lines: Preview['lines']; amounts: Preview['amounts'] }): void {
  const { amounts, lines } = priced;
  const d = amounts.discounts!;
  t.is(d.promotion + d.member + d.coupon + d.points, amounts.discountTotal);
  t.is(amounts.payable, amounts.subtotal - amounts.discountTotal + amounts.freight);
  t.is(
    lines.reduce((n, l) => n + l.subtotal, 0),
    amounts.subtotal,
  );
  t.is(lines.reduce((n, l) => n + l.payable, 0) + amounts.freight, amounts.payable);
  for (const kind of ['promotion', 'member', 'coupon', 'points'] as const)
    t.is(
      lines.reduce((n, l) => n + l.discounts![kind], 0),
      d[kind],
      `${kind} lines sum`,
    );
  for (const l of lines) t.is(l.payable, l.subtotal - Object.values(l.discounts!).reduce((a, b) => a + b, 0));
}

// ---- preview -----------------------------------------------------------------------------------------------------

test('preview shows the breakdown: level discount, the best coupon and the picker, points and their cap, freight', async (t) => {
  const openid = 'o-disc-preview';
  await giveMember(openid, { points: 3000, growth: 5000 });
  const lines = [
    { skuId: 'spu-001-02', quantity: 2 },
    { skuId: 'spu-007-01', quantity: 1 },
  ];
  const [tee, nuts] = [await sku('spu-001-02'), await sku('spu-007-01')];
  const goods = tee.price * 2 + nuts.price;
  const threshold = await giveCoupon(openid, { kind: 'threshold', threshold: 9900, off: 1000 });
  const food = await giveCoupon(openid, { kind: 'percent', percent: 50, cap: 5000 }, { type: 'categories', ids: ['c-food'] });
  const tooBig = await giveCoupon(openid, { kind: 'threshold', threshold: 10_000_000, off: 100 });

  const p = dataOf(await preview(openid, lines));
  const level = memberDiscountFor(5000, goods);
  t.like(p.amounts, {
    subtotal: goods,
    member: { levelName: level.name, discountBp: level.bp },
    discounts: { promotion: 0, member: level.discount },
  });
  t.is(level.name, '金卡会员');
  // The food coupon: half of what the nuts still cost after the level discount (their share of it).
  const nutsAfterMember = nuts.price - p.lines[1]!.discounts!.member;
  const foodOff = Math.floor(nutsAfterMember / 2);
  t.true(foodOff > 1000, 'the percent coupon is worth more than the ¥10 off');
  t.is(p.bestCouponId, food);
  t.like(p.amounts.coupon, { couponId: food, discount: foodOff, scopeText: '指定分类可用' });
  t.is(p.lines[0]!.discounts!.coupon, 0, 'a food coupon leaves the T-shirts alone');
  t.deepEqual(
    p.coupons!.map((c) => [c.couponId, c.applicable, c.discount]),
    [
      [food, true, foodOff],
      [threshold, true, 1000],
      [tooBig, false, 0],
    ],
  );
  // Points: half of what is left after the coupon, at most the balance.
  const left = goods - level.discount - foodOff;
  const maxValue = Math.min(
    Math.floor((left * settings.redeem.maxPercentBp) / 10_000),
    Math.floor((3000 * 100) / settings.redeem.pointsPerYuan),
  );
  t.like(p.points, { balance: 3000, maxValue, pointsPerYuan: settings.redeem.pointsPerYuan });
  t.is(p.amounts.pointsUsed, 0, 'points are used only when asked');
  t.is(p.amounts.freight, goods >= 9900 ? 0 : 800);
  assertBreakdown(t, p);

  // Another coupon, no coupon, and points.
  const chosen = dataOf(await preview(openid, lines, { couponId: threshold, usePoints: 500 }));
  t.like(chosen.amounts, {
    coupon: { couponId: threshold, discount: 1000 },
    pointsUsed: 500,
    discounts: { coupon: 1000, points: (500 * 100) / settings.redeem.pointsPerYuan },
  });
  assertBreakdown(t, chosen);
  const none = dataOf(await preview(openid, lines, { couponId: null }));
  t.is(none.amounts.coupon, null);
  t.is(none.amounts.discounts!.coupon, 0);
  t.is(none.coupons!.length, 3, 'the picker still lists them');
  // Asking for a coupon that does not apply is refused, as create would refuse it.
  t.like(await preview(openid, lines, { couponId: tooBig }), { ok: false, code: 'INVALID_STATE' });
  t.like(await preview(openid, lines, { usePoints: 3001 }), { ok: false, code: 'INVALID_STATE' });
  t.like(await preview(openid, lines, { couponId: 'someone-elses-coupon' }), { ok: false, code: 'NOT_FOUND' });
});

test("coupon.forCart quotes a member's coupons as the checkout does: after the level discount", async (t) => {
  const openid = 'o-disc-forcart';
  await giveMember(openid, { growth: 5000 });
  const lines = [
    { skuId: 'spu-001-02', quantity: 2 },
    { skuId: 'spu-007-01', quantity: 1 },
  ];
  const food = await giveCoupon(openid, { kind: 'percent', percent: 50, cap: 5000 }, { type: 'categories', ids: ['c-food'] });
  await giveCoupon(openid, { kind: 'threshold', threshold: 9900, off: 1000 });
  const checkout = dataOf(await preview(openid, lines));
  t.true(checkout.amounts.discounts!.member > 0, 'the level discount applies');
  const cart = dataOf(await shop.call<ForCartResult>('coupon', 'forCart', { lines }, openid));
  t.deepEqual(cart.coupons, checkout.coupons);
  t.is(cart.bestCouponId, food);
  // Half of what the nuts cost after the level discount, not of their list price.
  const nuts = await sku('spu-007-01');
  t.is(
    cart.coupons.find((c) => c.couponId === food)!.discount,
    Math.floor((nuts.price - checkout.lines[1]!.discounts!.member) / 2),
  );
});

test('a shopper with no coupons or points pays list prices; a new level discount applies once growth reaches it', async (t) => {
  const openid = 'o-disc-level';
  const lines = [{ skuId: 'spu-004-01', quantity: 1 }];
  const price = (await sku('spu-004-01')).price;
  const plain = dataOf(await preview(openid, lines));
  t.like(plain.amounts, {
    subtotal: price,
    discountTotal: 0,
    payable: price,
    coupon: null,
    member: { levelIndex: 0, discountBp: 10_000 },
  });
  t.deepEqual(plain.coupons, []);
  t.like(plain.points, { balance: 0, maxUsable: 0 });
  for (const growth of [999, 1000, 20_000]) {
    await giveMember(openid, { growth });
    const level = memberDiscountFor(growth, price);
    const p = dataOf(await preview(openid, lines));
    t.like(p.amounts, {
      member: { levelName: level.name, discountBp: level.bp },
      discounts: { member: level.discount },
      payable: price - level.discount,
    });
  }
  const order = dataOf(await create(openid, lines));
  const stored = (await doc('orders', order.orderId))!;
  t.like(stored.amounts, { member: { levelName: '钻石会员' }, discounts: { member: memberDiscountFor(20_000, price).discount } });
});

// ---- create: each coupon kind and scope ----------------------------------------------------------------------------

const KINDS: Array<{ name: string; rule: CouponRule; scope: CouponScope; lines: Line[]; eligible: boolean[] }> = [
  {
    name: '满减, whole shop',
    rule: { kind: 'threshold', threshold: 9900, off: 1500 },
    scope: { type: 'all' },
    lines: [
      { skuId: 'spu-002-01', quantity: 1 },
      { skuId: 'spu-010-01', quantity: 2 },
    ],
    eligible: [true, true],
  },
  {
    name: '折扣 with a cap, one category (its parent named)',
    rule: { kind: 'percent', percent: 80, cap: 1000 },
    scope: { type: 'categories', ids: ['c-home'] },
    lines: [
      { skuId: 'spu-002-02', quantity: 1 },
      { skuId: 'spu-010-02', quantity: 2 },
    ],
    eligible: [false, true],
  },
  {
    name: '无门槛, one product',
    rule: { kind: 'no_threshold', off: 700 },
    scope: { type: 'products', ids: ['spu-002'] },
    lines: [
      { skuId: 'spu-002-03', quantity: 1 },
      { skuId: 'spu-010-03', quantity: 1 },
    ],
    eligible: [true, false],
  },
];

for (const [i, kind] of KINDS.entries()) {
  test(`create with a coupon (${kind.name}): priced as previewed, shared over its lines only, locked to the order, usable once`, async (t) => {
    const openid = `o-disc-kind-${i}`;
    const couponId = await giveCoupon(openid, kind.rule, kind.scope);
    const prices = await Promise.all(kind.lines.map(async (l) => (await sku(l.skuId)).price * l.quantity));
    const eligible = prices.reduce((n, p, j) => n + (kind.eligible[j] ? p : 0), 0);
    const expected =
      kind.rule.kind === 'percent'
        ? Math.min(Math.floor((eligible * (100 - kind.rule.percent)) / 100), kind.rule.cap!)
        : kind.rule.off;

    const p = dataOf(await preview(openid, kind.lines, { couponId }));
    const order = dataOf(await create(openid, kind.lines, { couponId }));
    t.is(order.amounts.payable, p.amounts.payable, 'the preview priced it exactly');
    t.deepEqual(order.amounts, p.amounts);
    t.like(order.amounts, { coupon: { couponId, discount: expected }, discounts: { coupon: expected } });
    order.lines.forEach((l, j) => {
      if (!kind.eligible[j]) t.is(l.discounts!.coupon, 0, `line ${j} is not in the coupon's scope`);
      else if (kind.eligible.filter(Boolean).length === 1) t.is(l.discounts!.coupon, expected);
    });
    assertBreakdown(t, order);
    const stored = (await doc('orders', order.orderId))!;
    t.deepEqual(
      stored.lines.map((l: Rec) => l.discounts),
      order.lines.map((l) => l.discounts),
      'the per-line allocation is stored',
    );
    t.like(await couponDoc(couponId), { status: 'locked', orderId: order.orderId });

    // Usable once: another order cannot take it, and writes nothing.
    const stock = await Promise.all(kind.lines.map(async (l) => (await sku(l.skuId)).stock));
    t.like(await create(openid, kind.lines, { couponId }), { ok: false, code: 'INVALID_STATE' });
    t.deepEqual(
      await Promise.all(kind.lines.map(async (l) => (await sku(l.skuId)).stock)),
      stock,
      'the refused order held no stock',
    );
    t.is((await ordersOf(openid)).length, 1);
    const again = dataOf(await preview(openid, kind.lines));
    t.falsy(
      again.coupons!.some((c) => c.couponId === couponId),
      'a locked coupon is not offered',
    );
  });
}

test('create without couponId applies the best coupon, as the preview did; couponId null applies none', async (t) => {
  const openid = 'o-disc-best';
  const lines = [{ skuId: 'spu-011-01', quantity: 1 }];
  const small = await giveCoupon(openid, { kind: 'no_threshold', off: 300 });
  const big = await giveCoupon(openid, { kind: 'no_threshold', off: 900 });
  const p = dataOf(await preview(openid, lines));
  t.is(p.bestCouponId, big);
  const order = dataOf(await create(openid, lines));
  t.like(order.amounts, { coupon: { couponId: big, discount: 900 }, payable: p.amounts.payable });
  t.like(await couponDoc(big), { status: 'locked', orderId: order.orderId });
  const plain = dataOf(await create(openid, lines, { couponId: null }));
  t.like(plain.amounts, { coupon: null, discountTotal: 0 });
  t.like(await couponDoc(small), { status: 'available', orderId: null });
});

// ---- points --------------------------------------------------------------------------------------------------------

test('usePoints: capped by the redeem rule, refused beyond the balance (nothing written), spent once with the order', async (t) => {
  const openid = 'o-disc-points';
  await giveMember(openid, { points: 100_000 });
  const lines = [{ skuId: 'spu-012-01', quantity: 1 }];
  const price = (await sku('spu-012-01')).price;
  const cap = Math.floor((price * settings.redeem.maxPercentBp) / 10_000);
  const capPoints = Math.ceil((cap * settings.redeem.pointsPerYuan) / 100);

  const p = dataOf(await preview(openid, lines, { usePoints: 100_000 }));
  t.like(p.points, { balance: 100_000, maxUsable: capPoints, maxValue: cap });
  t.like(p.amounts, { pointsUsed: capPoints, discounts: { points: cap } });

  const stock = (await sku('spu-012-01')).stock;
  t.like(await create(openid, lines, { usePoints: 100_001 }), { ok: false, code: 'INVALID_STATE' });
  t.is(await pointsOf(openid), 100_000);
  t.is((await sku('spu-012-01')).stock, stock);
  t.is((await ordersOf(openid)).length, 0);

  const order = dataOf(await create(openid, lines, { usePoints: 100_000 }));
  t.like(order.amounts, { pointsUsed: capPoints, discounts: { points: cap }, payable: p.amounts.payable });
  t.is(await pointsOf(openid), 100_000 - capPoints);
  t.like(await doc('points_ledger', `${openid}:order_spend:${order.orderId}`), { delta: -capPoints, reason: 'order_spend' });
  await assertLedgers(t, openid);
});

test('the same idempotency key retried concurrently with a coupon and points: one order, the coupon locked once, points spent once', async (t) => {
  const openid = 'o-disc-retry';
  await giveMember(openid, { points: 2000 });
  const couponId = await giveCoupon(openid, { kind: 'no_threshold', off: 200 });
  const params = {
    lines: [{ skuId: 'spu-006-01', quantity: 1 }],
    addressId: await addressOf(openid),
    idempotencyKey: key(),
    couponId,
    usePoints: 1000,
  };
  const answers = await Promise.all(Array.from({ length: 6 }, () => shop.call<OrderView>('order', 'create', params, openid)));
  const ids = new Set(answers.map((a) => dataOf(a).orderId));
  t.is(ids.size, 1);
  const [orderId] = [...ids];
  t.like(await couponDoc(couponId), { status: 'locked', orderId });
  t.is(await pointsOf(openid), 1000);
  t.is((await ordersOf(openid)).length, 1);
  await assertLedgers(t, openid);
});

// ---- giving back -----------------------------------------------------------------------------------------------

test('a cancelled order gives back its coupon (available again) and its points; a timed-out one too', async (t) => {
  const openid = 'o-disc-cancel';
  await giveMember(openid, { points: 800 });
  const couponId = await giveCoupon(openid, { kind: 'no_threshold', off: 500 });
  const lines = [{ skuId: 'spu-005-02', quantity: 1 }];
  const first = dataOf(await create(openid, lines, { couponId, usePoints: 300 }));
  t.is(await pointsOf(openid), 500);
  dataOf(await shop.call('order', 'cancel', { orderId: first.orderId }, openid));
  t.like(await couponDoc(couponId), { status: 'available', orderId: null, lastOrderId: first.orderId });
  t.is(await pointsOf(openid), 800);
  t.like(await doc('points_ledger', `${openid}:order_spend_return:${first.orderId}`), { delta: 300 });

  // The same coupon and points on a new order, which then times out (the jobs timer).
  const second = dataOf(await create(openid, lines, { couponId, usePoints: 800 }));
  t.like(await couponDoc(couponId), { status: 'locked', orderId: second.orderId });
  t.is(await pointsOf(openid), 0);
  await shop.db
    .collection('orders')
    .doc(second.orderId)
    .update({ expiresAt: new Date(Date.now() - 60_000) });
  const fired = await control('POST', '/timers/jobs/run');
  t.true(fired.outcome?.ok, JSON.stringify(fired));
  t.is((await doc('orders', second.orderId))!.status, 'cancelled');
  t.like(await couponDoc(couponId), { status: 'available', orderId: null, lastOrderId: second.orderId });
  t.is(await pointsOf(openid), 800);
  await assertLedgers(t, openid);
});

test('paid: the coupon is used; refunded: it comes back (expired when its validity ended meanwhile) with the points', async (t) => {
  const openid = 'o-disc-refund';
  await giveMember(openid, { points: 1000 });
  const lasting = await giveCoupon(openid, { kind: 'no_threshold', off: 400 });
  const lines = [{ skuId: 'spu-009-01', quantity: 1 }];
  const order = dataOf(await create(openid, lines, { couponId: lasting, usePoints: 600 }));
  await pay(openid, order.orderId);
  t.like(await couponDoc(lasting), { status: 'used', orderId: order.orderId });
  t.like(await create(openid, lines, { couponId: lasting }), { ok: false, code: 'INVALID_STATE' }, 'a used coupon is refused');
  await refund(openid, order.orderId);
  t.like(await couponDoc(lasting), { status: 'available', orderId: null, lastOrderId: order.orderId });
  t.is(await pointsOf(openid), 1000, 'the points spent came back');

  // A coupon whose validity ends while its order is paid comes back expired.
  const shortLived = await giveCoupon(openid, { kind: 'no_threshold', off: 400 });
  const second = dataOf(await create(openid, lines, { couponId: shortLived }));
  await pay(openid, second.orderId);
  await shop.db
    .collection('user_coupons')
    .doc(shortLived)
    .update({ validUntil: new Date(Date.now() - 1000) });
  await refund(openid, second.orderId);
  t.like(await couponDoc(shortLived), { status: 'expired', orderId: null });
  await assertLedgers(t, openid);
});

test("completion earns points and growth and the inviter's commission once; a refunded order earns nothing", async (t) => {
  const inviter = 'o-disc-inviter';
  const buyer = 'o-disc-invitee';
  const { inviteCode } = dataOf(await shop.call<{ inviteCode: string }>('member', 'referral.summary', {}, inviter));
  t.like(dataOf(await shop.call('member', 'referral.bind', { inviteCode }, buyer)), { bound: true });
  await giveMember(buyer, { points: 500, growth: 1000 });
  const couponId = await giveCoupon(buyer, { kind: 'no_threshold', off: 300 });
  const order = dataOf(await create(buyer, [{ skuId: 'spu-003-01', quantity: 1 }], { couponId, usePoints: 500 }));
  await pay(buyer, order.orderId);
  await shipOrder(shop, order.orderId, { carrier: '顺丰速运', trackingNo: 'SF-DISC-1' });
  dataOf(await shop.call('order', 'confirmReceipt', { orderId: order.orderId }, buyer));
  t.like(await shop.call('order', 'confirmReceipt', { orderId: order.orderId }, buyer), { ok: false, code: 'INVALID_STATE' });

  const stored = (await doc('orders', order.orderId))!;
  const paid = stored.amounts.payable - stored.amounts.freight;
  const earned = await doc('points_ledger', `${buyer}:order_earn:${order.orderId}`);
  t.like(earned, {
    delta: Math.floor((paid * settings.earn.pointsPerYuan) / 100),
    growthDelta: Math.floor((paid * settings.earn.growthPerYuan) / 100),
  });
  t.is(await pointsOf(buyer), earned!.delta, 'spent 500 of 500, then earned');
  const commission = await doc('commissions', order.orderId);
  t.like(commission, {
    status: 'pending',
    inviterOpenid: inviter,
    paidFen: paid,
    amount: Math.floor((paid * settings.referral.commissionBp) / 10_000),
  });
  t.like((await doc('users', inviter))!.commission, { pending: commission!.amount, available: 0 });
  t.is((await shop.db.collection('commission_ledger').where({ orderId: order.orderId }).count()).total, 1, 'recorded once');
  t.like(await couponDoc(couponId), { status: 'used' });

  // A refunded order of the same buyer: no points earned, no commission, its coupon and points back.
  const second = dataOf(await create(buyer, [{ skuId: 'spu-003-02', quantity: 1 }], { couponId: null, usePoints: 100 }));
  await pay(buyer, second.orderId);
  await refund(buyer, second.orderId);
  t.falsy(await doc('points_ledger', `${buyer}:order_earn:${second.orderId}`));
  t.falsy(await doc('commissions', second.orderId));
  t.is(await pointsOf(buyer), earned!.delta);
  await assertLedgers(t, buyer);
  await assertLedgers(t, inviter);
});

test('a coupon claimed through the coupon function is offered, applied and locked like any other', async (t) => {
  const openid = 'o-disc-claimed';
  const claimed = dataOf(await shop.call<CouponView>('coupon', 'claim', { templateId: 'ct-free-5' }, openid));
  const lines = [{ skuId: 'spu-008-01', quantity: 1 }];
  const p = dataOf(await preview(openid, lines));
  t.is(p.bestCouponId, claimed.couponId);
  const order = dataOf(await create(openid, lines));
  t.like(order.amounts, {
    coupon: { couponId: claimed.couponId, name: '5元无门槛券', summary: '无门槛减5元', discount: 500 },
    payable: p.amounts.payable,
  });
  const mine = dataOf(await shop.call<{ items: CouponView[] }>('coupon', 'mine', { status: 'used' }, openid));
  t.like(
    mine.items.find((c) => c.couponId === claimed.couponId),
    { status: 'locked', orderId: order.orderId },
  );
});

// ---- malformed input -------------------------------------------------------------------------------------------

const malformed: Array<[string, Rec]> = [
  ['couponId of the wrong type', { couponId: 42 }],
  ['couponId with an operator', { couponId: { $ne: null } }],
  ['couponId too long', { couponId: 'x'.repeat(65) }],
  ['usePoints negative', { usePoints: -1 }],
  ['usePoints fractional', { usePoints: 1.5 }],
  ['usePoints as a string', { usePoints: '100' }],
  ['usePoints huge', { usePoints: 1e12 }],
  ['an unknown field (a client discount)', { discount: 1000 }],
];

for (const [name, extra] of malformed) {
  test(`preview and create refuse ${name} with VALIDATION and write nothing`, async (t) => {
    const openid = `o-disc-bad-${name.replace(/\W+/g, '-')}`;
    await giveMember(openid, { points: 1000 });
    const couponId = await giveCoupon(openid, { kind: 'no_threshold', off: 100 });
    const lines = [{ skuId: 'spu-012-02', quantity: 1 }];
    const stock = (await sku('spu-012-02')).stock;
    t.like(await preview(openid, lines, extra), { ok: false, code: 'VALIDATION' });
    t.like(await create(openid, lines, extra), { ok: false, code: 'VALIDATION' });
    t.is((await ordersOf(openid)).length, 0);
    t.like(await couponDoc(couponId), { status: 'available', orderId: null });
    t.is(await pointsOf(openid), 1000);
    t.is((await sku('spu-012-02')).stock, stock, 'no stock held');
  });
}
