/**
 * The `jobs` function: no routes, run only by its timer trigger (every minute, `0 * * * * * *`); a call that carries a
 * caller is refused with FORBIDDEN and changes nothing. One firing runs these sweeps in order, each in batches of 100,
 * within a 45 s budget (the rest waits for the next firing):
 * 0. settles stock held over 5 minutes ago for an order being placed: kept when the order exists, else given back to
 *    the SKU (the instance died between taking the units and writing the order);
 * 1. closes unpaid orders past `expiresAt` (`ORDER_PAYMENT_MINUTES`, default 30) after closing their WeChat Pay trade:
 *    found paid → recorded paid instead; not closable → tried again, and cancelled anyway 10 minutes later;
 * 2. asks WeChat Pay about unpaid orders whose payment started over 2 minutes ago (a lost notification): paid →
 *    recorded paid; paid another amount → cancelled, refunded in full and flagged (`paymentMismatch`); then about
 *    cancelled orders that started paying, from 2 minutes to 48 hours after the cancel, until WeChat Pay says the trade
 *    is closed (an open one is closed): paid → `late_payment`, refunded in full;
 * 3. reconciles refunds approved over 5 minutes ago, and late-payment refunds, by their refund number: `SUCCESS` →
 *    recorded (stock back); not found → issued again under the same number; `PROCESSING` → waits; `CHANGE` or
 *    `REFUNDCLOSE` → `refundError` kept for the merchant;
 * 4. completes shipped orders `AUTO_CONFIRM_DAYS` (default 7) after `shippedAt`;
 * 5. settles commissions whose refund window ended;
 * 6. settles flash sales past `endAt`: their unsold units go back to the SKU's stock, once;
 * 7. re-encrypts under the current key the phones and streets still in v1 or under an old key (`SHOP_DATA_OLD_KEYS`);
 * 8. removes audit entries older than 180 days (AUDIT_RETENTION_DAYS), oldest first, moving the chain's anchor;
 * 9. rolls up the figures (`figures_daily`): today and yesterday every firing, and past days until they are final.
 * It answers `{ok: true, data: JobsSummary}`: each count is what one firing did.
 */
export interface JobsSummary {
  /** Stock holds over 5 minutes old whose order was never written: their units given back to the SKU. */
  stockHoldsReturned: number;
  /** Unpaid orders past `expiresAt` closed (event `timeout`, after closing their WeChat Pay trade), their stock returned. */
  cancelled: number;
  /** Unpaid orders past `expiresAt` that WeChat Pay had been paid for (its notification late): recorded paid instead. */
  paidAtExpiry: number;
  /** Unpaid orders whose payment started over 2 minutes ago and that WeChat Pay reports paid: recorded paid. */
  paymentsRecovered: number;
  /**
   * Unpaid orders WeChat Pay reports paid for another amount than the order's: cancelled (stock, coupon and points
   * back), the payment refunded in full (`<orderId>R3`) and flagged for the merchant (`paymentMismatch`).
   */
  mismatchedPayments: number;
  /** Cancelled orders (within 48 hours) that WeChat Pay reports paid, their notification lost: `late_payment`, refunded. */
  latePayments: number;
  /** Refunds the merchant approved over 5 minutes ago whose result had not arrived. */
  refunds: RefundReconciliation;
  /** Automatic refunds of payments that arrived after the order was closed (`lateRefundPending`). */
  lateRefunds: RefundReconciliation;
  /** Shipped orders older than `AUTO_CONFIRM_DAYS` completed (event `auto_confirm`). */
  confirmed: number;
  /** Pending commissions whose refund window ended, made available to their inviters. */
  commissionsSettled: number;
  /** Flash sales past `endAt` settled: their unsold units given back to the SKU's stock (once per sale). */
  promotionsEnded: number;
  /** Addresses and orders whose phone and street were re-encrypted under the current key (docs/platform.md). */
  reencrypted: number;
  /** Audit entries past AUDIT_RETENTION_DAYS removed from the start of the chain (the anchor moved to the last one). */
  auditPruned: number;
  /**
   * Past days whose figures were rolled up for good (final: the day and the next are over); today's and yesterday's,
   * recomputed every firing, are not counted.
   */
  figuresRolledUp: number;
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
