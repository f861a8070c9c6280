import { type OrderDoc, type OrderEvent, type OrderHistoryEntry } from '../model/order.js';
import { ConfirmedPayment, issueRefund, lateRefundNo, priceRefundNo } from '../platform/cloud-pay.js';
import { paidMessage, sendSubscribeMessage } from '../platform/subscribe-messages.js';
import { ShopError } from '../rules/errors.js';
import { nextState, refundsAutomatically } from '../rules/order-transitions.js';
import { _, db } from '../store/db.js';
import { withRetries } from '../store/transactions.js';
import { markPriceRefundDone, settleGroupRefunds } from './group-refunds.js';
import { applyOrderEffects, recordSales } from './order-effects.js';

/**
 * What WeChat Pay says happened to an order's money, applied to the order. The `pay` function's notifications and the
 * places that learn the same news by asking (the shopper's cancel, the jobs timer) all go through here, so a payment
 * or refund is recorded the same way, once, whichever arrives first; the others find it already recorded.
 */

export type PaymentOutcome =
  /** Recorded now: `pay` (the order is paid) or `late_payment` (it stays cancelled and the money goes back). */
  | { kind: 'applied'; event: OrderEvent; order: OrderDoc }
  /** The order already shows this very payment. */
  | { kind: 'duplicate'; order: OrderDoc }
  /** Not recorded and never will be without a person: unknown order, another amount, another transaction. */
  | { kind: 'refused'; reason: string };

export interface PaymentSettlement {
  outcome: PaymentOutcome;
  /** Set when the order's late-payment refund was due and WeChat Pay refused it (it is issued again later). */
  refundRefused?: string;
}

/**
 * Records one payment on its order in one transaction (the order is read inside it, so concurrent copies of the news
 * cannot both apply), then does what follows: the "paid" message for a paid order, the full refund for a cancelled
 * one (also for a duplicate still waiting for that refund: issuing it again is the same refund).
 */
export async function settlePayment(payment: ConfirmedPayment, now = new Date()): Promise<PaymentSettlement> {
  const { orderId, ...record } = payment;
  let outcome: PaymentOutcome;
  try {
    outcome = await withRetries(db, async (tx): Promise<PaymentOutcome> => {
      const current = (await tx.collection<OrderDoc>('orders').doc(orderId).get()).data;
      if (!current) return { kind: 'refused', reason: `unknown order ${orderId}` };
      if (current.payment) {
        if (current.payment.transactionId === record.transactionId) return { kind: 'duplicate', order: current };
        return {
          kind: 'refused',
          reason: `order ${orderId} was paid by ${current.payment.transactionId}, another payment ${record.transactionId} arrived`,
        };
      }
      if (record.totalFee !== current.amounts.payable) {
        return {
          kind: 'refused',
          reason: `payment ${record.transactionId} of ${record.totalFee} fen for order ${orderId} payable ${current.amounts.payable} fen`,
        };
      }
      // Paid in time, or after the shopper or the timer closed the order: then it stays closed and the money goes back.
      const event: OrderEvent = current.status === 'cancelled' ? 'late_payment' : 'pay';
      const to = nextState(current.status, event, 'system');
      const entry: OrderHistoryEntry = { event, from: current.status, to, actor: 'system', at: now };
      const fields = refundsAutomatically(event) ? { lateRefundPending: true } : { paidAt: now };
      await tx
        .collection('orders')
        .doc(orderId)
        .update({ data: { status: to, payment: record, history: _.push(entry), ...fields } });
      const after: OrderDoc = { ...current, status: to, payment: record, history: [...current.history, entry], ...fields };
      await applyOrderEffects(tx, { event, before: current, after, now });
      return { kind: 'applied', event, order: after };
    });
  } catch (err) {
    if (!(err instanceof ShopError)) throw err;
    outcome = { kind: 'refused', reason: err.message };
  }
  if (outcome.kind === 'refused') {
    console.error(`payment ${record.transactionId} for order ${orderId} not applied: ${outcome.reason}`);
    return { outcome };
  }
  if (outcome.kind === 'applied' && outcome.event === 'pay') {
    await recordSales(db, outcome.order, 1);
    await sendPaidMessage(outcome.order);
    await refundGroupDifferences(outcome.order, now);
  }
  if (outcome.order.lateRefundPending) {
    const refused = await issueRefund({
      orderId,
      outRefundNo: lateRefundNo(orderId),
      totalFee: record.totalFee,
      refundFee: record.totalFee,
    });
    if (refused) return { outcome, refundRefused: refused };
  }
  return { outcome };
}

