import test from 'ava';
import { dataOf, startShop } from '../../testkit/shop.js';
import type { OrderView } from '../../typings/order.js';
import type { CreatedPayment } from '../../typings/pay.js';
import type { AdminOrderDetail } from '../../typings/admin.js';
import { ensureMerchant, TEST_MERCHANT } from '../../testkit/merchant.js';

/**
 * WeChat Pay end to end: the shopper's `pay.create` through the gateway, the sandbox playing the shopper and the
 * platform (notifications with fast retries), and the order as the database then holds it.
 */
const shop = await startShop();
const { control } = shop;
const { order: stored, stockOf, payOrder: sandboxOrder, refundsOf, messagesTo } = shop.inspect;
test.after.always(() => shop.close());
const { pay } = shop;

type Rec = Record<string, any>;

const orderFor = (openid: string, skuId = 'spu-003-05', quantity = 1) => shop.orderFor(openid, skuId, quantity);

const DAY = 86_400_000;

/** A coupon of `off` fen off everything in the shopper's hands, as a claim leaves it. */
async function giveCoupon(openid: string, off: number): Promise<string> {
  const now = Date.now();
  const added = await shop.db.collection('user_coupons').add({
    openid,
    templateId: 't-pay-test',
    name: '测试券',
    rule: { kind: 'no_threshold', off },
    scope: { type: 'all' },
    status: 'available',
    orderId: null,
    claimedAt: new Date(now - 60_000),
    validFrom: new Date(now - 60_000),
    validUntil: new Date(now + DAY),
  });
  return added.id as string;
}

const couponDoc = async (couponId: string): Promise<Rec> =>
  (await shop.db.collection('user_coupons').doc(couponId).get()).data[0] as Rec;
const pointsOf = async (openid: string): Promise<number> =>
  ((await shop.db.collection('users').doc(openid).get()).data[0] as Rec | undefined)?.points ?? 0;

/**
 * A refund made on WeChat Pay (as the merchant platform makes one) whose notification is lost: answers the
 * notification the platform would have sent, for the test to deliver.
 */
async function refundOnWeChatPay(orderId: string, outRefundNo: string, refundFee: number): Promise<Rec> {
  const trade = (await sandboxOrder(orderId))!;
  await control('POST', '/pay/faults', { refuseCalls: 4 });
  try {
    const answer = await control('POST', '/pay/merchant/refund', {
      out_trade_no: orderId,
      out_refund_no: outRefundNo,
      total_fee: trade.totalFee,
      refund_fee: refundFee,
      sub_mch_id: '1900000109',
      env_id: shop.emulator.envId,
      function_name: 'pay',
    });
    if (answer.result_code !== 'SUCCESS') throw new Error(JSON.stringify(answer));
    await pay.idle();
  } finally {
    await control('POST', '/pay/faults', {});
  }
  const refund = (await refundsOf(orderId)).find((r) => r.outRefundNo === outRefundNo)!;
  return refund.notification as Rec;
}

/** An admin route as the test merchant calls it. */
async function asMerchant<T>(route: string, params: Rec): Promise<T> {
  await ensureMerchant(shop);
  return dataOf(await shop.call<T>('admin', route, params, TEST_MERCHANT));
}

/** What the pay function logged while handling events about `orderId`. */
async function payLogs(orderId: string): Promise<Array<{ level: string; text: string }>> {
  const { invocations } = await control('GET', '/invocations?function=pay&limit=200');
  const logs: Array<{ level: string; text: string }> = [];
  for (const summary of invocations as Rec[]) {
    const detail = await control('GET', `/invocations/${summary.id}`);
    if (JSON.stringify(detail.event ?? {}).includes(orderId))
      logs.push(...(detail.logs as Array<{ level: string; text: string }>));
  }
  return logs;
}

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

