import type { RefundReconciliation } from '../../typings/jobs.js';
import { type OrderDoc, type RefundError } from '../shared/model/order.js';
import {
  approvedRefundNo,
  cloudPay,
  issueRefund,
  lateRefundNo,
  payRefusal,
  queryPayOrder,
  refundStatusOf,
  refundableFee,
  subMchId,
} from '../shared/platform/cloud-pay.js';
import { _, db } from '../shared/store/db.js';
import { settlePayment, settleRefund } from '../shared/workflows/payment-settlement.js';
import { serially, sweep } from './sweep.js';

/**
 * Reconciliation with WeChat Pay: orders whose payment or refund result should have arrived by notification and did
 * not are asked about, and what WeChat Pay answers is recorded through the same code as the notifications
 * (shared/workflows/payment-settlement.ts), so a notification that turns up later changes nothing.
 */

/** A shopper who started paying this long ago and is still unpaid may have paid with the notification lost. */
export const PAYMENT_QUERY_AFTER_MS = 2 * 60_000;
/** An approved refund's result normally arrives within seconds; after this long WeChat Pay is asked. */
export const REFUND_QUERY_AFTER_MS = 5 * 60_000;

/** Unpaid, unexpired orders whose payment started over 2 minutes ago: paid on WeChat Pay → recorded paid. */
export async function recoverPayments(now: Date, deadline: number): Promise<number> {
  const cutoff = new Date(now.getTime() - PAYMENT_QUERY_AFTER_MS);
  const counts = await sweep(
    'recover_payment',
    // Unpaid orders live at most their payment window, so the (status, expiresAt) index bounds this scan.
    { filter: { status: 'pending_payment', expiresAt: _.gt(now), payStartedAt: _.lte(cutoff) }, orderField: 'expiresAt' },
    async (order) => {
      const trade = await queryPayOrder(order._id);
      if (trade.kind === 'unknown') console.error(`[jobs] recover_payment ${order._id}: ${trade.reason}`);
      if (trade.kind !== 'paid') return undefined;
      const { outcome } = await settlePayment(trade.payment, now);
      return outcome.kind === 'applied' ? 'paid' : undefined;
    },
    deadline,
  );
  return counts.paid ?? 0;
}

/** Refund statuses after which the refund number is spent: issuing it again cannot help, the merchant must act. */
const FINAL_REFUND_STATUSES = ['CHANGE', 'REFUNDCLOSE'];
/** Orders whose refund is not known to have ended unpaid (`refundError` absent, or a refusal worth retrying). */
const notEndedUnpaid = { 'refundError.status': _.nin(FINAL_REFUND_STATUSES) };

/** Refunds the merchant approved over 5 minutes ago, still `refund_approved`. */
export async function reconcileApprovedRefunds(now: Date, deadline: number): Promise<RefundReconciliation> {
  const cutoff = new Date(now.getTime() - REFUND_QUERY_AFTER_MS);
  const counts = await sweep(
    'approved_refund',
    {
      filter: { status: 'refund_approved', refundApprovedAt: _.lte(cutoff), ...notEndedUnpaid },
      orderField: 'refundApprovedAt',
      fields: ['payment', 'priceRefund'],
    },
    (order) => reconcileRefund(order, approvedRefundNo(order._id), now),
    deadline,
  );
  return tally(counts);
}

/** Refunds of payments that arrived after their order was closed, not yet confirmed by the refund notification. */
export async function reconcileLateRefunds(now: Date, deadline: number): Promise<RefundReconciliation> {
  const counts = await sweep(
    'late_refund',
    { filter: { lateRefundPending: true, ...notEndedUnpaid }, orderField: '_id', fields: ['payment'] },
    (order) => reconcileRefund(order, lateRefundNo(order._id), now),
    deadline,
  );
  return tally(counts);
}

type RefundStep = keyof RefundReconciliation;

/**
 * One refund of the whole payment, by its number: done on WeChat Pay → recorded; unknown there → issued again (a
 * refusal is kept in `refundError` for the merchant, and tried again next minute); PROCESSING → left for the next
 * firing; ended unpaid (CHANGE: the shopper's account cannot take it; REFUNDCLOSE) → `refundError` with that status,
 * and the timer leaves the order to the merchant from then on.
 */
async function reconcileRefund(
  order: Pick<OrderDoc, '_id' | 'payment' | 'priceRefund'>,
  outRefundNo: string,
  now: Date,
): Promise<RefundStep | undefined> {
  const orderId = order._id;
  if (!order.payment) {
    console.error(`[jobs] refund ${outRefundNo}: order ${orderId} has no payment to refund`);
    return undefined;
  }
  const answer = await cloudPay().queryRefund({ outRefundNo, subMchId: subMchId() });
  if (payRefusal(answer)) {
    // REFUNDNOTEXIST ("退款订单查询失败"): the refund call never got through. The SDK drops WeChat's error code, but
    // issuing under the same refund number is safe whatever the refusal meant: it is this refund, never a second one.
    const { totalFee } = order.payment;
    // What is left to refund: a group-buy member may already have had the difference to the closing tier back.
    const refundFee = outRefundNo === lateRefundNo(orderId) ? totalFee : refundableFee(order);
    const refused = await issueRefund({ orderId, outRefundNo, totalFee, refundFee });
    await recordRefundError(orderId, refused ? { outRefundNo, status: refused, at: now } : undefined);
    return refused ? 'refused' : 'reissued';
  }
  const status = refundStatusOf(answer) ?? 'UNKNOWN';
  if (status === 'SUCCESS') {
    const outcome = await serially(() => settleRefund({ orderId, outRefundNo }, now));
    return outcome === 'refunded' || outcome === 'late_refund_done' ? 'completed' : undefined;
  }
  if (status === 'PROCESSING') return undefined;
  console.error(`[jobs] refund ${outRefundNo} of order ${orderId} ended ${status}: the merchant must refund it another way`);
  await recordRefundError(orderId, { outRefundNo, status, at: now });
  return 'failed';
}

/** Sets (or, when the refund went through, clears) the order's `refundError`, unless the refund result came meanwhile. */
async function recordRefundError(orderId: string, refundError: RefundError | undefined): Promise<void> {
  await db
    .collection('orders')
    .where({ _id: orderId, refundedAt: _.exists(false) })
    .update({ data: { refundError: refundError ?? _.remove() } });
}

function tally(counts: Partial<Record<RefundStep, number>>): RefundReconciliation {
  return {
    completed: counts.completed ?? 0,
    reissued: counts.reissued ?? 0,
    refused: counts.refused ?? 0,
    failed: counts.failed ?? 0,
  };
}
