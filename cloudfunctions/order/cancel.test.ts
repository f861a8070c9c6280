import test from 'ava';
import { dataOf, startShop } from '../../testkit/shop.js';
import type { OrderView } from '../../typings/order.js';

/**
 * The shopper's cancel against WeChat Pay: once paying started, the trade is closed on WeChat Pay before the order is
 * cancelled, and a payment that got there first wins. The pay sandbox plays WeChat Pay and the shopper; the race test
 * runs serially because its notification delay applies to every delivery.
 */
const shop = await startShop();
const { control } = shop;
const { order: stored, stockOf, payOrder: sandboxOrder, refundsOf } = shop.inspect;
test.after.always(() => shop.close());
const { pay } = shop;

type Rec = Record<string, any>;

const { orderFor } = shop;

async function startPaying(orderId: string, openid: string): Promise<void> {
  dataOf(await shop.call('pay', 'create', { orderId }, openid));
}

test.serial(
  'cancel racing a payment (paid on WeChat Pay, notification not yet delivered): the order ends paid, nothing refunded',
  async (t) => {
    const openid = 'o-cancel-race';
    const skuId = 'spu-001-02';
    const before = await stockOf(skuId);
    const order = await orderFor(openid, skuId, 2);
    await startPaying(order.orderId, openid);
    await control('POST', '/pay/faults', { delayMs: 2000 });
    try {
      await control('POST', `/pay/orders/${order.orderId}/pay`, { openid });
      t.like(await shop.call('order', 'cancel', { orderId: order.orderId }, openid), {
        ok: false,
        code: 'INVALID_STATE',
        message: '订单已支付',
      });
      const transaction = (await sandboxOrder(order.orderId))!;
      t.deepEqual(transaction.deliveries, [], 'the notification had not arrived');
      const doc = await stored(order.orderId);
      t.is(doc.status, 'paid');
      t.deepEqual(doc.payment, {
        transactionId: transaction.transactionId,
        totalFee: order.amounts.payable,
        timeEnd: transaction.timeEnd,
      });
      t.like(doc.history.at(-1), { event: 'pay', from: 'pending_payment', to: 'paid', actor: 'system' });
      t.false(doc.history.some((h: Rec) => h.event === 'cancel'));
      t.is(await stockOf(skuId), before - 2, 'the stock stays sold');
      t.is(transaction.state, 'SUCCESS');
      // The paid message goes out from the cancel that recorded the payment (its outcome depends on the order
      // function's open-API permission in config.json), and not again for the late notification below.
      const messages = () => control('GET', '/outbox').then((o) => (o.messages as Rec[]).filter((m) => m.touser === openid));
      t.like(await messages(), [
        { functionName: 'order', templateId: 'TPL_ORDER_PAID', data: { character_string1: { value: order.orderId } } },
      ]);

      await pay.idle();
      t.deepEqual(
        (await sandboxOrder(order.orderId))!.deliveries.map((d: Rec) => d.outcome),
        ['acknowledged'],
        'the late notification is a duplicate',
      );
      t.deepEqual(await stored(order.orderId), doc, 'and changes nothing');
      t.deepEqual(await refundsOf(order.orderId), [], 'nothing refunded');
      t.is((await messages()).length, 1);
      t.is(dataOf(await shop.call<OrderView>('order', 'detail', { orderId: order.orderId }, openid)).status, 'paid');
      t.like(
        await shop.call('order', 'cancel', { orderId: order.orderId }, openid),
        { ok: false, code: 'INVALID_STATE' },
        'a paid order cannot be cancelled',
      );
    } finally {
      await control('POST', '/pay/faults', {});
    }
  },
);

test.serial('while WeChat Pay does not answer, the cancel is refused and nothing changes; then it goes through', async (t) => {
  const openid = 'o-cancel-pay-down';
  const skuId = 'spu-001-03';
  const before = await stockOf(skuId);
  const order = await orderFor(openid, skuId);
  await startPaying(order.orderId, openid);
  // WeChat Pay answers the close and the query with its system error.
  await control('POST', '/pay/faults', { failingCalls: ['closeOrder', 'queryOrder'] });
  try {
    t.like(await shop.call('order', 'cancel', { orderId: order.orderId }, openid), {
      ok: false,
      code: 'CONFLICT',
      message: '暂时无法取消订单，请稍后再试',
    });
  } finally {
    await control('POST', '/pay/faults', {});
  }
  t.is((await stored(order.orderId)).status, 'pending_payment');
  t.is(await stockOf(skuId), before - 1);
  t.is((await sandboxOrder(order.orderId))!.state, 'NOTPAY');

  t.is(dataOf(await shop.call<OrderView>('order', 'cancel', { orderId: order.orderId }, openid)).status, 'cancelled');
  t.is((await sandboxOrder(order.orderId))!.state, 'CLOSED');
  t.is(await stockOf(skuId), before);
});

