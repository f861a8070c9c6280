/** The `jobs` function: run only by its timer trigger, never by a shopper. Each count is what one firing did. */
export interface JobsSummary {
  /** Unpaid orders past `expiresAt` closed (event `timeout`, after closing their WeChat Pay trade), their stock returned. */
  cancelled: number;
  /** Unpaid orders past `expiresAt` that WeChat Pay had been paid for (its notification late): recorded paid instead. */
  paidAtExpiry: number;
  /** Unpaid orders whose payment started over 2 minutes ago and that WeChat Pay reports paid: recorded paid. */
  paymentsRecovered: number;
  /** Refunds the merchant approved over 5 minutes ago whose result had not arrived. */
  refunds: RefundReconciliation;
  /** Automatic refunds of payments that arrived after the order was closed (`lateRefundPending`). */
  lateRefunds: RefundReconciliation;
  /** Shipped orders older than `AUTO_CONFIRM_DAYS` completed (event `auto_confirm`). */
  confirmed: number;
  /** Pending commissions whose refund window ended, made available to their inviters. */
  commissionsSettled: number;
}

export interface RefundReconciliation {
  /** WeChat Pay reports the refund done: recorded (an approved refund becomes `refunded`, its stock returned). */
  completed: number;
  /** WeChat Pay did not have the refund: issued again under the same refund number (never a second refund). */
  reissued: number;
  /** WeChat Pay refused to issue it: the refusal is kept in `refundError`, and it is tried again next minute. */
  refused: number;
  /** WeChat Pay ended the refund unpaid (CHANGE, REFUNDCLOSE): `refundError` recorded for the merchant. */
  failed: number;
}
