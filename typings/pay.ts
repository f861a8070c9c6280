import { z } from 'zod';
import { Id } from './common.js';

/**
 * The `pay` function: WeChat Pay for the shopper's orders. Notifications from the platform reach it without a route
 * and without a caller. None is taken on its word: WeChat Pay is asked first (`queryOrder` for a payment, `queryRefund`
 * for a refund: SUCCESS, the same transaction and amount), and a notification it does not confirm changes nothing, is
 * logged and refused. What it confirms is applied by the shared payment settlement (the same code `order.cancel` and
 * the jobs timer use when they learn of a payment by asking WeChat Pay):
 * - a payment marks the order paid in one transaction, counts the sales and sends the "paid" subscribe message
 *   (`TEMPLATE_ORDER_PAID`). An unknown order or another transaction is refused, so WeChat keeps retrying and the
 *   failed deliveries are visible; a duplicate changes nothing;
 * - a payment for an order that was cancelled meanwhile keeps it cancelled and refunds it in full (`<orderId>R0`);
 * - a payment of another amount than the order's cancels the order (stock, coupon and points back), refunds it in full
 *   (`<orderId>R3`) and flags it for the merchant (`paymentMismatch` in the admin's order view);
 * - the refund callback completes an approved refund (`refunded`, stock returned).
 * An order with nothing to pay (coupons and points cover it all) never reaches WeChat Pay, which refuses 0 fen: it is
 * paid when it is placed (`pay` by the system, a payment of 0 fen without a transaction id).
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
 * `wx.requestPayment`. Another status answers INVALID_STATE, an expired order INVALID_STATE 订单已超时, an order of
 * 0 fen INVALID_STATE 订单金额为 0，无需支付 (it is paid already), a refusal by WeChat Pay CONFLICT with its reason.
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
