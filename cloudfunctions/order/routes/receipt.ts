import { ConfirmReceiptInput } from '../../../typings/order-after-sale.js';
import type { OrderView } from '../../../typings/order.js';
import { route } from '../../shared/platform/route.js';
import { toOrderView } from '../../shared/store/order-records.js';
import { transitionOrder } from '../../shared/workflows/order-lifecycle.js';

/** The shopper confirms that a shipped order arrived: it is completed. */
export const confirmReceipt = route(ConfirmReceiptInput, async ({ orderId }, ctx): Promise<OrderView> => {
  const order = await transitionOrder({
    orderId,
    event: 'confirm_receipt',
    actor: 'shopper',
    openid: ctx.openid,
    now: ctx.now,
    fields: () => ({ completedAt: ctx.now }),
  });
  return toOrderView(order);
});