test('cancel after the shopper started paying closes the trade: WeChat Pay then refuses the payment', async (t) => {
  const openid = 'o-cancel-started';
  const skuId = 'spu-002-01';
  const before = await stockOf(skuId);
  const order = await orderFor(openid, skuId, 3);
  await startPaying(order.orderId, openid);
  t.is((await sandboxOrder(order.orderId))!.state, 'NOTPAY');

  const cancelled = dataOf(await shop.call<OrderView>('order', 'cancel', { orderId: order.orderId }, openid));
  t.is(cancelled.status, 'cancelled');
  t.is((await sandboxOrder(order.orderId))!.state, 'CLOSED');
  t.is(await stockOf(skuId), before, 'the stock is back');
  const doc = await stored(order.orderId);
  t.truthy(doc.cancelledAt);
  t.like(doc.history.at(-1), { event: 'cancel', from: 'pending_payment', to: 'cancelled', actor: 'shopper' });

  t.like(await control('POST', `/pay/orders/${order.orderId}/pay`, { openid }), { code: 'ORDERCLOSED' });
  await pay.idle();
  t.deepEqual(await stored(order.orderId), doc, 'nothing was paid, nothing changes');
  t.deepEqual(await refundsOf(order.orderId), []);
  t.like(await shop.call('pay', 'create', { orderId: order.orderId }, openid), { ok: false, code: 'INVALID_STATE' });
});

test('cancel before paying started leaves WeChat Pay alone', async (t) => {
  const openid = 'o-cancel-unstarted';
  const order = await orderFor(openid, 'spu-003-01');
  t.is(dataOf(await shop.call<OrderView>('order', 'cancel', { orderId: order.orderId }, openid)).status, 'cancelled');
  t.is(await sandboxOrder(order.orderId), undefined);
});

test('a trade WeChat Pay never created, or already closed, does not stand in the way of a cancel', async (t) => {
  const openid = 'o-cancel-no-trade';
  const skuId = 'spu-004-02';
  const before = await stockOf(skuId);
  const [neverCreated, alreadyClosed] = [await orderFor(openid, skuId), await orderFor(openid, skuId)];
  // pay.create recorded the start, but its unified order never reached WeChat Pay (ORDERNOTEXIST on close).
  await shop.db.collection('orders').doc(neverCreated.orderId).update({ payStartedAt: new Date() });
  // The trade was closed on WeChat Pay already, by the merchant on its merchant platform (ORDERCLOSED on close).
  await startPaying(alreadyClosed.orderId, openid);
  t.like(await control('POST', '/pay/merchant/closeOrder', { out_trade_no: alreadyClosed.orderId, sub_mch_id: '1900000109' }), {
    result_code: 'SUCCESS',
  });

  for (const order of [neverCreated, alreadyClosed]) {
    t.is(dataOf(await shop.call<OrderView>('order', 'cancel', { orderId: order.orderId }, openid)).status, 'cancelled');
  }
  t.is(await sandboxOrder(neverCreated.orderId), undefined);
  t.is((await sandboxOrder(alreadyClosed.orderId))!.state, 'CLOSED');
  t.is(await stockOf(skuId), before);
});

test('another shopper cannot cancel, and WeChat Pay is not asked to close anything', async (t) => {
  const order = await orderFor('o-cancel-owner', 'spu-005-02');
  await startPaying(order.orderId, 'o-cancel-owner');
  t.like(await shop.call('order', 'cancel', { orderId: order.orderId }, 'o-cancel-intruder'), { ok: false, code: 'NOT_FOUND' });
  t.is((await sandboxOrder(order.orderId))!.state, 'NOTPAY');
  t.is((await stored(order.orderId)).status, 'pending_payment');
});

test('cancel that finds the trade paid for another amount answers the cancelled order, refunded in full', async (t) => {
  const openid = 'o-cancel-mismatch';
  const skuId = 'spu-001-05';
  const before = await stockOf(skuId);
  const order = await orderFor(openid, skuId);
  await startPaying(order.orderId, openid);
  // The order's amount changed after its prepay, and the shopper paid the old amount; the notification is lost.
  await shop.db
    .collection('orders')
    .doc(order.orderId)
    .update({ amounts: { ...order.amounts, payable: order.amounts.payable + 100 } });
  await control('POST', `/pay/orders/${order.orderId}/pay`, { openid, notify: false });

  const answer = dataOf(await shop.call<OrderView>('order', 'cancel', { orderId: order.orderId }, openid));
  t.like(answer, { orderId: order.orderId, status: 'cancelled' });
  await pay.idle();
  const doc = await stored(order.orderId);
  t.like(doc, { status: 'cancelled', paymentMismatch: { totalFee: order.amounts.payable } });
  t.is(await stockOf(skuId), before);
  t.like(await refundsOf(order.orderId), [{ outRefundNo: `${order.orderId}R3`, refundFee: order.amounts.payable }]);
});
