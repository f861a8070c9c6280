import { ErrorCode } from '../../../typings/common.js';
import { ListInput, OrderIdInput, type OrderPage, type OrderView } from '../../../typings/order.js';
import { type OrderDoc } from '../../shared/model/order.js';
import { closePayOrder } from '../../shared/platform/cloud-pay.js';
import { route } from '../../shared/platform/route.js';
import { ShopError, notFound } from '../../shared/rules/errors.js';
import { _, db } from '../../shared/store/db.js';
import { pageOfOrders, toOrderView } from '../../shared/store/order-records.js';
import { transitionOrder } from '../../shared/workflows/order-lifecycle.js';
import { settlePayment } from '../../shared/workflows/payment-settlement.js';

export const list = route(ListInput, async (input, ctx): Promise<OrderPage> => {
  const page = await pageOfOrders([{ openid: ctx.openid }, ...(input.status === 'all' ? [] : [{ status: input.status }])], input);
  return { items: page.items.map(toOrderView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
});

/** Another shopper's order answers NOT_FOUND, exactly like one that does not exist. */
async function ownOrder(orderId: string, openid: string): Promise<OrderDoc> {
  const order = (await db.collection<OrderDoc>('orders').where({ _id: orderId, openid }).limit(1).get()).data[0];
  if (!order) throw notFound('订单');
  return order;
}

export const detail = route(OrderIdInput, async ({ orderId }, ctx): Promise<OrderView> =>
  toOrderView(await ownOrder(orderId, ctx.openid)),
);

/**
 * Cancels an unpaid order and, in the same transaction, returns its stock. Once the shopper started paying, the trade
 * on WeChat Pay is closed first so it can no longer be paid; if WeChat Pay says it was paid already (the notification
 * is on its way), the payment is recorded exactly as the notification would and the cancel is refused (unless it was
 * for another amount: then the order is cancelled and the payment refunded in full, as settlePayment does). An unpaid trade
 * that cannot be closed (the shopper is paying elsewhere) does not block the cancel: a payment arriving after it is
 * refunded automatically (late_payment). When WeChat Pay does not answer, the shopper is asked to try again.
 */
export const cancel = route(OrderIdInput, async ({ orderId }, ctx): Promise<OrderView> => {
  const order = await ownOrder(orderId, ctx.openid);
  if (order.status === 'pending_payment' && order.payStartedAt) {
    const trade = await closePayOrder(orderId);
    if (trade.kind === 'paid') {
      const { outcome } = await settlePayment(trade.payment);
      // Paid for another amount: the settlement cancelled the order and refunds the payment in full.
      if (outcome.kind !== 'refused' && outcome.order.status === 'cancelled') return toOrderView(outcome.order);
      throw new ShopError(ErrorCode.INVALID_STATE, '订单已支付');
    }
    if (trade.kind === 'unknown') {
      // It may have been paid: better the shopper tries again than a paid order is cancelled and refunded.
      console.error(`order ${orderId}: WeChat Pay trade not closed (${trade.reason})`);
      throw new ShopError(ErrorCode.CONFLICT, '暂时无法取消订单，请稍后再试');
    }
    // `unpaid`: not closed, but not paid either; the cancel goes ahead, and a payment still arriving is refunded.
  }
  // A refused transition (already paid, already cancelled) answers the table's message.
  const cancelled = await transitionOrder({
    orderId,
    event: 'cancel',
    actor: 'shopper',
    openid: ctx.openid,
    now: ctx.now,
    fields: () => ({ cancelledAt: ctx.now }),
  });
  return toOrderView(cancelled);
});
