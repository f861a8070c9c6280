import test from 'ava';
import type { CouponRule, CouponScope, CouponView } from '../../typings/coupon.js';
import { pointSdkAt } from '../../emulator/test/helpers/sdk.js';
import { couponTemplate, dataOf, startShop } from '../test/shop.js';

/**
 * The coupon rules as pure tables, and the order-side transaction helpers run by the real wx-server-sdk against the
 * emulator (coupons claimed through the gateway, states read back from the database).
 */
const shop = await startShop({ only: ['coupon'] });
// The shared modules open the database when they load, so the SDK is pointed at this emulator first.
pointSdkAt(shop.emulator);
const [{ bestCoupon, couponDiscount, couponLinesFor, lockCoupon, rankCoupons, releaseCoupon, ruleSummary, spendCoupon }, { db }, { ShopError }, { withRetries }] = await Promise.all([
  import('./coupons.js'),
  import('./db.js'),
  import('./errors.js'),
  import('./transactions.js'),
]);
test.after.always(() => shop.close());
type CouponLine = import('./coupons.js').CouponLine;
type CouponLike = import('./coupons.js').CouponLike;

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T12:00:00+08:00');
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- documents as node-sdk hands them back

function coupon(rule: CouponRule, scope: CouponScope = { type: 'all' }, fields: Partial<CouponLike> = {}): CouponLike {
  return { rule, scope, status: 'available', validFrom: new Date(NOW.getTime() - DAY), validUntil: new Date(NOW.getTime() + DAY), ...fields };
}

// ---- every kind × scope × threshold edge -------------------------------------------------------------------------

const KINDS: Array<{ name: string; rule: CouponRule; edges: Array<[eligible: number, discount: number | null]> }> = [
  // null: does not apply
  { name: '满99减10', rule: { kind: 'threshold', threshold: 9900, off: 1000 }, edges: [[0, null], [9899, null], [9900, 1000], [9901, 1000], [50_000, 1000]] },
  { name: '满50享9折，最高减20', rule: { kind: 'percent', percent: 90, cap: 2000, threshold: 5000 }, edges: [[0, null], [4999, null], [5000, 500], [5009, 500], [19_999, 1999], [20_000, 2000], [50_000, 2000]] },
  { name: '8.5折不封顶', rule: { kind: 'percent', percent: 85 }, edges: [[0, null], [6, null], [7, 1], [10_001, 1500], [1_000_000, 150_000]] },
  { name: '无门槛减5', rule: { kind: 'no_threshold', off: 500 }, edges: [[0, null], [1, 1], [499, 499], [500, 500], [501, 500]] },
];

/** Lines whose in-scope part sums to `eligible` (split over two lines when it can be) plus a line out of scope. */
const SCOPES: Array<{ name: string; scope: CouponScope; lines: (eligible: number) => CouponLine[] }> = [
  {
    name: 'all',
    scope: { type: 'all' },
    lines: (e) => [
      { spuId: 'spu-a', categoryId: 'c-tea', parentCategoryId: 'c-food', subtotal: Math.floor(e / 2) },
      { spuId: 'spu-b', categoryId: 'c-tshirt', parentCategoryId: 'c-apparel', subtotal: e - Math.floor(e / 2) },
    ],
  },
  {
    name: 'categories (a top-level category covers its children)',
    scope: { type: 'categories', ids: ['c-food'] },
    lines: (e) => [
      { spuId: 'spu-a', categoryId: 'c-tea', parentCategoryId: 'c-food', subtotal: Math.floor(e / 2) },
      { spuId: 'spu-c', categoryId: 'c-food', parentCategoryId: null, subtotal: e - Math.floor(e / 2) },
      { spuId: 'spu-b', categoryId: 'c-tshirt', parentCategoryId: 'c-apparel', subtotal: 7777 },
    ],
  },
  {
    name: 'products',
    scope: { type: 'products', ids: ['spu-a', 'spu-c'] },
    lines: (e) => [
      { spuId: 'spu-a', categoryId: 'c-tea', subtotal: Math.floor(e / 2) },
      { spuId: 'spu-c', categoryId: 'c-tea', subtotal: e - Math.floor(e / 2) },
      { spuId: 'spu-b', categoryId: 'c-tea', subtotal: 7777 },
    ],
  },
];

