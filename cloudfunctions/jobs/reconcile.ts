import type { RefundReconciliation } from '../../typings/jobs.js';
import { type OrderDoc, type RefundError } from '../shared/model/order.js';
import {
  approvedRefundNo,
  automaticRefundNo,
  closePayOrder,
  cloudPay,
  issueRefund,
  lateRefundNo,
  mismatchRefundNo,
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

/**
 * Unpaid, unexpired orders whose payment started over 2 minutes ago: paid on WeChat Pay → recorded paid, or, paid
 * another amount than the order's, cancelled and refunded (`payment_mismatch`, settlePayment).
 */
export async function recoverPayments(now: Date, deadline: number): Promise<{ paid: number; mismatched: number }> {
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
      if (outcome.kind !== 'applied') return undefined;
      return outcome.event === 'payment_mismatch' ? 'mismatched' : 'paid';
    },
    deadline,
  );
  return { paid: counts.paid ?? 0, mismatched: counts.mismatched ?? 0 };
}

/** How long after a cancel WeChat Pay is still asked whether the order was paid (its notifications retry two days). */
export const LATE_PAYMENT_WATCH_MS = 48 * 3_600_000;
/**
 * A cancel may race a `pay.create` whose unified order is on its way to WeChat Pay (the pay function runs 10 s at
 * most): only this long after the cancel does "closed" or "no such trade" mean the order can no longer be paid.
 */
export const CANCEL_SETTLED_AFTER_MS = 2 * 60_000;

/**
 * Cancelled orders that may have been paid with every notification lost. pay.create records `payStartedAt` before it
 * asks WeChat Pay for a trade (and does not ask when that write finds the order cancelled), so every order with a trade
 * has it; a cancel closes the trade when it can, but one that raced pay.create, found the shopper paying, or was given
 * up on (jobs timeout) leaves it open. So these are asked about, from 2 minutes to 48 hours after the cancel, until
 * WeChat Pay settles it: paid → `late_payment`, refunded in full once (`<orderId>R0`, settlePayment); still open → closed
 * now; closed or never created → `payClosedAt`, never asked again. Cancelled orders without `payStartedAt` never had
 * a trade and are not asked about.
 */
export async function recoverLatePayments(now: Date, deadline: number): Promise<number> {
  const from = new Date(now.getTime() - LATE_PAYMENT_WATCH_MS);
  const to = new Date(now.getTime() - CANCEL_SETTLED_AFTER_MS);
  const counts = await sweep(
    'late_payment',
    {
      // The (status, cancelledAt) index bounds the scan to the window's cancels.
      filter: _.and([
        { status: 'cancelled', cancelledAt: _.gt(from), payStartedAt: _.exists(true) },
        { cancelledAt: _.lte(to), payment: _.exists(false), payClosedAt: _.exists(false) },
      ]),
      orderField: 'cancelledAt',
    },
    async (order) => {
      let trade = await queryPayOrder(order._id);
      // Still payable (NOTPAY): closed now, unless the shopper got there first.
      if (trade.kind === 'unpaid') trade = await closePayOrder(order._id);
      if (trade.kind === 'paid') {
        const { outcome } = await settlePayment(trade.payment, now);
        return outcome.kind === 'applied' ? 'late' : undefined;
      }
      if (trade.kind === 'closed') {
        await db
          .collection('orders')
          .where({ _id: order._id, payment: _.exists(false) })
          .update({ data: { payClosedAt: now } });
        return undefined;
      }
      console.error(
        `[jobs] late_payment ${order._id}: WeChat Pay trade not settled (${trade.kind === 'unpaid' ? trade.tradeState : trade.reason}); next firing`,
      );
      return undefined;
    },
    deadline,
  );
  return counts.late ?? 0;
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
      fields: ['payment', 'priceRefund', 'openRefund', 'refunds'],
    },
    // An after-sale case's refund is named on the order; a failed group's is the whole payment.
    (order) => reconcileRefund(order, order.openRefund?.outRefundNo ?? approvedRefundNo(order._id), now),
    deadline,
  );
  return tally(counts);
}

/**
 * Automatic refunds (`lateRefundPending`) not yet confirmed by their notification: payments that arrived after their order
 * was closed (`<orderId>R0`) and payments of another amount (`<orderId>R3`).
 */
export async function reconcileLateRefunds(now: Date, deadline: number): Promise<RefundReconciliation> {
  const counts = await sweep(
    'late_refund',
    { filter: { lateRefundPending: true, ...notEndedUnpaid }, orderField: '_id', fields: ['payment', 'paymentMismatch'] },
    (order) => reconcileRefund(order, automaticRefundNo(order), now),
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
  order: Pick<OrderDoc, '_id' | 'payment' | 'priceRefund' | 'openRefund' | 'refunds'>,
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
    const refundFee =
      outRefundNo === lateRefundNo(orderId) || outRefundNo === mismatchRefundNo(orderId)
        ? totalFee
        : (order.openRefund?.refundFee ?? refundableFee(order));
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
    // An order refunded in part before (refundedAt set) may wait for another case's refund: it is refund_approved.
    .where(
      _.or([
        { _id: orderId, refundedAt: _.exists(false) },
        { _id: orderId, status: 'refund_approved' },
      ]),
    )
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
