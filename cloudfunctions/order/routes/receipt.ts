import { ErrorCode } from '../../../typings/common.js';
import { ConfirmReceiptInput, RequestRefundInput } from '../../../typings/order-after-sale.js';
import type { OrderView } from '../../../typings/order.js';
import { route } from '../../shared/platform/route.js';
import { ShopError } from '../../shared/rules/errors.js';
import { toOrderView } from '../../shared/store/order-records.js';
import { loadMemberSettings } from '../../shared/store/shop-settings.js';
import { transitionOrder } from '../../shared/workflows/order-lifecycle.js';

const DAY_MS = 86_400_000;

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

/**
 * The shopper asks for a refund of a paid or shipped order, or of a completed one within the refund window (售后).
 * The order remembers the state it left, so a withdrawn or rejected request can put it back there; the merchant
 * decides on the refund (the stock returns only once refunded).
 */
export const requestRefund = route(RequestRefundInput, async ({ orderId, reason }, ctx): Promise<OrderView> => {
  // A completed order takes an after-sale request only within the refund window (after it, commission is settled).
  const windowDays = (await loadMemberSettings()).referral.refundWindowDays;
  const order = await transitionOrder({
    orderId,
    event: 'request_refund',
    actor: 'shopper',
    openid: ctx.openid,
    now: ctx.now,
    fields: (current) => {
      const completedAt = current.completedAt ? new Date(current.completedAt).getTime() : undefined;
      if (
        current.status === 'completed' &&
        (completedAt === undefined || completedAt + windowDays * DAY_MS < ctx.now.getTime())
      ) {
        throw new ShopError(ErrorCode.INVALID_STATE, `订单完成已超过 ${windowDays} 天，不能再申请退款`);
      }
      return { refundRequestedFrom: current.status, refundReason: reason, refundRequestedAt: ctx.now };
    },
  });
  return toOrderView(order);
});
