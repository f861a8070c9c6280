import test from 'ava';
import { approveRefund, receiveReturn, shipOrder } from '../../testkit/merchant.js';
import { dataOf, startShop } from '../../testkit/shop.js';
import type { CartView } from '../../typings/cart.js';
import type { ReferralSummary } from '../../typings/member.js';
import type { AfterSaleView } from '../../typings/order-after-sale.js';
import type { OrderView, Preview } from '../../typings/order.js';
import type { CreatedPayment } from '../../typings/pay.js';
import type { HomeData, ListData, ProductDetail } from '../../typings/product.js';
import type { Address } from '../../typings/user.js';

/**
 * Whole journeys as a shopper lives them, each step through the gateway as `wx.cloud.callFunction` makes it, WeChat
 * Pay played by the emulator's sandbox, the timer fired through the control API, and every outcome read back from the
 * database, the sandbox and the message outbox.
 */
const shop = await startShop();
const { control } = shop;
const { order: stored, stockOf, messagesTo } = shop.inspect;
const { pay } = shop;

type Rec = Record<string, any>;

/** The sales figures of a SKU and of its product. */
const salesOf = async (skuId: string): Promise<[number, number]> => {
  const sku = (await shop.db.collection('skus').doc(skuId).get()).data[0] as Rec;
  const spu = (await shop.db.collection('spus').doc(sku.spuId).get()).data[0] as Rec;
  return [sku.sales, spu.sales];
};

/**
 * Browses from the home page to a product's detail and puts its first SKU with stock in the cart, as a shopper taps.
 * Each journey takes the `nth` product of the listing, so concurrent journeys count the stock of different SKUs.
 */
async function browseAndAddToCart(openid: string, quantity: number, nth: number): Promise<{ skuId: string; price: number }> {
  const home = dataOf(await shop.call<HomeData>('product', 'home', {}, openid));
  ensure(home.banners.length > 0 && home.recommended.length > 0, 'the home page has banners and recommendations');
  const subcategories = home.categories.flatMap((c) => c.children);
  const category = subcategories[nth % subcategories.length]!;
  const page = dataOf(
    await shop.call<ListData>('product', 'list', { categoryId: category.id, sort: 'price_asc', pageSize: 10 }, openid),
  );
  const card = page.items[0]!;
  const detail = dataOf(await shop.call<ProductDetail>('product', 'detail', { spuId: card.spuId }, openid));
  const sku = detail.skus.find((s) => s.stock >= quantity)!;
  const cart = dataOf(await shop.call<CartView>('cart', 'add', { skuId: sku.skuId, quantity }, openid));
  const line = cart.lines.find((l) => l.skuId === sku.skuId)!;
  return { skuId: sku.skuId, price: line.price };
}

function ensure(condition: boolean, what: string): void {
  if (!condition) throw new Error(`expected: ${what}`);
}

async function checkout(
  openid: string,
  lines: Array<{ skuId: string; quantity: number }>,
  idempotencyKey: string,
): Promise<OrderView> {
  const address = dataOf(
    await shop.call<Address>(
      'user',
      'addresses.save',
      {
        name: '王小明',
        phone: '13812345678',
        province: '广东省',
        city: '深圳市',
        district: '南山区',
        detail: '科技园南区 8 栋 1201',
      },
      openid,
    ),
  );
  const preview = dataOf(await shop.call<Preview>('order', 'preview', { lines, addressId: address.addressId }, openid));
  const order = dataOf(
    await shop.call<OrderView>('order', 'create', { lines, addressId: address.addressId, idempotencyKey }, openid),
  );
  // What the shopper was shown is what they are asked to pay.
  if (order.amounts.payable !== preview.amounts.payable)
    throw new Error(`preview ${preview.amounts.payable} ≠ order ${order.amounts.payable}`);
  return order;
}

/** `pay.create`, then the shopper pays in WeChat (the sandbox) and the platform's notification is handled. */
async function payFor(openid: string, orderId: string): Promise<void> {
  const started = dataOf(await shop.call<CreatedPayment>('pay', 'create', { orderId }, openid));
  if (!started.payment.package.startsWith('prepay_id=')) throw new Error('no prepay');
  await control('POST', `/pay/orders/${orderId}/pay`, { openid });
  await pay.idle();
}

