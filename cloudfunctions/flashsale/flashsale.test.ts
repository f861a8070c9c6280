import test from 'ava';
import { approveRefund } from '../../testkit/merchant.js';
import { TEST_DATA_KEY, dataOf, rush, startShop } from '../../testkit/shop.js';
import type { Envelope } from '../../typings/common.js';
import type { FlashSaleView } from '../../typings/flashsale.js';
import type { OrderPage, OrderView } from '../../typings/order.js';
import { encryptField } from '../shared/platform/field-crypto.js';

/**
 * Flash sales through the gateway on the seeded demo shop: the rush, the window, the per-user limit, and the units
 * coming back on cancel, timeout and refund; outcomes are read back from the database and the pay sandbox.
 */
const shop = await startShop({ only: ['flashsale', 'order', 'pay', 'user', 'jobs', 'admin'] });
const { control } = shop;
const { order: stored, stockOf } = shop.inspect;
test.after.always(() => shop.close());
const { pay } = shop;
process.env.SHOP_DATA_KEY = TEST_DATA_KEY; // to write test addresses as the user function stores them

type Doc = Record<string, any>;

const HOUR = 3_600_000;
let seq = 0;
const key = () => `fs-key-${process.pid}-${++seq}`;

/** A flash sale of our own on `skuId` (running now, ¥9.90, 10 units, 2 per shopper), with `fields` changed. */
async function makeSale(skuId: string, fields: Record<string, unknown> = {}): Promise<string> {
  const _id = `fs-test-${++seq}`;
  const now = Date.now();
  const stock = (fields.stock as number | undefined) ?? 10;
  await shop.db.collection('flash_sales').add({
    _id,
    skuId,
    title: '',
    price: 990,
    stock,
    remaining: stock,
    perUser: 2,
    startAt: new Date(now - HOUR),
    endAt: new Date(now + HOUR),
    status: 'active',
    createdAt: new Date(now),
    updatedAt: new Date(now),
    ...fields,
  });
  return _id;
}

/** Addresses as the address book stores them (phone and street encrypted), one per shopper, written in one go. */
async function addressesFor(openids: string[]): Promise<string[]> {
  const now = new Date();
  const docs = openids.map((openid, i) => ({
    _id: `addr-${openid}`,
    openid,
    name: `买家${i}`,
    phone: encryptField('13800138000'),
    province: '上海市',
    city: '上海市',
    district: '浦东新区',
    detail: encryptField(`世纪大道 ${i} 号`),
    isDefault: true,
    createdAt: now,
    updatedAt: now,
  }));
  for (let i = 0; i < docs.length; i += 500) await shop.db.collection('addresses').add(docs.slice(i, i + 500));
  return docs.map((d) => d._id);
}

const saleDoc = async (id: string): Promise<Doc> => (await shop.db.collection('flash_sales').doc(id).get()).data[0] as Doc;
const skuDoc = async (skuId: string): Promise<Doc> => (await shop.db.collection('skus').doc(skuId).get()).data[0] as Doc;
async function where(collection: string, filter: Record<string, unknown>): Promise<Doc[]> {
  return (await shop.db.collection(collection).where(filter).limit(1000).get()).data as Doc[];
}
const ordersOf = (flashSaleId: string) => where('orders', { 'promotion.flashSaleId': flashSaleId });

const buy = (flashSaleId: string, openid: string, addressId: string, quantity = 1, idempotencyKey = key()) =>
  shop.call<OrderView>('flashsale', 'buy', { flashSaleId, quantity, addressId, idempotencyKey }, openid);

