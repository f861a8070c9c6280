import { ConfirmReceiptInput, RequestRefundInput } from '../../../typings/order-after-sale.js';
import type { OrderView } from '../../../typings/order.js';
import { transitionOrder } from '../../shared/order-lifecycle.js';
import { toOrderView } from '../../shared/orders.js';
import { route } from '../../shared/route.js';

/** The shopper confirms that a shipped order arrived: it is completed. */
export const confirmReceipt = route(ConfirmReceiptInput, async ({ orderId }, ctx): Promise<OrderView> => {
  const order = await transitionOrder({ orderId, event: 'confirm_receipt', actor: 'shopper', openid: ctx.openid, now: ctx.now, fields: () => ({ completedAt: ctx.now }) });
  return toOrderView(order);
});

/**
 * The shopper asks for a refund of a paid or shipped order. The order remembers the state it left, so a withdrawn or
 * rejected request can put it back there; the merchant decides on the refund (the stock returns only once refunded).
 */
export const requestRefund = route(RequestRefundInput, async ({ orderId, reason }, ctx): Promise<OrderView> => {
  const order = await transitionOrder({
    orderId,
    event: 'request_refund',
    actor: 'shopper',
    openid: ctx.openid,
    now: ctx.now,
    fields: (current) => ({ refundRequestedFrom: current.status, refundReason: reason, refundRequestedAt: ctx.now }),
  });
  return toOrderView(order);
});