/**
 * The payment that made a group-buy succeed pays back every member the difference to the closing tier. A failure here
 * is left to the groupbuy timer, which settles succeeded groups until every difference refund is confirmed.
 */
async function refundGroupDifferences(order: OrderDoc, now: Date): Promise<void> {
  const promotion = order.promotion;
  if (promotion?.kind !== 'group_buy') return;
  try {
    await settleGroupRefunds(promotion.groupId, now);
  } catch (err) {
    console.error(`group ${promotion.groupId}: difference refunds not settled after payment of ${order._id}`, err);
  }
}

async function sendPaidMessage(order: OrderDoc): Promise<void> {
  try {
    await sendSubscribeMessage(paidMessage(order));
  } catch (err) {
    // The shopper may not have subscribed; the payment is recorded either way.
    console.warn(`paid message for order ${order._id} not sent`, err);
  }
}

export type RefundOutcome = 'refunded' | 'late_refund_done' | 'price_refund_done' | 'duplicate' | 'unknown_order';

/**
 * Records one successful refund in one transaction: an approved refund completes the order (`refunded`, stock back);
 * the refund of a late payment clears `lateRefundPending`; anything else is a repeat of a refund already recorded.
 * Throws ShopError when the transaction table refuses.
 */
export async function settleRefund(refund: { orderId: string; outRefundNo: string }, now = new Date()): Promise<RefundOutcome> {
  const { orderId, outRefundNo } = refund;
  // A group-buy's price difference: the order stays as it is (paid), only its `priceRefund` is confirmed. Checked
  // first, so this refund's callback can never complete a full refund the merchant approved meanwhile.
  if (outRefundNo === priceRefundNo(orderId)) {
    if (!(await db.collection<OrderDoc>('orders').doc(orderId).get()).data) return 'unknown_order';
    return (await markPriceRefundDone(orderId, now)) ? 'price_refund_done' : 'duplicate';
  }
  let refunded: OrderDoc | undefined;
  const outcome = await withRetries(db, async (tx): Promise<RefundOutcome> => {
    const current = (await tx.collection<OrderDoc>('orders').doc(orderId).get()).data;
    if (!current) return 'unknown_order';
    if (current.status === 'refund_approved') {
      const to = nextState(current.status, 'refund_succeeded', 'system');
      const entry: OrderHistoryEntry = { event: 'refund_succeeded', from: current.status, to, actor: 'system', at: now };
      await tx
        .collection('orders')
        .doc(orderId)
        .update({ data: { status: to, refundedAt: now, refundError: _.remove(), history: _.push(entry) } });
      const { refundError: _settled, ...rest } = current;
      const after: OrderDoc = { ...rest, status: to, refundedAt: now, history: [...current.history, entry] };
      await applyOrderEffects(tx, { event: 'refund_succeeded', before: current, after, now });
      refunded = after;
      return 'refunded';
    }
    if (current.lateRefundPending && outRefundNo === lateRefundNo(orderId)) {
      await tx
        .collection('orders')
        .doc(orderId)
        .update({ data: { lateRefundPending: _.remove(), refundError: _.remove(), refundedAt: now } });
      return 'late_refund_done';
    }
    return 'duplicate';
  });
  if (outcome === 'refunded' && refunded) await recordSales(db, refunded, -1);
  return outcome;
}
