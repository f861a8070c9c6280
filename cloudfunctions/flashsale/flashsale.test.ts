import test from 'ava';
import { approveRefund } from '../../testkit/merchant.js';
import { TEST_DATA_KEY, dataOf, rush, startShop } from '../../testkit/shop.js';
import { describeLedger, stockLedger } from '../../testkit/stock-ledger.js';
import type { Envelope } from '../../typings/common.js';
import type { FlashSaleView } from '../../typings/flashsale.js';
import type { OrderPage, OrderView } from '../../typings/order.js';
import { addressBinding, decryptField, encryptField, orderAddressBinding } from '../shared/platform/field-crypto.js';

/**
 * Flash sales through the gateway on the seeded demo shop: the rush, the window, the per-user limit, the units coming
 * back on cancel, timeout and refund, and the stock rule (a sale's units are taken from the SKU when it is scheduled
 * and the unsold ones go back when it ends or is cancelled). Sales are scheduled with the store's `scheduleFlashSale`
 * run in this process with the real SDK (the merchant's page comes later); outcomes are read back from the database
 * and the pay sandbox.
 */
const shop = await startShop({ only: ['flashsale', 'order', 'pay', 'user', 'jobs', 'admin'] });
// The store modules open the database when they load, so this process's SDK is pointed at the emulator first.
shop.useSdkInThisProcess();
const { scheduleFlashSale, cancelFlashSale, returnFlashSaleUnits } = await import('../shared/store/flash-sale-units.js');
const { db: sdkDb } = await import('../shared/store/db.js');
const { withRetries } = await import('../shared/store/transactions.js');
const { control } = shop;
const { order: stored, stockOf } = shop.inspect;
test.after.always(() => shop.close());
const { pay } = shop;
process.env.SHOP_DATA_KEY = TEST_DATA_KEY; // to write test addresses as the user function stores them

type Doc = Record<string, any>;

const HOUR = 3_600_000;
let seq = 0;
const key = () => `fs-key-${process.pid}-${++seq}`;

interface SaleFields {
  stock?: number;
  price?: number;
  perUser?: number;
  startAt?: Date;
  endAt?: Date;
  status?: string;
}

/**
 * A flash sale of our own on `skuId` (running now, ¥9.90, 10 units, 2 per shopper), scheduled as the merchant will
 * (its units taken from the SKU). A past `endAt` or another `status` is written afterwards: test time travel.
 */
async function makeSale(skuId: string, { stock = 10, price = 990, perUser = 2, ...later }: SaleFields = {}): Promise<string> {
  const now = Date.now();
  const sale = await scheduleFlashSale(
    {
      flashSaleId: `fs-test-${++seq}`,
      skuId,
      price,
      units: stock,
      perUser,
      startAt: later.startAt ?? new Date(now - HOUR),
      endAt: later.endAt && later.endAt.getTime() > now ? later.endAt : new Date(now + HOUR),
    },
    new Date(now),
  );
  if (Object.keys(later).length) await shop.db.collection('flash_sales').doc(sale._id).update(later);
  return sale._id;
}

/** Moves the sale's end into the past (test time travel), so the jobs timer's end sweep settles it. */
const endNow = (saleId: string) =>
  shop.db
    .collection('flash_sales')
    .doc(saleId)
    .update({ endAt: new Date(Date.now() - 1000) });

/** Fires the jobs timer and answers its summary. */
async function fireJobs(): Promise<Doc> {
  const fired = await control('POST', '/timers/jobs/run');
  if (!fired.outcome?.ok) throw new Error(`jobs failed: ${JSON.stringify(fired)}`);
  return dataOf(fired.outcome.result as Envelope<Doc>);
}

/** A merchant's restock (or stocktake): the SKU's stock set to `stock`. */
const setStock = (skuId: string, stock: number) => shop.db.collection('skus').doc(skuId).update({ stock });

/** Units a sale took from its SKU and has not sold: still held, or given back when it was settled. */
const unsold = (sale: Doc) => (sale.remaining as number) + ((sale.returned as number | undefined) ?? 0);