// The rush runs first and alone (test.serial), so its figure is its own.
const RUSH_ATTEMPTS = 5000;
test.serial(
  `a flash sale of 50 units with ${RUSH_ATTEMPTS.toLocaleString('en')} attempts, 300 in flight: exactly 50 orders, nobody over the per-user limit`,
  async (t) => {
    const skuId = 'spu-012-01';
    const skuStock = await stockOf(skuId);
    const saleId = await makeSale(skuId, { stock: 50, perUser: 2 });
    const shoppers = Array.from({ length: 1000 }, (_v, i) => `o-fs-rush-${i}`);
    const addresses = await addressesFor(shoppers);
    // Warm the instances first, so the figure is the attempts' and not the cold starts'.
    await Promise.all(Array.from({ length: 10 }, (_v, i) => shop.call('flashsale', 'list', {}, `o-fs-warm-${i}`)));
    const started = performance.now();
    const answers = await rush(RUSH_ATTEMPTS, 300, (i) =>
      buy(saleId, shoppers[i % shoppers.length]!, addresses[i % shoppers.length]!),
    );
    const seconds = (performance.now() - started) / 1000;
    t.log(`${RUSH_ATTEMPTS} attempts in ${seconds.toFixed(2)} s: ${Math.round(RUSH_ATTEMPTS / seconds)} attempts/s`);

    const ok = answers.filter((a): a is Extract<Envelope<OrderView>, { ok: true }> => a.ok);
    const refusals = new Set(
      answers.filter((a): a is Extract<Envelope<OrderView>, { ok: false }> => !a.ok).map((a) => `${a.code} ${a.message}`),
    );
    t.is(ok.length, 50);
    t.true(
      [...refusals].every((r) => r === 'OUT_OF_STOCK 已抢光' || r === 'INVALID_STATE 已达限购数量（每人限购 2 件）'),
      [...refusals].join(' | '),
    );

    const orders = await ordersOf(saleId);
    t.is(orders.length, 50, 'exactly 50 orders exist');
    t.is((await saleDoc(saleId)).remaining, 0);
    const perShopper = new Map<string, number>();
    for (const o of orders) perShopper.set(o.openid, (perShopper.get(o.openid) ?? 0) + o.lines[0].quantity);
    t.true(
      [...perShopper.values()].every((n) => n <= 2),
      'nobody holds more than 2',
    );
    const counters = await where('flash_sale_buyers', { flashSaleId: saleId });
    t.true(
      counters.every((c) => c.bought === (perShopper.get(c.openid) ?? 0)),
      'each counter equals what its shopper holds (refused quotas given back)',
    );
    t.is(await stockOf(skuId), skuStock, "the SKU's own stock is untouched");
  },
);

test('the order is an ordinary unpaid order at the flash price, listed, payable, and paid like any other', async (t) => {
  const skuId = 'spu-003-01';
  const sku = await skuDoc(skuId);
  const saleId = await makeSale(skuId, { price: 9900 });
  const openid = 'o-fs-order';
  const [addressId] = await addressesFor([openid]);
  const order = dataOf(await buy(saleId, openid, addressId!, 2));
  t.like(order, {
    status: 'pending_payment',
    amounts: {
      subtotal: sku.price * 2,
      discountTotal: (sku.price - 9900) * 2,
      discounts: { promotion: (sku.price - 9900) * 2, coupon: 0 },
      freight: 0,
      payable: 19800,
    },
  });
  t.like(order.lines[0], { skuId, quantity: 2, unitPrice: sku.price, subtotal: sku.price * 2, payable: 19800 });
  const doc = await stored(order.orderId);
  t.deepEqual(doc.promotion, { kind: 'flash_sale', flashSaleId: saleId, unitPrice: 9900, quantity: 2 });
  const address = (await shop.db.collection('addresses').doc(addressId!).get()).data[0] as Doc;
  t.is(doc.address.phone, address.phone, 'the phone stays encrypted, copied as stored');
  t.is(doc.address.detail, address.detail);
  t.true(new Date(doc.expiresAt).getTime() > Date.now());
  t.like(await saleDoc(saleId), { remaining: 8 });

  const listed = dataOf(await shop.call<OrderPage>('order', 'list', {}, openid));
  t.deepEqual(
    listed.items.map((o) => o.orderId),
    [order.orderId],
  );
  const view = dataOf(await shop.call<FlashSaleView>('flashsale', 'detail', { flashSaleId: saleId }, openid));
  t.like(view, { state: 'running', remaining: 8, bought: 2, price: 9900, normalPrice: sku.price, skuId });

  dataOf(await shop.call('pay', 'create', { orderId: order.orderId }, openid));
  await control('POST', `/pay/orders/${order.orderId}/pay`, { openid });
  await pay.idle();
  t.like(await stored(order.orderId), { status: 'paid', payment: { totalFee: 19800 } });
  t.like(await saleDoc(saleId), { remaining: 8 }, 'paying keeps the units sold');

  // The same key again gives the same order, and takes nothing more.
  t.is(
    dataOf(
      await shop.call<OrderView>(
        'flashsale',
        'buy',
        { flashSaleId: saleId, quantity: 2, addressId, idempotencyKey: doc.idempotencyKey },
        openid,
      ),
    ).orderId,
    order.orderId,
  );
  t.is((await ordersOf(saleId)).length, 1);
});