for (const kind of KINDS) {
  for (const scope of SCOPES) {
    test(`couponDiscount: ${kind.name} × ${scope.name}`, (t) => {
      for (const [eligible, discount] of kind.edges) {
        const quote = couponDiscount(coupon(kind.rule, scope.scope), scope.lines(eligible), NOW);
        t.is(quote.eligibleSubtotal, eligible, `eligible ${eligible}`);
        if (discount === null) {
          t.false(quote.applicable, `eligible ${eligible} does not apply`);
          t.is(quote.discount, 0);
          t.truthy(quote.reason);
        } else {
          t.deepEqual(quote, { applicable: true, discount, eligibleSubtotal: eligible }, `eligible ${eligible}`);
          t.true(quote.discount <= eligible);
        }
      }
    });
  }
}

test('couponDiscount explains why a coupon does not apply', (t) => {
  const lines: CouponLine[] = [{ spuId: 'spu-a', categoryId: 'c-tea', parentCategoryId: 'c-food', subtotal: 9000 }];
  const full = { kind: 'threshold', threshold: 9900, off: 1000 } as const;
  t.is(couponDiscount(coupon(full), lines, NOW).reason, '适用商品满¥99.00可用，还差¥9.00');
  t.is(couponDiscount(coupon(full, { type: 'categories', ids: ['c-apparel'] }), lines, NOW).reason, '没有适用此券的商品');
  t.is(couponDiscount(coupon(full), [], NOW).reason, '没有适用此券的商品');
  const five = { kind: 'no_threshold', off: 500 } as const;
  t.is(couponDiscount(coupon(five, undefined, { status: 'used' }), lines, NOW).reason, '优惠券已使用');
  t.is(couponDiscount(coupon(five, undefined, { status: 'locked' }), lines, NOW).reason, '优惠券已被订单占用');
  t.is(couponDiscount(coupon(five, undefined, { status: 'expired' }), lines, NOW).reason, '优惠券已过期');
  t.is(couponDiscount(coupon({ kind: 'percent', percent: 99 }), [{ ...lines[0]!, subtotal: 99 }], NOW).reason, '金额太小，无法优惠');
});

test('couponDiscount: validity bounds are inclusive, in fixed and relative coupons alike', (t) => {
  const lines: CouponLine[] = [{ spuId: 'spu-a', categoryId: 'c-tea', subtotal: 1000 }];
  const rule = { kind: 'no_threshold', off: 500 } as const;
  const validFrom = new Date(NOW.getTime() - 3 * DAY);
  const validUntil = new Date(NOW.getTime() + 3 * DAY);
  const c = coupon(rule, undefined, { validFrom, validUntil });
  t.true(couponDiscount(c, lines, validFrom).applicable);
  t.true(couponDiscount(c, lines, validUntil).applicable);
  t.like(couponDiscount(c, lines, new Date(validFrom.getTime() - 1)), { applicable: false, reason: '优惠券未到使用时间' });
  t.like(couponDiscount(c, lines, new Date(validUntil.getTime() + 1)), { applicable: false, reason: '优惠券已过期' });
  // Dates as the database or JSON hand them back.
  t.true(couponDiscount({ ...c, validFrom: validFrom.toISOString(), validUntil: validUntil.toISOString() }, lines, NOW).applicable);
});

test('couponDiscount refuses lines that are not integer fen', (t) => {
  const c = coupon({ kind: 'no_threshold', off: 500 });
  for (const subtotal of [-1, 1.5, Number.NaN]) {
    t.throws(() => couponDiscount(c, [{ spuId: 'a', categoryId: 'b', subtotal }], NOW), { instanceOf: ShopError });
  }
});

test('bestCoupon takes the largest discount, then the coupon expiring soonest; null when none applies', (t) => {
  const lines: CouponLine[] = [
    { spuId: 'spu-a', categoryId: 'c-tea', parentCategoryId: 'c-food', subtotal: 16_800 },
    { spuId: 'spu-b', categoryId: 'c-tshirt', parentCategoryId: 'c-apparel', subtotal: 5900 },
  ];
  const soon = new Date(NOW.getTime() + DAY);
  const later = new Date(NOW.getTime() + 5 * DAY);
  const coupons = [
    { ...coupon({ kind: 'threshold', threshold: 9900, off: 1000 }), _id: 'full', validUntil: later },
    { ...coupon({ kind: 'percent', percent: 90, cap: 2000 }, { type: 'categories', ids: ['c-food'] }), _id: 'food', validUntil: later },
    { ...coupon({ kind: 'no_threshold', off: 1680 }), _id: 'same-sooner', validUntil: soon },
    { ...coupon({ kind: 'no_threshold', off: 99_999 }, { type: 'products', ids: ['spu-z'] }), _id: 'elsewhere' },
    { ...coupon({ kind: 'no_threshold', off: 99_999 }), _id: 'spent', status: 'used' as const },
  ];
  const best = bestCoupon(coupons, lines, NOW);
  t.is(best?.coupon._id, 'same-sooner', '1680 off either way: the one expiring first');
  t.is(best?.quote.discount, 1680);
  t.deepEqual(
    rankCoupons(coupons, lines, NOW).map((r) => [r.coupon._id, r.quote.discount]),
    [['same-sooner', 1680], ['food', 1680], ['full', 1000], ['elsewhere', 0], ['spent', 0]],
  );
  t.is(bestCoupon(coupons.slice(3), lines, NOW), null);
  t.is(bestCoupon([], lines, NOW), null);
});