test('the whole journey: home → list → detail → cart → preview → create → pay → paid → shipped → confirm → completed', async (t) => {
  const openid = 'o-journey-happy';
  const { skuId, price } = await browseAndAddToCart(openid, 2, 0);
  const stockBefore = await stockOf(skuId);
  const cart = dataOf(await shop.call<CartView>('cart', 'list', {}, openid));
  const lines = cart.lines.filter((l) => l.selected).map((l) => ({ skuId: l.skuId, quantity: l.quantity }));
  t.deepEqual(lines, [{ skuId, quantity: 2 }]);

  const [skuSales, spuSales] = await salesOf(skuId);
  const order = await checkout(openid, lines, `journey-${process.pid}-1`);
  t.is(order.status, 'pending_payment');
  t.is(order.amounts.subtotal, price * 2);
  t.is(await stockOf(skuId), stockBefore - 2, 'creating the order holds the stock');

  await payFor(openid, order.orderId);
  let saved = await stored(order.orderId);
  t.is(saved.status, 'paid');
  t.is(saved.payment.totalFee, order.amounts.payable);
  t.is((await messagesTo(openid)).length, 1, 'the paid message went out');
  t.deepEqual(await salesOf(skuId), [skuSales + 2, spuSales + 2], 'paid units count as sales');

  await shipOrder(shop, order.orderId, { carrier: '顺丰速运', trackingNo: 'SF2026112600001' });
  t.is(dataOf(await shop.call<OrderView>('order', 'detail', { orderId: order.orderId }, openid)).status, 'shipped');
  t.is((await messagesTo(openid)).length, 2, 'the shipped message went out');

  const done = dataOf(await shop.call<OrderView>('order', 'confirmReceipt', { orderId: order.orderId }, openid));
  t.is(done.status, 'completed');
  saved = await stored(order.orderId);
  t.deepEqual(
    saved.history.map((h: Rec) => h.event),
    ['create', 'pay', 'ship', 'confirm_receipt'],
  );
  t.is(await stockOf(skuId), stockBefore - 2, 'a completed order keeps its stock');
  t.like(
    (await control('GET', '/pay/orders')).orders.find((o: Rec) => o.outTradeNo === order.orderId),
    { state: 'SUCCESS', totalFee: order.amounts.payable },
  );
});

test('cancel path: the shopper cancels an unpaid order and the stock returns', async (t) => {
  const openid = 'o-journey-cancel';
  const { skuId } = await browseAndAddToCart(openid, 1, 1);
  const stockBefore = await stockOf(skuId);
  const order = await checkout(openid, [{ skuId, quantity: 1 }], `journey-${process.pid}-2`);
  t.is(await stockOf(skuId), stockBefore - 1);
  t.is(dataOf(await shop.call<OrderView>('order', 'cancel', { orderId: order.orderId }, openid)).status, 'cancelled');
  t.is(await stockOf(skuId), stockBefore);
  t.like(
    await shop.call('pay', 'create', { orderId: order.orderId }, openid),
    { ok: false, code: 'INVALID_STATE' },
    'a cancelled order cannot be paid',
  );
});

test('timeout path: an order left unpaid is cancelled by the timer and the stock returns', async (t) => {
  const openid = 'o-journey-timeout';
  const { skuId } = await browseAndAddToCart(openid, 1, 2);
  const stockBefore = await stockOf(skuId);
  const order = await checkout(openid, [{ skuId, quantity: 1 }], `journey-${process.pid}-3`);
  // Time travel: the 30-minute payment window has passed.
  await shop.db
    .collection('orders')
    .doc(order.orderId)
    .update({ expiresAt: new Date(Date.now() - 1000) });
  await control('POST', '/timers/jobs/run');
  const saved = await stored(order.orderId);
  t.is(saved.status, 'cancelled');
  t.like(saved.history.at(-1), { event: 'timeout', actor: 'system' });
  t.is(await stockOf(skuId), stockBefore);
});

