import { z } from 'zod';
import { Id } from './common.js';

/** The `order` function's after-sale routes: the shopper confirms receipt or asks for a refund. Both answer with the `OrderView`. */
export const OrderAfterSaleRoutes = {
  confirmReceipt: 'confirmReceipt',
  refund: 'refund',
} as const;

/** `confirmReceipt`: the shopper says a shipped order arrived; it becomes `completed` (earning points and growth). */
export const ConfirmReceiptInput = z.object({ orderId: Id }).strict();
export type ConfirmReceiptInput = z.infer<typeof ConfirmReceiptInput>;

export const MAX_REFUND_REASON = 200;

/**
 * `refund`: asks the merchant for a refund of the whole order. A `paid` or `shipped` order can ask at any time; a
 * `completed` one only within the refund window after completion (售后: `referral.refundWindowDays` of the member
 * settings, 7 days by default; later answers INVALID_STATE). The order becomes `refunding` and remembers the status it
 * left (`refundRequestedFrom`), where a rejected or withdrawn request puts it back. The merchant decides
 * (`admin` `refunds.approve` / `refunds.reject`); the stock returns only once the refund is done, and a completed
 * order's earned points and the inviter's commission are taken back then.
 */
export const RequestRefundInput = z
  .object({
    orderId: Id,
    /** Shown to the merchant; surrounding spaces are dropped, so a blank reason is refused. */
    reason: z.string().trim().min(1).max(MAX_REFUND_REASON),
  })
  .strict();
export type RequestRefundInput = z.infer<typeof RequestRefundInput>;