test('ruleSummary prints what a coupon does as shoppers read it', (t) => {
  t.is(ruleSummary({ kind: 'threshold', threshold: 9900, off: 1000 }), '满99减10');
  t.is(ruleSummary({ kind: 'threshold', threshold: 19_950, off: 2050 }), '满199.5减20.5');
  t.is(ruleSummary({ kind: 'percent', percent: 90, cap: 2000 }), '9折，最高减20元');
  t.is(ruleSummary({ kind: 'percent', percent: 85, threshold: 5000 }), '满50享8.5折');
  t.is(ruleSummary({ kind: 'no_threshold', off: 500 }), '无门槛减5元');
  t.is(ruleSummary({ kind: 'no_threshold', off: 1 }), '无门槛减0.01元');
});

// ---- the order-side helpers, in transactions, on the emulator -----------------------------------------------------

let templates = 0;
/** Claims one coupon through the gateway from a fresh template (¥5 off, 7 days from claiming). */
async function claimCoupon(openid: string, fields: Record<string, unknown> = {}): Promise<string> {
  const templateId = `ct-tx-${++templates}`;
  const now = Date.now();
  await shop.db.collection('coupon_templates').add(couponTemplate(templateId, { name: '订单测试券', total: 10, ...fields }, now));
  return dataOf(await shop.call<CouponView>('coupon', 'claim', { templateId }, openid)).couponId;
}

async function stored(couponId: string): Promise<Doc> {
  return (await shop.db.collection('user_coupons').doc(couponId).get()).data[0] as Doc;
}

const LINES: CouponLine[] = [{ spuId: 'spu-009', categoryId: 'c-tea', parentCategoryId: 'c-food', subtotal: 16_800 }];
const lock = (openid: string, couponId: string, orderId: string, lines = LINES, now = new Date()) => withRetries(db, (tx) => lockCoupon(tx, { openid, couponId, orderId, now, lines }));

test('couponLinesFor adds each line\'s parent category from the database', async (t) => {
  const lines = await couponLinesFor([
    { spuId: 'spu-009', categoryId: 'c-tea', subtotal: 100 },
    { spuId: 'spu-x', categoryId: 'c-food', subtotal: 5 },
  ]);
  t.deepEqual(lines.map((l) => l.parentCategoryId), ['c-food', null]);
});

test('lock → spend → release on refund: the coupon is usable once, then available again', async (t) => {
  const openid = 'o-tx-refund';
  const couponId = await claimCoupon(openid);
  const locked = await lock(openid, couponId, 'order-r1');
  t.deepEqual(locked.quote, { applicable: true, discount: 500, eligibleSubtotal: 16_800 });
  t.like(await stored(couponId), { status: 'locked', orderId: 'order-r1' });
  await t.throwsAsync(lock(openid, couponId, 'order-r2'), { instanceOf: ShopError, message: '优惠券已被其他订单占用' });
  t.deepEqual((await lock(openid, couponId, 'order-r1')).quote, locked.quote, 'locking again for the same order (a retried create) gives the same answer');

  t.is((await withRetries(db, (tx) => spendCoupon(tx, 'order-r1', new Date())))?.status, 'used');
  t.like(await stored(couponId), { status: 'used', orderId: 'order-r1' });
  t.is(await withRetries(db, (tx) => spendCoupon(tx, 'order-r1')), null, 'a duplicate payment notification changes nothing');
  await t.throwsAsync(lock(openid, couponId, 'order-r3'), { instanceOf: ShopError, message: '优惠券已使用' });

  t.is((await withRetries(db, (tx) => releaseCoupon(tx, 'order-r1', new Date())))?.status, 'available');
  t.like(await stored(couponId), { status: 'available', orderId: null, lastOrderId: 'order-r1' });
  const again = await stored(couponId);
  t.is(await withRetries(db, (tx) => releaseCoupon(tx, 'order-r1', new Date())), null, 'released twice: the second finds nothing');
  t.deepEqual(await stored(couponId), again);
  t.is((await lock(openid, couponId, 'order-r4')).coupon.orderId, 'order-r4', 'usable again');
});