test('outside its window, disabled or unknown, a flash sale sells nothing and writes nothing', async (t) => {
  const skuId = 'spu-010-02';
  const now = Date.now();
  const upcoming = await makeSale(skuId, { startAt: new Date(now + HOUR), endAt: new Date(now + 2 * HOUR) });
  const ended = await makeSale(skuId, { startAt: new Date(now - 2 * HOUR), endAt: new Date(now - 1000) });
  const disabled = await makeSale(skuId, { status: 'disabled' });
  const openid = 'o-fs-window';
  const [addressId] = await addressesFor([openid]);
  t.like(await buy(upcoming, openid, addressId!), { ok: false, code: 'INVALID_STATE', message: '秒杀尚未开始' });
  t.like(await buy(ended, openid, addressId!), { ok: false, code: 'INVALID_STATE', message: '秒杀已结束' });
  t.like(await buy(disabled, openid, addressId!), { ok: false, code: 'INVALID_STATE', message: '秒杀活动已结束' });
  t.like(await buy('fs-nope', openid, addressId!), { ok: false, code: 'NOT_FOUND' });
  for (const id of [upcoming, ended, disabled]) {
    t.is((await saleDoc(id)).remaining, 10);
    t.is((await ordersOf(id)).length, 0);
  }
  t.is((await where('flash_sale_buyers', { openid })).length, 0);

  const listed = dataOf(await shop.call<FlashSaleView[]>('flashsale', 'list', {}, openid));
  const states = new Map(listed.map((s) => [s.flashSaleId, s.state]));
  t.is(states.get(upcoming), 'upcoming');
  t.false(states.has(ended), 'ended sales are not listed');
  t.false(states.has(disabled));
  t.is(states.get('fs-earphone-199'), 'upcoming', 'the seeded flash sale is upcoming');
});

test('malformed input is refused with VALIDATION and writes nothing', async (t) => {
  const saleId = await makeSale('spu-010-03');
  const openid = 'o-fs-malformed';
  const [addressId] = await addressesFor([openid]);
  const good = { flashSaleId: saleId, quantity: 1, addressId, idempotencyKey: key() };
  for (const bad of [
    { ...good, quantity: 0 },
    { ...good, quantity: 1.5 },
    { ...good, quantity: '1' },
    { ...good, flashSaleId: 'fs/../x' },
    { ...good, idempotencyKey: 'short' },
    { ...good, price: 1 },
    { flashSaleId: saleId, quantity: 1, idempotencyKey: key() },
  ]) {
    t.like(await shop.call('flashsale', 'buy', bad, openid), { ok: false, code: 'VALIDATION' }, JSON.stringify(bad));
  }
  t.like(await shop.call('flashsale', 'detail', { flashSaleId: saleId, extra: 1 }, openid), { ok: false, code: 'VALIDATION' });
  t.is((await saleDoc(saleId)).remaining, 10);
  t.is((await ordersOf(saleId)).length, 0);
  t.is((await where('flash_sale_buyers', { openid })).length, 0);
});