/** Addresses as the address book stores them (phone and street encrypted), one per shopper, written in one go. */
async function addressesFor(openids: string[]): Promise<string[]> {
  const now = new Date();
  const docs = openids.map((openid, i) => ({
    _id: `addr-${openid}`,
    openid,
    name: `买家${i}`,
    phone: encryptField('13800138000', addressBinding(`addr-${openid}`, 'phone')),
    province: '上海市',
    city: '上海市',
    district: '浦东新区',
    detail: encryptField(`世纪大道 ${i} 号`, addressBinding(`addr-${openid}`, 'detail')),
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
    const before = await stockOf(skuId);
    const saleId = await makeSale(skuId, { stock: 50, perUser: 2 });
    const skuStock = await stockOf(skuId);
    t.is(skuStock, before - 50, 'the sale took its 50 units from the SKU');
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
    t.is(await stockOf(skuId), skuStock, "the rush leaves the SKU's own stock alone");
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
  t.not(doc.address.phone, address.phone, 'the phone stays encrypted, re-encrypted for the order');
  t.is(decryptField(doc.address.phone, orderAddressBinding(order.orderId, 'phone')), '13800138000');
  t.is(decryptField(doc.address.detail, orderAddressBinding(order.orderId, 'detail')), '世纪大道 0 号');
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
    // Another test's timer firing may have settled the ended sale already: its units then went back to the SKU.
    t.is(unsold(await saleDoc(id)), 10);
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

test('while the sale runs, cancel, timeout and refund give the units back to the flash sale and to the shopper, not to the SKU', async (t) => {
  const skuId = 'spu-011-01';
  const saleId = await makeSale(skuId, { perUser: 3, stock: 5 });
  const skuStock = await stockOf(skuId);
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

// --- the stock rule: a sale's units come out of the SKU's stock and the unsold ones go back -------------------------

test('scheduling takes the units out of the SKU in one transaction; more than the SKU has is refused and changes nothing', async (t) => {
  const skuId = 'spu-009-01';
  await setStock(skuId, 10);
  const terms = { skuId, price: 990, perUser: 2, startAt: new Date(Date.now() - HOUR), endAt: new Date(Date.now() + HOUR) };

  const tooMany = await t.throwsAsync(scheduleFlashSale({ ...terms, flashSaleId: 'fs-too-many', units: 11 }, new Date()));
  t.like(tooMany, { code: 'OUT_OF_STOCK', message: '库存不足：该规格现有库存 10 件，无法为活动预留 11 件' });
  t.is(await stockOf(skuId), 10, 'a refusal takes nothing');
  t.is((await shop.db.collection('flash_sales').doc('fs-too-many').get()).data.length, 0, 'and writes no sale');

  const sale = await scheduleFlashSale({ ...terms, flashSaleId: 'fs-seven', units: 7 }, new Date());
  t.like(sale, { stock: 7, remaining: 7, status: 'active' });
  t.like(await saleDoc('fs-seven'), { skuId, stock: 7, remaining: 7, status: 'active' });
  t.is(await stockOf(skuId), 3, 'the sale holds 7 of the 10');
  t.like(await scheduleFlashSale({ ...terms, flashSaleId: 'fs-seven', units: 7 }, new Date()), { _id: 'fs-seven' });
  t.is(await stockOf(skuId), 3, 'scheduling the same sale again takes nothing more');

  // Three merchants race for the 3 left: one sale gets them, the others are refused, nothing goes negative.
  const raced = await Promise.allSettled(
    [1, 2, 3].map((i) => scheduleFlashSale({ ...terms, flashSaleId: `fs-race-${i}`, units: 3 }, new Date())),
  );
  t.is(raced.filter((r) => r.status === 'fulfilled').length, 1);
  t.is(await stockOf(skuId), 0);
  t.deepEqual(await stockLedger(shop.db, skuId), { skuStock: 0, heldByPromotions: 10, inLiveOrders: 0, sold: 0, total: 10 });

  const terms2 = { ...terms, flashSaleId: 'fs-bad', units: 1 };
  for (const bad of [{ units: 0 }, { units: 1.5 }, { price: 0 }, { perUser: 0 }, { endAt: new Date(Date.now() - 1) }]) {
    await t.throwsAsync(scheduleFlashSale({ ...terms2, ...bad }, new Date()), { instanceOf: Error }, JSON.stringify(bad));
  }
  await t.throwsAsync(scheduleFlashSale({ ...terms2, skuId: 'no-such-sku' }, new Date()), { message: '商品规格不存在' });
  t.is((await shop.db.collection('flash_sales').doc('fs-bad').get()).data.length, 0);
});

test("with the SKU's own stock at 0, the sale still sells its held units and only those", async (t) => {
  const skuId = 'spu-009-02';
  await setStock(skuId, 8);
  const saleId = await makeSale(skuId, { stock: 5, perUser: 1 });
  t.is(await stockOf(skuId), 3, 'ordinary orders can sell 3');

  const shopper = 'o-fs-zero-normal';
  const [addressId] = await addressesFor([shopper]);
  const order = (quantity: number) =>
    shop.call<OrderView>('order', 'create', { lines: [{ skuId, quantity }], addressId, idempotencyKey: key() }, shopper);
  t.is(dataOf(await order(3)).status, 'pending_payment');
  t.is(await stockOf(skuId), 0);
  t.like(await order(1), { ok: false, code: 'OUT_OF_STOCK' }, 'the SKU itself is sold out');

  const shoppers = Array.from({ length: 7 }, (_v, i) => `o-fs-zero-${i}`);
  const addresses = await addressesFor(shoppers);
  const answers = await Promise.all(shoppers.map((s, i) => buy(saleId, s, addresses[i]!)));
  t.is(answers.filter((a) => a.ok).length, 5, 'the sale sells exactly the 5 it holds');
  t.true(answers.filter((a) => !a.ok).every((a) => !a.ok && a.code === 'OUT_OF_STOCK'));
  t.is(await stockOf(skuId), 0, 'and never touches the SKU');
  t.is((await saleDoc(saleId)).remaining, 0);
  const ledger = await stockLedger(shop.db, skuId);
  t.is(ledger.total, 8, describeLedger(ledger, 8));
  t.is(ledger.inLiveOrders, 8, '3 ordinary units and 5 flash units, no more than the 8 that exist');
});

test('the seeded flash sale follows the stock rule: its units come out of the SKU it sells', async (t) => {
  const sale = await saleDoc('fs-earphone-199');
  const sku = await skuDoc(sale.skuId);
  // The seed gives spu-004-01 41 units (database/seed.ts); the sale holds some of them, not units of its own.
  t.true(sale.stock > 0 && sale.stock <= 41, `the sale holds ${sale.stock}`);
  t.is(sale.remaining, sale.stock);
  t.is(sku.stock + sale.stock, 41, 'SKU stock + units held by the sale = the 41 that exist');
});

test.serial('the end sweep gives what the sale did not sell back to the SKU, once however often it fires', async (t) => {
  const skuId = 'spu-008-01';
  const initial = await stockOf(skuId);
  const saleId = await makeSale(skuId, { stock: 6, perUser: 2 });
  const openid = 'o-fs-end';
  const [addressId] = await addressesFor([openid]);
  const order = dataOf(await buy(saleId, openid, addressId!, 2));
  t.is(await stockOf(skuId), initial - 6);

  t.is((await fireJobs()).promotionsEnded, 0, 'a running sale keeps its units');
  await endNow(saleId);
  t.is((await fireJobs()).promotionsEnded, 1);
  const ended = await saleDoc(saleId);
  t.like(ended, { status: 'ended', remaining: 0, returned: 4 });
  t.truthy(ended.settledAt);
  t.is(await stockOf(skuId), initial - 2, 'the 4 unsold units are back on the SKU');
  t.is((await fireJobs()).promotionsEnded, 0, 'a second firing has nothing to do');
  t.is(await stockOf(skuId), initial - 2, 'returned once');
  t.like(await saleDoc(saleId), { status: 'ended', remaining: 0, returned: 4 });
  t.like(await buy(saleId, 'o-fs-end-late', (await addressesFor(['o-fs-end-late']))[0]!), { ok: false, code: 'INVALID_STATE' });
  t.is((await stored(order.orderId)).status, 'pending_payment', 'its orders stay as they were');
  const ledger = await stockLedger(shop.db, skuId);
  t.is(ledger.total, initial, describeLedger(ledger, initial));
});

test('orders cancelled or refunded after their sale ended give their units to the SKU, not to the ended sale', async (t) => {
  const skuId = 'spu-008-02';
  const initial = await stockOf(skuId);
  const saleId = await makeSale(skuId, { stock: 4, perUser: 3 });
  const [unpaidBuyer, paidBuyer] = ['o-fs-after-1', 'o-fs-after-2'];
  const [a1, a2] = await addressesFor([unpaidBuyer, paidBuyer]);
  const unpaid = dataOf(await buy(saleId, unpaidBuyer, a1!, 1));
  const paid = dataOf(await buy(saleId, paidBuyer, a2!, 2));
  dataOf(await shop.call('pay', 'create', { orderId: paid.orderId }, paidBuyer));
  await control('POST', `/pay/orders/${paid.orderId}/pay`, { openid: paidBuyer });
  await pay.idle();

  await endNow(saleId);
  await fireJobs();
  t.like(await saleDoc(saleId), { status: 'ended', remaining: 0, returned: 1 });
  t.is(await stockOf(skuId), initial - 3);

  dataOf(await shop.call('order', 'cancel', { orderId: unpaid.orderId }, unpaidBuyer));
  t.is(await stockOf(skuId), initial - 2, 'the cancelled unit went to the SKU');
  dataOf(await shop.call('order', 'refund', { orderId: paid.orderId, reason: '不想要了' }, paidBuyer));
  await approveRefund(shop, paid.orderId);
  await pay.idle();
  t.is((await stored(paid.orderId)).status, 'refunded');
  t.is(await stockOf(skuId), initial, 'the refunded units went to the SKU');
  t.like(await saleDoc(saleId), { status: 'ended', remaining: 0, returned: 1 }, 'the ended sale holds nothing');
  const ledger = await stockLedger(shop.db, skuId);
  t.deepEqual(ledger, { skuStock: initial, heldByPromotions: 0, inLiveOrders: 0, sold: 0, total: initial });
});

test('cancelling a sale gives its unsold units back at once and stops it selling; its orders later go to the SKU', async (t) => {
  const skuId = 'spu-008-03';
  const initial = await stockOf(skuId);
  const saleId = await makeSale(skuId, { stock: 5, perUser: 2 });
  const [buyer, late] = ['o-fs-cancel-1', 'o-fs-cancel-2'];
  const [a1, a2] = await addressesFor([buyer, late]);
  const order = dataOf(await buy(saleId, buyer, a1!, 1));

  const cancelled = await cancelFlashSale(saleId, new Date());
  t.is(cancelled.returned, 4);
  t.like(await saleDoc(saleId), { status: 'cancelled', remaining: 0, returned: 4 });
  t.is(await stockOf(skuId), initial - 1);
  t.like(await buy(saleId, late, a2!), { ok: false, code: 'INVALID_STATE', message: '秒杀活动已结束' });
  t.is((await cancelFlashSale(saleId, new Date())).returned, 0, 'cancelling again returns nothing more');
  t.is(await stockOf(skuId), initial - 1);
  await t.throwsAsync(cancelFlashSale('fs-no-such-sale', new Date()), { message: '秒杀活动不存在' });

  dataOf(await shop.call('order', 'cancel', { orderId: order.orderId }, buyer));
  t.is(await stockOf(skuId), initial, "the cancelled order's unit went to the SKU");
  t.is((await saleDoc(saleId)).remaining, 0);
});

test('a partial return (after-sales) sends that many units to the running sale, or to the SKU once it has ended', async (t) => {
  const skuId = 'spu-006-01';
  const saleId = await makeSale(skuId, { stock: 4, perUser: 2 });
  const openid = 'o-fs-partial';
  const [addressId] = await addressesFor([openid]);
  const order = dataOf(await buy(saleId, openid, addressId!, 2));
  const doc = (await stored(order.orderId)) as any;
  const skuStock = await stockOf(skuId);

  t.true(await withRetries(sdkDb, (tx) => returnFlashSaleUnits(tx, doc, 1)));
  t.is((await saleDoc(saleId)).remaining, 3, 'one unit back to the running sale');
  t.is(await stockOf(skuId), skuStock);

  await cancelFlashSale(saleId, new Date());
  t.is(await stockOf(skuId), skuStock + 3);
  t.true(await withRetries(sdkDb, (tx) => returnFlashSaleUnits(tx, doc, 1)));
  t.is((await saleDoc(saleId)).remaining, 0, 'the settled sale takes nothing back');
  t.is(await stockOf(skuId), skuStock + 4, 'the other unit went to the SKU');
  t.is((await where('flash_sale_buyers', { _id: `${saleId}:${openid}` }))[0]!.bought, 0, 'and the quota followed');
  t.false(await withRetries(sdkDb, (tx) => returnFlashSaleUnits(tx, { ...doc, promotion: undefined }, 1)));
});