test('lock → release on cancel or timeout before payment', async (t) => {
  const openid = 'o-tx-cancel';
  const couponId = await claimCoupon(openid);
  await lock(openid, couponId, 'order-c1');
  await withRetries(db, (tx) => releaseCoupon(tx, 'order-c1', new Date()));
  t.like(await stored(couponId), { status: 'available', orderId: null });
  t.is(await withRetries(db, (tx) => spendCoupon(tx, 'order-c1')), null, 'a late payment of the cancelled order does not spend it');
  t.like(await stored(couponId), { status: 'available' });
  const mine = dataOf(await shop.call<{ items: CouponView[] }>('coupon', 'mine', { status: 'available' }, openid));
  t.deepEqual(mine.items.map((c) => c.couponId), [couponId]);
});

test('a coupon that comes back after its validity ended is expired, and listed so', async (t) => {
  const openid = 'o-tx-expired';
  const couponId = await claimCoupon(openid);
  await lock(openid, couponId, 'order-e1');
  const validUntil = new Date((await stored(couponId)).validUntil);
  await withRetries(db, (tx) => releaseCoupon(tx, 'order-e1', new Date(validUntil.getTime() + 1)));
  t.like(await stored(couponId), { status: 'expired', orderId: null });
  const expired = dataOf(await shop.call<{ items: CouponView[] }>('coupon', 'mine', { status: 'expired' }, openid));
  t.deepEqual(expired.items.map((c) => [c.couponId, c.status]), [[couponId, 'expired']]);
  await t.throwsAsync(lock(openid, couponId, 'order-e2'), { instanceOf: ShopError, message: '优惠券已过期' });
});

test('another shopper cannot lock my coupon', async (t) => {
  const couponId = await claimCoupon('o-tx-owner');
  await t.throwsAsync(lock('o-tx-thief', couponId, 'order-t1'), { instanceOf: ShopError, message: '优惠券不存在' });
  await t.throwsAsync(lock('o-tx-thief', 'no-such-coupon', 'order-t1'), { instanceOf: ShopError, message: '优惠券不存在' });
  t.like(await stored(couponId), { status: 'available', orderId: null });
});

test('lock refuses a coupon not valid yet, past its validity, or not applying to the lines, and changes nothing', async (t) => {
  const openid = 'o-tx-refusals';
  const now = Date.now();
  const later = await claimCoupon(openid, { validity: { type: 'fixed', startAt: new Date(now + DAY), endAt: new Date(now + 2 * DAY) } });
  await t.throwsAsync(lock(openid, later, 'order-f1'), { instanceOf: ShopError, message: '优惠券不可用：优惠券未到使用时间' });
  const lapsed = await claimCoupon(openid);
  await t.throwsAsync(lock(openid, lapsed, 'order-f2', LINES, new Date(now + 8 * DAY)), { instanceOf: ShopError, message: '优惠券已过期' });
  const shirts = await claimCoupon(openid, { scope: { type: 'categories', ids: ['c-apparel'] } });
  await t.throwsAsync(lock(openid, shirts, 'order-f3'), { instanceOf: ShopError, message: '优惠券不可用：没有适用此券的商品' });
  for (const id of [later, lapsed, shirts]) t.like(await stored(id), { status: 'available', orderId: null });
});

test('a lock belongs to its transaction: if the order is not created, the coupon stays available', async (t) => {
  const openid = 'o-tx-abort';
  const couponId = await claimCoupon(openid);
  await t.throwsAsync(
    withRetries(db, async (tx) => {
      await lockCoupon(tx, { openid, couponId, orderId: 'order-a1', now: new Date(), lines: LINES });
      throw new ShopError('OUT_OF_STOCK', '已售罄');
    }),
    { message: '已售罄' },
  );
  t.like(await stored(couponId), { status: 'available', orderId: null });
});

test('ten orders locking one coupon at once: exactly one gets it', async (t) => {
  const openid = 'o-tx-race';
  const couponId = await claimCoupon(openid);
  const results = await Promise.allSettled(Array.from({ length: 10 }, (_v, i) => lock(openid, couponId, `order-race-${i}`)));
  const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
  t.is(won.length, 1);
  t.true(results.every((r) => r.status === 'fulfilled' || (r.reason instanceof ShopError && r.reason.code === 'INVALID_STATE')));
  t.like(await stored(couponId), { status: 'locked', orderId: `order-race-${won[0]}` });
});
