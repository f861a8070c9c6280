import test from 'ava';
import { shipOrder } from '../../testkit/merchant.js';
import { dataOf, startShop } from '../../testkit/shop.js';
import type { Envelope } from '../../typings/common.js';
import type { AfterSaleView } from '../../typings/order-after-sale.js';
import type { OrderView } from '../../typings/order.js';

/** After delivery: the shopper confirms receipt or asks for a refund of their own paid or shipped order. */
const shop = await startShop();
const { order: stored } = shop.inspect;
test.after.always(() => shop.close());

const orderFor = async (openid: string, skuId = 'spu-002-01') => (await shop.orderFor(openid, skuId)).orderId;

/** Stands in for the pay function: the order is marked paid as the payment notification would. */
async function markPaid(orderId: string): Promise<void> {
  const entry = { event: 'pay', from: 'pending_payment', to: 'paid', actor: 'system', at: new Date() };
  const res = await shop.db
    .collection('orders')
    .where({ _id: orderId, status: 'pending_payment' })
    .update({ status: 'paid', paidAt: entry.at, history: shop.db.command.push(entry) });
  if (res.updated !== 1) throw new Error(`markPaid: ${orderId} was not pending payment`);
}

const refused = (answer: Envelope<unknown>) => (answer.ok ? 'ok' : answer.code);

test("confirmReceipt completes the shopper's shipped order and records when", async (t) => {
  const openid = 'o-receipt-happy';
  const orderId = await orderFor(openid);
  await markPaid(orderId);
  await shipOrder(shop, orderId, { carrier: '顺丰速运', trackingNo: 'SF1234567890' });
  const before = Date.now();
  const view = dataOf(await shop.call<OrderView>('order', 'confirmReceipt', { orderId }, openid));
  t.is(view.status, 'completed');
  t.is(view.statusLabel, '已完成');
  const order = await stored(orderId);
  t.is(order.status, 'completed');
  t.true(new Date(order.completedAt as string).getTime() >= before - 1000);
  t.like(order.history.at(-1), { event: 'confirm_receipt', from: 'shipped', to: 'completed', actor: 'shopper' });
  t.like(order.shipping, { carrier: '顺丰速运', trackingNo: 'SF1234567890' });
  t.is(refused(await shop.call('order', 'confirmReceipt', { orderId }, openid)), 'INVALID_STATE', 'only once');
});

test('confirmReceipt refuses an order that has not shipped and changes nothing', async (t) => {
  const openid = 'o-receipt-early';
  const orderId = await orderFor(openid);
  t.is(refused(await shop.call('order', 'confirmReceipt', { orderId }, openid)), 'INVALID_STATE', 'unpaid');
  await markPaid(orderId);
  t.is(refused(await shop.call('order', 'confirmReceipt', { orderId }, openid)), 'INVALID_STATE', 'paid, not shipped');
  const order = await stored(orderId);
  t.is(order.status, 'paid');
  t.is(order.completedAt, undefined);
  t.deepEqual(
    order.history.map((h: { event: string }) => h.event),
    ['create', 'pay'],
  );
});

test("another shopper's order cannot be confirmed or refunded: NOT_FOUND, as for an order that does not exist", async (t) => {
  const orderId = await orderFor('o-receipt-owner');
  await markPaid(orderId);
  await shipOrder(shop, orderId, { carrier: '中通快递', trackingNo: 'ZT0001' });
  t.is(refused(await shop.call('order', 'confirmReceipt', { orderId }, 'o-receipt-intruder')), 'NOT_FOUND');
  t.is(refused(await shop.call('order', 'refund', { orderId, reason: '不想要了' }, 'o-receipt-intruder')), 'NOT_FOUND');
  t.is(refused(await shop.call('order', 'confirmReceipt', { orderId: 'no-such-order' }, 'o-receipt-intruder')), 'NOT_FOUND');
  const order = await stored(orderId);
  t.is(order.status, 'shipped');
  t.is(order.refundReason, undefined);
});