test('refund path: paid → refund requested → merchant approves → WeChat Pay refunds → refunded, stock back', async (t) => {
  const openid = 'o-journey-refund';
  const { skuId } = await browseAndAddToCart(openid, 1, 3);
  const stockBefore = await stockOf(skuId);
  const sales = await salesOf(skuId);
  const order = await checkout(openid, [{ skuId, quantity: 1 }], `journey-${process.pid}-4`);
  await payFor(openid, order.orderId);
  t.deepEqual(await salesOf(skuId), [sales[0] + 1, sales[1] + 1]);
  t.is((await stored(order.orderId)).status, 'paid');

  const requested = dataOf(
    await shop.call<AfterSaleView>('order', 'refund', { orderId: order.orderId, reason: '不想要了' }, openid),
  );
  t.like(requested, { status: 'requested', kind: 'refund_only' });
  t.is((await stored(order.orderId)).status, 'refunding');
  await approveRefund(shop, order.orderId);
  await pay.idle();

  const saved = await stored(order.orderId);
  t.is(saved.status, 'refunded');
  t.deepEqual(
    saved.history.map((h: Rec) => h.event),
    ['create', 'pay', 'request_refund', 'approve_refund', 'refund_succeeded'],
  );
  t.is(await stockOf(skuId), stockBefore, 'the stock returned');
  t.deepEqual(await salesOf(skuId), sales, 'a refunded sale no longer counts');
  const refunds = ((await control('GET', '/pay/refunds')).refunds as Rec[]).filter((r) => r.outTradeNo === order.orderId);
  t.is(refunds.length, 1);
  t.like(refunds[0], { refundFee: order.amounts.payable, status: 'SUCCESS' });
});

test("after-sale path: a completed order refunded within the window takes back the points and the inviter's commission", async (t) => {
  const inviter = 'o-journey-inviter';
  const openid = 'o-journey-aftersale';
  const { inviteCode } = dataOf(await shop.call<ReferralSummary>('member', 'referral.summary', {}, inviter));
  t.like(dataOf(await shop.call<{ bound: boolean }>('member', 'referral.bind', { inviteCode }, openid)), { bound: true });
  const { skuId } = await browseAndAddToCart(openid, 1, 4);
  const stockBefore = await stockOf(skuId);
  const order = await checkout(openid, [{ skuId, quantity: 1 }], `journey-${process.pid}-5`);
  await payFor(openid, order.orderId);
  await shipOrder(shop, order.orderId, { carrier: '中通快递', trackingNo: 'ZT2026112600005' });
  dataOf(await shop.call<OrderView>('order', 'confirmReceipt', { orderId: order.orderId }, openid));

  const pointsOf = async () => ((await shop.db.collection('users').doc(openid).get()).data[0] as Rec).points as number;
  const commissionOf = async () => (await shop.db.collection('commissions').doc(order.orderId).get()).data[0] as Rec | undefined;
  const earned = await pointsOf();
  t.true(earned > 0, 'completing the order earned points');
  t.like(await commissionOf(), { status: 'pending' }, 'and a pending commission for the inviter');

  // 退货退款: the goods go back, and only once the merchant has them does the money follow.
  const { orderId } = order;
  const requested = dataOf(
    await shop.call<AfterSaleView>('order', 'refund', { orderId, kind: 'return_refund', reason: '质量问题' }, openid),
  );
  t.like(requested, { status: 'requested', kind: 'return_refund' });
  t.like((await approveRefund(shop, orderId)).afterSale, { status: 'awaiting_return' });
  dataOf(await shop.call('order', 'refund.return', { orderId, carrier: '中通快递', trackingNo: 'ZT2026112699005' }, openid));
  t.is(await stockOf(skuId), stockBefore - 1, 'not back before the merchant has it');
  await receiveReturn(shop, orderId);
  await pay.idle();
  t.is((await stored(order.orderId)).status, 'refunded');
  t.is(await pointsOf(), 0, 'the earned points were taken back');
  t.not((await commissionOf())?.status, 'pending', 'the commission no longer stands');
  t.is(await stockOf(skuId), stockBefore);
});

test('after-sale window: a completed order cannot be refunded once the window has passed', async (t) => {
  const openid = 'o-journey-late-aftersale';
  const { skuId } = await browseAndAddToCart(openid, 1, 5);
  const order = await checkout(openid, [{ skuId, quantity: 1 }], `journey-${process.pid}-6`);
  await payFor(openid, order.orderId);
  await shipOrder(shop, order.orderId, { carrier: '中通快递', trackingNo: 'ZT2026112600006' });
  dataOf(await shop.call<OrderView>('order', 'confirmReceipt', { orderId: order.orderId }, openid));
  // Time travel: completed 8 days ago, past the default 7-day window.
  await shop.db
    .collection('orders')
    .doc(order.orderId)
    .update({ completedAt: new Date(Date.now() - 8 * 86_400_000) });
  t.like(await shop.call('order', 'refund', { orderId: order.orderId, reason: '不想要了' }, openid), {
    ok: false,
    code: 'INVALID_STATE',
  });
  t.is((await stored(order.orderId)).status, 'completed');
});

test.after.always(() => shop.close());
