import test from 'ava';
import { couponTemplate, dataOf, startShop } from '../../../testkit/shop.js';
import type { CouponView } from '../../../typings/coupon.js';
import type { CouponLine } from '../rules/coupon-quotes.js';

/**
 * The coupon's life with an order (lock, spend, release) inside transactions, run in this process by the real
 * wx-server-sdk against the emulator: coupons claimed through the gateway, states read back from the database.
 */
const shop = await startShop({ only: ['coupon'] });
// The store modules open the database when they load, so this process's SDK is pointed at the emulator first.
shop.useSdkInThisProcess();
const [{ couponLinesFor, lockCoupon, releaseCoupon, spendCoupon }, { db }, { ShopError }, { withRetries }] = await Promise.all([
  import('./coupon-wallet.js'),
  import('./db.js'),
  import('../rules/errors.js'),
  import('./transactions.js'),
]);
test.after.always(() => shop.close());

const DAY = 86_400_000;
let templates = 0;
type Doc = Record<string, any>;

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
const lock = (openid: string, couponId: string, orderId: string, lines = LINES, now = new Date()) =>
  withRetries(db, (tx) => lockCoupon(tx, { openid, couponId, orderId, now, lines }));

test("couponLinesFor adds each line's parent category from the database", async (t) => {
  const lines = await couponLinesFor([
    { spuId: 'spu-009', categoryId: 'c-tea', subtotal: 100 },
    { spuId: 'spu-x', categoryId: 'c-food', subtotal: 5 },
  ]);
  t.deepEqual(
    lines.map((l) => l.parentCategoryId),
    ['c-food', null],
  );
});

test('lock → spend → release on refund: the coupon is usable once, then available again', async (t) => {
  const openid = 'o-tx-refund';
  const couponId = await claimCoupon(openid);
  const locked = await lock(openid, couponId, 'order-r1');
  t.deepEqual(locked.quote, { applicable: true, discount: 500, eligibleSubtotal: 16_800 });
  t.like(await stored(couponId), { status: 'locked', orderId: 'order-r1' });
  await t.throwsAsync(lock(openid, couponId, 'order-r2'), { instanceOf: ShopError, message: '优惠券已被其他订单占用' });
  t.deepEqual(
    (await lock(openid, couponId, 'order-r1')).quote,
    locked.quote,
    'locking again for the same order (a retried create) gives the same answer',
  );

  t.is((await withRetries(db, (tx) => spendCoupon(tx, 'order-r1', new Date())))?.status, 'used');
  t.like(await stored(couponId), { status: 'used', orderId: 'order-r1' });
  t.is(await withRetries(db, (tx) => spendCoupon(tx, 'order-r1')), null, 'a duplicate payment notification changes nothing');
  await t.throwsAsync(lock(openid, couponId, 'order-r3'), { instanceOf: ShopError, message: '优惠券已使用' });

  t.is((await withRetries(db, (tx) => releaseCoupon(tx, 'order-r1', new Date())))?.status, 'available');
  t.like(await stored(couponId), { status: 'available', orderId: null, lastOrderId: 'order-r1' });
  const again = await stored(couponId);
  t.is(
    await withRetries(db, (tx) => releaseCoupon(tx, 'order-r1', new Date())),
    null,
    'released twice: the second finds nothing',
  );
  t.deepEqual(await stored(couponId), again);
  t.is((await lock(openid, couponId, 'order-r4')).coupon.orderId, 'order-r4', 'usable again');
});

test('lock → release on cancel or timeout before payment', async (t) => {
  const openid = 'o-tx-cancel';
  const couponId = await claimCoupon(openid);
  await lock(openid, couponId, 'order-c1');
  await withRetries(db, (tx) => releaseCoupon(tx, 'order-c1', new Date()));
  t.like(await stored(couponId), { status: 'available', orderId: null });
  t.is(
    await withRetries(db, (tx) => spendCoupon(tx, 'order-c1')),
    null,
    'a late payment of the cancelled order does not spend it',
  );
  t.like(await stored(couponId), { status: 'available' });
  const mine = dataOf(await shop.call<{ items: CouponView[] }>('coupon', 'mine', { status: 'available' }, openid));
  t.deepEqual(
    mine.items.map((c) => c.couponId),
    [couponId],
  );
});

test('a coupon that comes back after its validity ended is expired, and listed so', async (t) => {
  const openid = 'o-tx-expired';
  const couponId = await claimCoupon(openid);
  await lock(openid, couponId, 'order-e1');
  const validUntil = new Date((await stored(couponId)).validUntil);
  await withRetries(db, (tx) => releaseCoupon(tx, 'order-e1', new Date(validUntil.getTime() + 1)));
  t.like(await stored(couponId), { status: 'expired', orderId: null });
  const expired = dataOf(await shop.call<{ items: CouponView[] }>('coupon', 'mine', { status: 'expired' }, openid));
  t.deepEqual(
    expired.items.map((c) => [c.couponId, c.status]),
    [[couponId, 'expired']],
  );
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
  const later = await claimCoupon(openid, {
    validity: { type: 'fixed', startAt: new Date(now + DAY), endAt: new Date(now + 2 * DAY) },
  });
  await t.throwsAsync(lock(openid, later, 'order-f1'), { instanceOf: ShopError, message: '优惠券不可用：优惠券未到使用时间' });
  const lapsed = await claimCoupon(openid);
  await t.throwsAsync(lock(openid, lapsed, 'order-f2', LINES, new Date(now + 8 * DAY)), {
    instanceOf: ShopError,
    message: '优惠券已过期',
  });
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
