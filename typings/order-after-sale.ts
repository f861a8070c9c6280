import { z } from 'zod';
import { Id } from './common.js';

/** The `order` function's after-sale routes: the shopper confirms receipt or asks for a refund. Both answer with the `OrderView`. */
export const OrderAfterSaleRoutes = {
  confirmReceipt: 'confirmReceipt',
  refund: 'refund',
} as const;

export const ConfirmReceiptInput = z.object({ orderId: Id }).strict();
export type ConfirmReceiptInput = z.infer<typeof ConfirmReceiptInput>;

export const MAX_REFUND_REASON = 200;

export const RequestRefundInput = z
  .object({
    orderId: Id,
    /** Shown to the merchant; surrounding spaces are dropped, so a blank reason is refused. */
    reason: z.string().trim().min(1).max(MAX_REFUND_REASON),
  })
  .strict();
export type RequestRefundInput = z.infer<typeof RequestRefundInput>;