test('a payment of another amount cancels the order, gives back stock, coupon and points, refunds it in full under its own number and flags it', async (t) => {
  const openid = 'o-pay-amount';
  const skuId = 'spu-003-04';
  await shop.giveMember(openid, { points: 1000 });
  const couponId = await giveCoupon(openid, 300);
  const stockBefore = await stockOf(skuId);
  const order = await shop.placeOrder(openid, [{ skuId, quantity: 1 }], { couponId, usePoints: 1000 });
  t.true(order.amounts.pointsUsed! > 0, 'the order spends points');
  const pointsLeft = await pointsOf(openid);
  t.like(await couponDoc(couponId), { status: 'locked', orderId: order.orderId });
  dataOf(await shop.call<CreatedPayment>('pay', 'create', { orderId: order.orderId }, openid));
  // The order's amount changes after the prepay was made for the old one: the shopper still pays the old amount.
  const paidFee = order.amounts.payable;
  await shop.db
    .collection('orders')
    .doc(order.orderId)
    .update({ amounts: { ...order.amounts, payable: paidFee + 100 } });
  t.like(
    await shop.call('pay', 'create', { orderId: order.orderId }, openid),
    { ok: false, code: 'CONFLICT', message: '商户订单号重复' },
    'WeChat Pay refuses another amount for the same order',
  );

  await control('POST', `/pay/orders/${order.orderId}/pay`, { openid });
  await pay.idle();

  const trade = (await sandboxOrder(order.orderId))!;
  t.deepEqual(
    trade.deliveries.map((d: Rec) => d.outcome),
    ['acknowledged'],
    'handled, not left to be retried for two days',
  );
  const doc = await stored(order.orderId);
  t.is(doc.status, 'cancelled');
  t.like(doc.history.at(-1), { event: 'payment_mismatch', from: 'pending_payment', to: 'cancelled', actor: 'system' });
  t.like(doc.paymentMismatch, { totalFee: paidFee, transactionId: trade.transactionId });
  t.true(doc.paymentMismatch.at instanceof Date);
  t.truthy(doc.cancelledAt);
  t.is(await stockOf(skuId), stockBefore, 'the stock came back');
  t.like(await couponDoc(couponId), { status: 'available', orderId: null }, 'the coupon came back');
  t.is(await pointsOf(openid), pointsLeft + order.amounts.pointsUsed!, 'the points came back');
  const refunds = await refundsOf(order.orderId);
  t.is(refunds.length, 1);
  t.like(refunds[0], {
    outRefundNo: `${order.orderId}R3`,
    totalFee: paidFee,
    refundFee: paidFee,
    status: 'SUCCESS',
    functionName: 'pay',
  });
  t.deepEqual(
    refunds[0]!.deliveries.map((d: Rec) => d.outcome),
    ['acknowledged'],
  );
  t.is(doc.lateRefundPending, undefined, 'the refund is confirmed');
  t.truthy(doc.refundedAt);
  t.is((await messagesTo(openid)).length, 0, 'no paid message');

  const seen = await asMerchant<AdminOrderDetail>('orders.detail', { orderId: order.orderId });
  t.like(seen.paymentMismatch, { totalFee: paidFee, transactionId: trade.transactionId });

  await control('POST', `/pay/notifications/${order.orderId}/redeliver`);
  await pay.idle();
  t.is((await stored(order.orderId)).history.length, doc.history.length, 'a duplicate changes nothing');
  t.is((await refundsOf(order.orderId)).length, 1, 'refunded once');
  t.is(await stockOf(skuId), stockBefore);
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

// Serial (ava runs these before the others): the sandbox's faults, which lose the refund's own notification, apply to
// every delivery.
test.serial('the refund callback completes an approved refund once and returns the stock', async (t) => {
  const openid = 'o-pay-refund';
  const skuId = 'spu-012-01';
  const order = await orderFor(openid, skuId, 3);
  dataOf(await shop.call<CreatedPayment>('pay', 'create', { orderId: order.orderId }, openid));
  await control('POST', `/pay/orders/${order.orderId}/pay`, { openid });
  await pay.idle();
  t.is((await stored(order.orderId)).status, 'paid');
  // The merchant's approval belongs to another function; here the order is put in that state directly, and the refund
  // is made on WeChat Pay with its notification lost, so the test delivers it (twice) as the platform would.
  await shop.db.collection('orders').doc(order.orderId).update({ status: 'refund_approved' });
  const stockBefore = await stockOf(skuId);
  const callback = await refundOnWeChatPay(order.orderId, `${order.orderId}R1`, order.amounts.payable);

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
    { ...callback, reqInfo: { ...callback.reqInfo, outTradeNo: 'nope' } },
    { source: 'refund' },
  );
  t.like(unknown, { ok: true, result: { errcode: 1 } });
});

test('a payment notification WeChat Pay does not confirm changes nothing: a made-up transaction or amount, an order never paid', async (t) => {
  const openid = 'o-pay-forged';
  const skuId = 'spu-003-07';
  const pending = await orderFor(openid, skuId);
  dataOf(await shop.call<CreatedPayment>('pay', 'create', { orderId: pending.orderId }, openid));
  const cancelled = await orderFor(openid, skuId);
  dataOf(await shop.call<CreatedPayment>('pay', 'create', { orderId: cancelled.orderId }, openid));
  dataOf(await shop.call<OrderView>('order', 'cancel', { orderId: cancelled.orderId }, openid));
  const before = { pending: await stored(pending.orderId), cancelled: await stored(cancelled.orderId) };
  const stock = await stockOf(skuId);

  const forge = (orderId: string, totalFee: number, n: number) => ({
    returnCode: 'SUCCESS',
    resultCode: 'SUCCESS',
    outTradeNo: orderId,
    transactionId: `420000000000000000000000000${n}`,
    totalFee,
    timeEnd: '20240101120000',
  });
  const forgeries = [
    forge(pending.orderId, pending.amounts.payable, 1), // the right amount, a transaction that never happened
    forge(pending.orderId, pending.amounts.payable + 100, 2), // another amount
    forge(cancelled.orderId, cancelled.amounts.payable, 3), // a cancelled order nobody paid: no late payment to refund
  ];
  for (const forged of forgeries) {
    // As the platform calls it: through the SDK, without a shopper (what a server holding the environment could send).
    const { result } = (await shop.app.callFunction({ name: 'pay', data: forged })) as { result: Rec };
    t.not(result.errcode, 0, `${JSON.stringify(forged)} answered ${JSON.stringify(result)}`);
    t.like(await shop.emulator.host.functions!.invoke('pay', forged, { source: 'payment' }), {
      ok: true,
      result: { errcode: 1 },
    });
  }
  t.deepEqual(await stored(pending.orderId), before.pending);
  t.deepEqual(await stored(cancelled.orderId), before.cancelled);
  t.is(await stockOf(skuId), stock);
  t.deepEqual(await refundsOf(pending.orderId), []);
  t.deepEqual(await refundsOf(cancelled.orderId), []);
  t.is((await messagesTo(openid)).length, 0);
  for (const id of [pending.orderId, cancelled.orderId]) {
    t.true(
      (await payLogs(id)).some((l) => (l.level === 'warn' || l.level === 'error') && l.text.includes(id)),
      `a warning names order ${id}`,
    );
  }

  // The real payment still goes through afterwards.
  await control('POST', `/pay/orders/${pending.orderId}/pay`, { openid });
  await pay.idle();
  const paid = await stored(pending.orderId);
  t.is(paid.status, 'paid');
  t.is(paid.payment.transactionId, (await sandboxOrder(pending.orderId))!.transactionId);
});

test.serial('a refund notification WeChat Pay does not confirm changes nothing', async (t) => {
  const openid = 'o-pay-forged-refund';
  const skuId = 'spu-003-08';
  const order = await orderFor(openid, skuId, 2);
  dataOf(await shop.call<CreatedPayment>('pay', 'create', { orderId: order.orderId }, openid));
  await control('POST', `/pay/orders/${order.orderId}/pay`, { openid });
  await pay.idle();
  await shop.db.collection('orders').doc(order.orderId).update({ status: 'refund_approved' });
  const before = await stored(order.orderId);
  const stock = await stockOf(skuId);

  // No refund was ever made on WeChat Pay for this order.
  const forged = {
    returnCode: 'SUCCESS',
    reqInfo: {
      outTradeNo: order.orderId,
      outRefundNo: `${order.orderId}R1`,
      refundId: '50000000000000000000000000001',
      refundStatus: 'SUCCESS',
      refundFee: order.amounts.payable,
      totalFee: order.amounts.payable,
    },
  };
  const { result } = (await shop.app.callFunction({ name: 'pay', data: forged })) as { result: Rec };
  t.not(result.errcode, 0);
  t.like(await shop.emulator.host.functions!.invoke('pay', forged, { source: 'refund' }), { ok: true, result: { errcode: 1 } });
  t.deepEqual(await stored(order.orderId), before);
  t.is(await stockOf(skuId), stock);

  // A real refund of another amount: its notification, claiming the whole amount, is not confirmed either.
  const real = await refundOnWeChatPay(order.orderId, `${order.orderId}R1`, order.amounts.payable - 1);
  const inflated = { ...real, reqInfo: { ...real.reqInfo, refundFee: order.amounts.payable } };
  t.like(await shop.emulator.host.functions!.invoke('pay', inflated, { source: 'refund' }), { ok: true, result: { errcode: 1 } });
  t.deepEqual(await stored(order.orderId), before);
  t.is(await stockOf(skuId), stock);
  t.true(
    (await payLogs(order.orderId)).some((l) => (l.level === 'warn' || l.level === 'error') && l.text.includes(order.orderId)),
  );
});

test('an order paid entirely by a coupon is paid at once without WeChat Pay; pay.create says there is nothing to pay', async (t) => {
  const openid = 'o-pay-free';
  const skuId = 'spu-003-06';
  const stock = await stockOf(skuId);
  const price = ((await shop.db.collection('skus').doc(skuId).get()).data[0] as Rec).price as number;
  t.true(price >= 9900, 'free shipping, so the coupon can cover everything');
  const couponId = await giveCoupon(openid, price * 2);

  const order = await shop.placeOrder(openid, [{ skuId, quantity: 1 }], { couponId });
  t.is(order.amounts.payable, 0);
  t.is(order.status, 'paid', 'create answers the order paid');

  const doc = await stored(order.orderId);
  t.is(doc.status, 'paid');
  t.like(doc.payment, { transactionId: '', totalFee: 0 });
  t.truthy(doc.paidAt);
  t.deepEqual(
    doc.history.map((h) => [h.event, h.from, h.to, h.actor]),
    [
      ['create', null, 'pending_payment', 'shopper'],
      ['pay', 'pending_payment', 'paid', 'system'],
    ],
  );
  t.like(await couponDoc(couponId), { status: 'used', orderId: order.orderId }, 'the coupon is spent');
  t.is(await stockOf(skuId), stock - 1, 'the stock stays sold');

  const again = await shop.call<CreatedPayment>('pay', 'create', { orderId: order.orderId }, openid);
  t.like(again, { ok: false, code: 'INVALID_STATE' });
  t.regex((again as { message: string }).message, /无需支付/);
  t.is(await sandboxOrder(order.orderId), undefined, 'WeChat Pay was never asked');
  t.is((await stored(order.orderId)).history.length, 2);
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