test('requestRefund from a paid order records where it came from and why', async (t) => {
  const openid = 'o-refund-paid';
  const orderId = await orderFor(openid);
  await markPaid(orderId);
  const view = dataOf(await shop.call<AfterSaleView>('order', 'refund', { orderId, reason: '  拍错了规格  ' }, openid));
  t.like(view, { caseId: `${orderId}S1`, status: 'requested', statusLabel: '待商家处理', reason: '拍错了规格' });
  const order = await stored(orderId);
  t.like(order, { status: 'refunding', refundRequestedFrom: 'paid', refundReason: '拍错了规格' });
  t.truthy(order.refundRequestedAt);
  t.like(order.history.at(-1), { event: 'request_refund', from: 'paid', to: 'refunding', actor: 'shopper' });
  t.is(
    refused(await shop.call('order', 'refund', { orderId, reason: '再申请一次' }, openid)),
    'INVALID_STATE',
    'already refunding',
  );
  t.is((await stored(orderId)).refundReason, '拍错了规格');
});

test('requestRefund from a shipped order records that it had shipped', async (t) => {
  const openid = 'o-refund-shipped';
  const orderId = await orderFor(openid);
  await markPaid(orderId);
  await shipOrder(shop, orderId, { carrier: '圆通速递', trackingNo: 'YT0002' });
  dataOf(await shop.call<OrderView>('order', 'refund', { orderId, reason: '商品有破损' }, openid));
  t.like(await stored(orderId), { status: 'refunding', refundRequestedFrom: 'shipped', refundReason: '商品有破损' });
  t.is(refused(await shop.call('order', 'confirmReceipt', { orderId }, openid)), 'INVALID_STATE', 'no receipt while refunding');
});

test('requestRefund refuses unpaid and cancelled orders; a completed one takes an after-sale request within the window', async (t) => {
  const openid = 'o-refund-states';
  const unpaid = await orderFor(openid);
  t.is(
    refused(await shop.call('order', 'refund', { orderId: unpaid, reason: '不想要了' }, openid)),
    'INVALID_STATE',
    'unpaid: cancel instead',
  );
  dataOf(await shop.call('order', 'cancel', { orderId: unpaid }, openid));
  t.is(
    refused(await shop.call('order', 'refund', { orderId: unpaid, reason: '不想要了' }, openid)),
    'INVALID_STATE',
    'cancelled',
  );
  const done = await orderFor(openid);
  await markPaid(done);
  await shipOrder(shop, done, { carrier: '韵达快递', trackingNo: 'YD0003' });
  dataOf(await shop.call('order', 'confirmReceipt', { orderId: done }, openid));
  t.is(
    dataOf(await shop.call<AfterSaleView>('order', 'refund', { orderId: done, reason: '不想要了' }, openid)).status,
    'requested',
    'after-sale',
  );
  t.like(await stored(done), { status: 'refunding', refundRequestedFrom: 'completed' });
});

const malformed: Array<[string, string, Record<string, unknown>]> = [
  ['confirmReceipt', 'missing orderId', {}],
  ['confirmReceipt', 'unknown key', { orderId: 'x', status: 'completed' }],
  ['confirmReceipt', 'orderId of the wrong type', { orderId: 42 }],
  ['confirmReceipt', 'orderId with an operator', { orderId: { $ne: '' } }],
  ['refund', 'missing reason', { orderId: 'x' }],
  ['refund', 'empty reason', { orderId: 'x', reason: '' }],
  ['refund', 'blank reason', { orderId: 'x', reason: '   ' }],
  ['refund', '201-character reason', { orderId: 'x', reason: '退'.repeat(201) }],
  ['refund', 'reason of the wrong type', { orderId: 'x', reason: ['a'] }],
  ['refund', 'refundRequestedFrom from the client', { orderId: 'x', reason: '不想要了', refundRequestedFrom: 'shipped' }],
];
for (const [route, title, params] of malformed) {
  test(`${route} refuses malformed input (${title}) with VALIDATION and changes nothing`, async (t) => {
    const openid = `o-malformed-${route}-${malformed.findIndex((m) => m[1] === title)}`;
    const orderId = await orderFor(openid);
    await markPaid(orderId);
    await shipOrder(shop, orderId, { carrier: '顺丰速运', trackingNo: 'SF0004' });
    const withOrder = 'orderId' in params && params.orderId === 'x' ? { ...params, orderId } : params;
    t.is(refused(await shop.call('order', route, withOrder, openid)), 'VALIDATION');
    t.is((await stored(orderId)).status, 'shipped');
  });
}

test('a reason of exactly 200 characters is accepted', async (t) => {
  const openid = 'o-refund-long';
  const orderId = await orderFor(openid);
  await markPaid(orderId);
  dataOf(await shop.call('order', 'refund', { orderId, reason: '退'.repeat(200) }, openid));
  t.is(((await stored(orderId)).refundReason as string).length, 200);
});
