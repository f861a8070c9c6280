import test from 'ava';
import { dataOf, startShop } from '../../testkit/shop.js';
import type { OrderView } from '../../typings/order.js';
import type { CreatedPayment } from '../../typings/pay.js';

/**
 * WeChat Pay end to end: the shopper's `pay.create` through the gateway, the sandbox playing the shopper and the
 * platform (notifications with fast retries), and the order as the database then holds it.
 */
const shop = await startShop();
const { control } = shop;
const { order: stored, stockOf, payOrder: sandboxOrder, messagesTo } = shop.inspect;
test.after.always(() => shop.close());
const { pay } = shop;

type Rec = Record<string, any>;

const orderFor = (openid: string, skuId = 'spu-003-05', quantity = 1) => shop.orderFor(openid, skuId, quantity);

/** What `wx.cloud.callFunction` sends: any data, always with the caller's openid. */
async function gateway(name: string, data: Rec, openid: string): Promise<Rec> {
  const res = await fetch(`${shop.emulator.url}/functions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
    body: JSON.stringify(data),
  });
  return ((await res.json()) as Rec).result as Rec;
}

test('create → pay → the notification marks the order paid and sends the paid message; a duplicate changes nothing', async (t) => {
  const openid = 'o-pay-happy';
  const order = await orderFor(openid);
  t.is((await stored(order.orderId)).payStartedAt, undefined);
  const first = dataOf(await shop.call<CreatedPayment>('pay', 'create', { orderId: order.orderId }, openid));
  t.is(first.orderId, order.orderId);
  const started = (await stored(order.orderId)).payStartedAt;
  t.true(started instanceof Date, 'the order records that paying started');
  t.deepEqual(Object.keys(first.payment).sort(), ['nonceStr', 'package', 'paySign', 'signType', 'timeStamp']);
  t.regex(first.payment.package, /^prepay_id=wx/);
  const again = dataOf(await shop.call<CreatedPayment>('pay', 'create', { orderId: order.orderId }, openid));
  t.is(again.payment.package, first.payment.package, 'the same prepay for the same unpaid order');
  t.deepEqual((await stored(order.orderId)).payStartedAt, started, 'only the first start is recorded');
  const prepaid = await sandboxOrder(order.orderId);
  t.like(prepaid, { totalFee: order.amounts.payable, functionName: 'pay', attach: order.orderId, openid, state: 'NOTPAY' });

  await control('POST', `/pay/orders/${order.orderId}/pay`, { openid });
  await pay.idle();

  const paid = dataOf(await shop.call<OrderView>('order', 'detail', { orderId: order.orderId }, openid));
  t.is(paid.status, 'paid');
  const doc = await stored(order.orderId);
  const transaction = (await sandboxOrder(order.orderId))!;
  t.deepEqual(doc.payment, {
    transactionId: transaction.transactionId,
    totalFee: order.amounts.payable,
    timeEnd: transaction.timeEnd,
  });
  t.truthy(doc.paidAt);
  t.like(doc.history.at(-1), { event: 'pay', from: 'pending_payment', to: 'paid', actor: 'system' });
  t.deepEqual(
    transaction.deliveries.map((d: Rec) => d.outcome),
    ['acknowledged'],
  );

  const messages = await messagesTo(openid);
  t.is(messages.length, 1);
  t.like(messages[0], {
    outcome: 'sent',
    functionName: 'pay',
    templateId: 'TPL_ORDER_PAID',
    page: `pages/order/detail/index?orderId=${order.orderId}`,
    data: {
      character_string1: { value: order.orderId },
      amount2: { value: `¥${(order.amounts.payable / 100).toFixed(2)}` },
      thing3: { value: '加绒连帽卫衣' },
    },
  });

  await control('POST', `/pay/notifications/${order.orderId}/redeliver`);
  await pay.idle();
  const after = await stored(order.orderId);
  t.is(after.history.length, doc.history.length, 'the duplicate left the history alone');
  t.deepEqual(after.payment, doc.payment);
  t.deepEqual(
    (await sandboxOrder(order.orderId))!.deliveries.map((d: Rec) => d.outcome),
    ['acknowledged', 'acknowledged'],
  );
  t.is((await messagesTo(openid)).length, 1, 'no second message');
  t.like(await shop.call('pay', 'create', { orderId: order.orderId }, openid), { ok: false, code: 'INVALID_STATE' });
});

test('a notification forged through the gateway never reaches the handler', async (t) => {
  const openid = 'o-pay-forger';
  const order = await orderFor(openid);
  const forged = {
    returnCode: 'SUCCESS',
    resultCode: 'SUCCESS',
    outTradeNo: order.orderId,
    transactionId: '4200000000000000000000000001',
    totalFee: order.amounts.payable,
    timeEnd: '20240101120000',
  };
  t.like(await gateway('pay', forged, openid), { ok: false, code: 'UNKNOWN_ROUTE' });
  t.like(await gateway('pay', { ...forged, $url: '' }, openid), { ok: false, code: 'UNKNOWN_ROUTE' });
  t.like(await shop.call('pay', 'create', forged, openid), { ok: false, code: 'VALIDATION' });
  t.like(
    await gateway(
      'pay',
      { reqInfo: { outTradeNo: order.orderId, outRefundNo: `${order.orderId}R0`, refundStatus: 'SUCCESS' } },
      openid,
    ),
    { ok: false, code: 'UNKNOWN_ROUTE' },
  );
  const doc = await stored(order.orderId);
  t.is(doc.status, 'pending_payment');
  t.is(doc.payment, undefined);
  t.is(doc.history.length, 1);
});

test('a notification whose amount differs from the order is refused and changes nothing', async (t) => {
  const openid = 'o-pay-amount';
  const order = await orderFor(openid);
  dataOf(await shop.call<CreatedPayment>('pay', 'create', { orderId: order.orderId }, openid));
  // The order's amount changes after the prepay was made for the old one.
  await shop.db
    .collection('orders')
    .doc(order.orderId)
    .update({ amounts: { ...order.amounts, payable: order.amounts.payable + 100 } });
  t.like(
    await shop.call('pay', 'create', { orderId: order.orderId }, openid),
    { ok: false, code: 'CONFLICT', message: '商户订单号重复' },
    'WeChat Pay refuses another amount for the same order',
  );

  await control('POST', `/pay/orders/${order.orderId}/pay`, { openid });
  await pay.idle();

  const deliveries = (await sandboxOrder(order.orderId))!.deliveries as Rec[];
  t.is(deliveries.length, 4, 'the first call and every retry');
  t.true(
    deliveries.every((d) => d.outcome === 'rejected' && d.result.errcode !== 0),
    JSON.stringify(deliveries),
  );
  const doc = await stored(order.orderId);
  t.is(doc.status, 'pending_payment');
  t.is(doc.payment, undefined);
  t.is(doc.history.length, 1);
  t.is((await messagesTo(openid)).length, 0);
});

test('paid after cancelling: the order stays cancelled and the full amount is refunded once', async (t) => {
  const openid = 'o-pay-late';
  const skuId = 'spu-010-01';
  const stockBefore = await stockOf(skuId);
  const order = await orderFor(openid, skuId, 2);
  dataOf(await shop.call<CreatedPayment>('pay', 'create', { orderId: order.orderId }, openid));
  // A cancel that raced pay.create and did not see the payment start: the trade on WeChat Pay stays open.
  await shop.db.collection('orders').doc(order.orderId).update({ payStartedAt: shop.db.command.remove() });
  dataOf(await shop.call<OrderView>('order', 'cancel', { orderId: order.orderId }, openid));
  t.is(await stockOf(skuId), stockBefore);
  t.is((await sandboxOrder(order.orderId))!.state, 'NOTPAY');

  await control('POST', `/pay/orders/${order.orderId}/pay`, { openid });
  await pay.idle();

  const doc = await stored(order.orderId);
  t.is(doc.status, 'cancelled');
  t.is(doc.payment.totalFee, order.amounts.payable);
  t.like(doc.history.at(-1), { event: 'late_payment', from: 'cancelled', to: 'cancelled', actor: 'system' });
  t.is(doc.lateRefundPending, undefined, 'cleared by the refund callback');
  t.truthy(doc.refundedAt);
  const refunds = ((await control('GET', '/pay/refunds')).refunds as Rec[]).filter((r) => r.outTradeNo === order.orderId);
  t.is(refunds.length, 1);
  t.like(refunds[0], {
    outRefundNo: `${order.orderId}R0`,
    totalFee: order.amounts.payable,
    refundFee: order.amounts.payable,
    status: 'SUCCESS',
    functionName: 'pay',
  });
  t.deepEqual(
    refunds[0]!.deliveries.map((d: Rec) => d.outcome),
    ['acknowledged'],
  );
  t.is(await stockOf(skuId), stockBefore, 'the stock came back once, at cancel');
  t.is((await messagesTo(openid)).length, 0, 'no paid message for a cancelled order');

  await control('POST', `/pay/notifications/${order.orderId}/redeliver`);
  await pay.idle();
  t.is((await stored(order.orderId)).history.length, doc.history.length);
  t.is(((await control('GET', '/pay/refunds')).refunds as Rec[]).filter((r) => r.outTradeNo === order.orderId).length, 1);
});

test('the refund callback completes an approved refund once and returns the stock', async (t) => {
  const openid = 'o-pay-refund';
  const skuId = 'spu-012-01';
  const order = await orderFor(openid, skuId, 3);
  dataOf(await shop.call<CreatedPayment>('pay', 'create', { orderId: order.orderId }, openid));
  await control('POST', `/pay/orders/${order.orderId}/pay`, { openid });
  await pay.idle();
  t.is((await stored(order.orderId)).status, 'paid');
  // The merchant's approval belongs to another function; here the order is put in that state directly.
  await shop.db.collection('orders').doc(order.orderId).update({ status: 'refund_approved' });
  const stockBefore = await stockOf(skuId);

  const callback = {
    returnCode: 'SUCCESS',
    reqInfo: {
      outTradeNo: order.orderId,
      outRefundNo: `${order.orderId}R1`,
      refundStatus: 'SUCCESS',
      refundFee: order.amounts.payable,
    },
  };
  for (let i = 0; i < 2; i++) {
    const outcome = await shop.emulator.host.functions!.invoke('pay', structuredClone(callback), { source: 'refund' });
    t.like(outcome, { ok: true, result: { errcode: 0 } });
  }
  const doc = await stored(order.orderId);
  t.is(doc.status, 'refunded');
  t.truthy(doc.refundedAt);
  t.is(doc.history.filter((h: Rec) => h.event === 'refund_succeeded').length, 1);
  t.is(await stockOf(skuId), stockBefore + 3, 'returned once');

  const unknown = await shop.emulator.host.functions!.invoke(
    'pay',
    { reqInfo: { ...callback.reqInfo, outTradeNo: 'nope' } },
    { source: 'refund' },
  );
  t.like(unknown, { ok: true, result: { errcode: 1 } });
});

test('a notification for an unknown order is refused', async (t) => {
  const outcome = await shop.emulator.host.functions!.invoke(
    'pay',
    {
      returnCode: 'SUCCESS',
      resultCode: 'SUCCESS',
      outTradeNo: 'NOSUCHORDER',
      transactionId: '4200000000000000000000000002',
      totalFee: 100,
      timeEnd: '20240101120000',
    },
    { source: 'payment' },
  );
  t.like(outcome, { ok: true, result: { errcode: 1 } });
});

test('an expired order cannot be paid', async (t) => {
  const openid = 'o-pay-expired';
  const order = await orderFor(openid);
  await shop.db
    .collection('orders')
    .doc(order.orderId)
    .update({ expiresAt: new Date(Date.now() - 1000) });
  t.like(await shop.call('pay', 'create', { orderId: order.orderId }, openid), {
    ok: false,
    code: 'INVALID_STATE',
    message: '订单已超时',
  });
  t.is(await sandboxOrder(order.orderId), undefined, 'WeChat Pay was not asked');
});

/** yyyyMMddHHmmss in Beijing time, as WeChat Pay writes times. */
const beijing = (date: Date | string) =>
  new Date(new Date(date).getTime() + 8 * 3_600_000).toISOString().replace(/\D/g, '').slice(0, 14);

test('the prepay ends with the order: time_expire is the payment deadline, at least 6 minutes after paying started', async (t) => {
  const openid = 'o-pay-deadline';
  const order = await orderFor(openid);
  dataOf(await shop.call('pay', 'create', { orderId: order.orderId }, openid));
  t.is((await sandboxOrder(order.orderId))!.timeExpire, beijing(order.expiresAt!));
  dataOf(await shop.call('pay', 'create', { orderId: order.orderId }, openid)); // asking again keeps the same end time

  // An order due within WeChat Pay's shortest window is given that window; the jobs timer closes it at its deadline.
  const late = await orderFor(openid);
  const soon = new Date(Date.now() + 60_000);
  await shop.db.collection('orders').doc(late.orderId).update({ expiresAt: soon });
  dataOf(await shop.call('pay', 'create', { orderId: late.orderId }, openid));
  const startedAt = (await stored(late.orderId)).payStartedAt as Date;
  t.is((await sandboxOrder(late.orderId))!.timeExpire, beijing(new Date(startedAt.getTime() + 6 * 60_000)));
});

test("another shopper cannot pay for someone else's order", async (t) => {
  const order = await orderFor('o-pay-owner');
  t.like(await shop.call('pay', 'create', { orderId: order.orderId }, 'o-pay-intruder'), { ok: false, code: 'NOT_FOUND' });
  t.like(await shop.call('pay', 'create', { orderId: 'no-such-order' }, 'o-pay-intruder'), { ok: false, code: 'NOT_FOUND' });
  t.is(await sandboxOrder(order.orderId), undefined);
});

const malformed: Array<[string, Rec]> = [
  ['no order', {}],
  ['a number', { orderId: 123 }],
  ['odd characters', { orderId: 'a b' }],
  ['an amount from the client', { orderId: 'abc', totalFee: 1 }],
];
for (const [title, params] of malformed) {
  test(`create refuses malformed input (${title})`, async (t) => {
    t.like(await shop.call('pay', 'create', params, 'o-pay-hostile'), { ok: false, code: 'VALIDATION' });
  });
}
