import { z } from 'zod';
import { Id } from './common.js';

/**
 * The `pay` function: WeChat Pay for the shopper's orders. Notifications from the platform reach it without a route
 * and without a caller, and are handled by the shared payment settlement (the same code `order.cancel` and the jobs
 * timer use when they learn of a payment by asking WeChat Pay):
 * - a payment marks the order paid in one transaction, counts the sales and sends the "paid" subscribe message
 *   (`TEMPLATE_ORDER_PAID`). An unknown order or another amount is refused, so WeChat keeps retrying and the failed
 *   deliveries are visible; a duplicate changes nothing;
 * - a payment for an order that was cancelled meanwhile keeps it cancelled and refunds it in full (`<orderId>R0`);
 * - the refund callback completes an approved refund (`refunded`, stock returned).
 * The merchant id comes from `PAY_SUB_MCH_ID`.
 */
export const PayRoutes = {
  create: 'create',
} as const;

/**
 * `create`: starts paying one of the caller's unpaid, unexpired orders: WeChat Pay's unified order for the order's
 * payable amount, answered with what `wx.requestPayment` takes. Asking again for the same order gives the same
 * prepay. The order records when paying first started (`payStartedAt`): from then on a cancel or the timer closes the
 * trade on WeChat Pay first, and the timer asks WeChat Pay about it if no notification comes. The order becomes paid
 * only through the platform's notification (or that check), never through this route; the page polls the order after
 * `wx.requestPayment`. Another status answers INVALID_STATE, an expired order INVALID_STATE 订单已超时, a refusal by
 * WeChat Pay CONFLICT with its reason.
 */
export const CreatePaymentInput = z.object({ orderId: Id }).strict();
export type CreatePaymentInput = z.infer<typeof CreatePaymentInput>;

/** Exactly what the page hands to `wx.requestPayment`. */
export interface RequestPayment {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'MD5' | 'HMAC-SHA256' | 'RSA';
  paySign: string;
}

export interface CreatedPayment {
  orderId: string;
  payment: RequestPayment;
}