test('one shopper racing themselves never passes the per-user limit', async (t) => {
  const saleId = await makeSale('spu-010-03', { perUser: 2, stock: 10 });
  const openid = 'o-fs-greedy';
  const [addressId] = await addressesFor([openid]);
  const answers = await Promise.all(Array.from({ length: 8 }, () => buy(saleId, openid, addressId!)));
  t.is(answers.filter((a) => a.ok).length, 2);
  t.true(answers.filter((a) => !a.ok).every((a) => !a.ok && a.code === 'INVALID_STATE'));
  t.like(await buy(saleId, openid, addressId!, 3), {
    ok: false,
    code: 'INVALID_STATE',
    message: '已达限购数量（每人限购 2 件）',
  });
  t.is((await ordersOf(saleId)).length, 2);
  t.is((await saleDoc(saleId)).remaining, 8);
  t.is((await where('flash_sale_buyers', { _id: `${saleId}:${openid}` }))[0]!.bought, 2);
});

test('cancel, timeout and refund give the units back to the flash sale and to the shopper, not to the SKU', async (t) => {
  const skuId = 'spu-011-01';
  const skuStock = await stockOf(skuId);
  const saleId = await makeSale(skuId, { perUser: 3, stock: 5 });
  const openid = 'o-fs-giveback';
  const [addressId] = await addressesFor([openid]);
  const counter = async () => (await where('flash_sale_buyers', { _id: `${saleId}:${openid}` }))[0]!.bought as number;

  const cancelled = dataOf(await buy(saleId, openid, addressId!, 2));
  t.is((await saleDoc(saleId)).remaining, 3);
  dataOf(await shop.call('order', 'cancel', { orderId: cancelled.orderId }, openid));
  t.is((await stored(cancelled.orderId)).status, 'cancelled');
  t.is((await saleDoc(saleId)).remaining, 5, 'cancel: the units are back');
  t.is(await counter(), 0, 'cancel: the quota is back');

  const expired = dataOf(await buy(saleId, openid, addressId!, 1));
  await shop.db
    .collection('orders')
    .doc(expired.orderId)
    .update({ expiresAt: new Date(Date.now() - 60_000) });
  const fired = await control('POST', '/timers/jobs/run');
  t.true(fired.outcome?.ok, JSON.stringify(fired));
  t.is((await stored(expired.orderId)).status, 'cancelled');
  t.is((await saleDoc(saleId)).remaining, 5, 'timeout: the units are back');
  t.is(await counter(), 0);

  const refunded = dataOf(await buy(saleId, openid, addressId!, 3));
  dataOf(await shop.call('pay', 'create', { orderId: refunded.orderId }, openid));
  await control('POST', `/pay/orders/${refunded.orderId}/pay`, { openid });
  await pay.idle();
  dataOf(await shop.call('order', 'refund', { orderId: refunded.orderId, reason: '不想要了' }, openid));
  await approveRefund(shop, refunded.orderId);
  await pay.idle();
  t.is((await stored(refunded.orderId)).status, 'refunded');
  t.is((await saleDoc(saleId)).remaining, 5, 'refund: the units are back');
  t.is(await counter(), 0);
  t.is(await stockOf(skuId), skuStock, "the SKU's stock never moved");
});

test('an idempotency key reused for another flash-sale purchase is refused with CONFLICT and takes nothing', async (t) => {
  const saleId = await makeSale('spu-002-06', { stock: 5, perUser: 3 });
  const openid = 'o-fs-reused-key';
  const [addressId] = await addressesFor([openid]);
  const idempotencyKey = key();
  const first = dataOf(await buy(saleId, openid, addressId!, 1, idempotencyKey));
  t.like(await buy(saleId, openid, addressId!, 2, idempotencyKey), { ok: false, code: 'CONFLICT' });
  const otherSale = await makeSale('spu-002-06', { stock: 5 });
  t.like(await buy(otherSale, openid, addressId!, 1, idempotencyKey), { ok: false, code: 'CONFLICT' });
  t.like(await saleDoc(saleId), { remaining: 4 });
  t.like(await saleDoc(otherSale), { remaining: 5 });
  t.deepEqual(
    (await ordersOf(saleId)).map((o) => o._id),
    [first.orderId],
  );
  t.is(
    dataOf(await buy(saleId, openid, addressId!, 1, idempotencyKey)).orderId,
    first.orderId,
    'a true retry still gets its order',
  );
});
