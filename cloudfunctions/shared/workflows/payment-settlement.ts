import { type OrderDoc, type OrderEvent, type OrderHistoryEntry, type PaymentRecord } from '../model/order.js';
import { ConfirmedPayment, automaticRefundNo, issueRefund, priceRefundNo } from '../platform/cloud-pay.js';
import { paidMessage, sendSubscribeMessage } from '../platform/subscribe-messages.js';
import { ShopError } from '../rules/errors.js';
import { chinaTimestamp } from '../rules/new-orders.js';
import { nextState, refundsAutomatically } from '../rules/order-transitions.js';
import { type Transaction, _, db } from '../store/db.js';
import { withRetries } from '../store/transactions.js';
import { isAfterSaleRefund, settleAfterSaleRefund } from './after-sales.js';
import { markPriceRefundDone, settleGroupRefunds } from './group-refunds.js';
import { applyOrderEffects, recordSales } from './order-effects.js';

/**
 * What WeChat Pay says happened to an order's money, applied to the order. The `pay` function's notifications and the
 * places that learn the same news by asking (the shopper's cancel, the jobs timer) all go through here, so a payment
 * or refund is recorded the same way, once, whichever arrives first; the others find it already recorded.
 */

export type PaymentOutcome =
  /**
   * Recorded now: `pay` (the order is paid), `late_payment` (it stays cancelled and the money goes back) or
   * `payment_mismatch` (another amount than the order's: it is cancelled and the money goes back).
   */
  | { kind: 'applied'; event: OrderEvent; order: OrderDoc }
  /** The order already shows this very payment. */
  | { kind: 'duplicate'; order: OrderDoc }
  /** Not recorded and never will be without a person: unknown order, another transaction, a status that takes no payment. */
  | { kind: 'refused'; reason: string };

export interface PaymentSettlement {
  outcome: PaymentOutcome;
  /** Set when the order's automatic refund was due and WeChat Pay refused it (it is issued again later). */
  refundRefused?: string;
}

/**
 * Records one payment WeChat Pay confirmed on its order in one transaction (the order is read inside it, so concurrent
 * copies of the news cannot both apply), then does what follows: the "paid" message for a paid order, the full refund
 * for one that cannot keep the money (also for a duplicate still waiting for that refund: issuing it again is the same
 * refund). A payment of another amount than the order's really happened, so it is not refused (WeChat Pay would
 * retry it for two days while the order held its stock): the order is cancelled, its holdings go back, the money goes
 * back in full under its own refund number and the order keeps `paymentMismatch` for the merchant.
 */
export async function settlePayment(payment: ConfirmedPayment, now = new Date()): Promise<PaymentSettlement> {
  const { orderId, ...record } = payment;
  let outcome: PaymentOutcome;
  try {
    outcome = await withRetries(db, async (tx) => {
      const current = (await tx.collection<OrderDoc>('orders').doc(orderId).get()).data;
      return current ? recordPayment(tx, current, record, now) : { kind: 'refused', reason: `unknown order ${orderId}` };
    });
  } catch (err) {
    if (!(err instanceof ShopError)) throw err;
    outcome = { kind: 'refused', reason: err.message };
  }
  if (outcome.kind === 'refused') {
    console.error(`payment ${record.transactionId} for order ${orderId} not applied: ${outcome.reason}`);
    return { outcome };
  }
  if (outcome.kind === 'applied' && outcome.order.paymentMismatch) {
    const payable = outcome.order.amounts.payable;
    console.warn(
      `order ${orderId}: ${record.transactionId} paid ${record.totalFee} fen, payable ${payable}; cancelled and refunded`,
    );
  }
  if (outcome.kind === 'applied' && outcome.event === 'pay') await afterPaid(outcome.order, now);
  const { order } = outcome;
  if (order.lateRefundPending && order.payment) {
    const refused = await issueRefund({
      orderId,
      outRefundNo: automaticRefundNo(order),
      totalFee: order.payment.totalFee,
      refundFee: order.payment.totalFee,
    });
    if (refused) return { outcome, refundRefused: refused };
  }
  return { outcome };
}

/**
 * An order with nothing to pay (coupons and points cover it all, and no freight): WeChat Pay refuses 0 fen, so it is
 * paid at once by the system, with a payment record of 0 fen and no transaction (`transactionId` ''), and the same
 * effects as a paid order (the coupon spent, the seat paid, the sales counted, the "paid" message). Answers the order
 * as it then is; an order that is not unpaid or has something to pay is answered unchanged.
 */
export async function settleFreeOrder(orderId: string, now = new Date()): Promise<OrderDoc | undefined> {
  const record: PaymentRecord = { transactionId: NO_TRANSACTION, totalFee: 0, timeEnd: chinaTimestamp(now) };
  const paid = await withRetries(db, async (tx) => {
    const current = (await tx.collection<OrderDoc>('orders').doc(orderId).get()).data;
    if (!current || current.status !== 'pending_payment' || current.amounts.payable !== 0 || current.payment)
      return { order: current, applied: false };
    const outcome = await recordPayment(tx, current, record, now);
    if (outcome.kind === 'refused') throw new Error(`order ${orderId} of 0 fen not paid: ${outcome.reason}`);
    return { order: outcome.order, applied: outcome.kind === 'applied' };
  });
  if (paid.applied && paid.order) await afterPaid(paid.order, now);
  return paid.order;
}

/** The transaction id of a payment WeChat Pay never saw (an order of 0 fen). */
export const NO_TRANSACTION = '';

/** One payment applied to the order read inside `tx`: `pay`, `late_payment` or `payment_mismatch` by the table. */
async function recordPayment(tx: Transaction, current: OrderDoc, record: PaymentRecord, now: Date): Promise<PaymentOutcome> {
  const orderId = current._id;
  if (current.payment) {
    if (current.payment.transactionId === record.transactionId) return { kind: 'duplicate', order: current };
    return {
      kind: 'refused',
      reason: `order ${orderId} was paid by ${current.payment.transactionId}, another payment ${record.transactionId} arrived`,
    };
  }
  const mismatch = record.totalFee !== current.amounts.payable;
  // Paid in time, or after the shopper or the timer closed the order (then it stays closed and the money goes back),
  // or for another amount (then it closes now, unless it was closed already, and the money goes back).
  const event: OrderEvent = current.status === 'cancelled' ? 'late_payment' : mismatch ? 'payment_mismatch' : 'pay';
  const to = nextState(current.status, event, 'system');
  const entry: OrderHistoryEntry = { event, from: current.status, to, actor: 'system', at: now };
  const fields: Partial<OrderDoc> = refundsAutomatically(event)
    ? {
        lateRefundPending: true,
        ...(mismatch ? { paymentMismatch: { totalFee: record.totalFee, transactionId: record.transactionId, at: now } } : {}),
        ...(event === 'payment_mismatch' ? { cancelledAt: now } : {}),
      }
    : { paidAt: now };
  await tx
    .collection('orders')
    .doc(orderId)
    .update({ data: { status: to, payment: record, history: _.push(entry), ...fields } });
  const after: OrderDoc = { ...current, status: to, payment: record, history: [...current.history, entry], ...fields };
  await applyOrderEffects(tx, { event, before: current, after, now });
  return { kind: 'applied', event, order: after };
}

/** What follows a payment once it is recorded: the sales figures, the "paid" message, a group-buy's difference refunds. */
async function afterPaid(order: OrderDoc, now: Date): Promise<void> {
  await recordSales(db, order, 1);
  await sendPaidMessage(order);
  await refundGroupDifferences(order, now);
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
 * the automatic refund of a late payment or of a payment of another amount (`automaticRefundNo`) clears
 * `lateRefundPending`; anything else is a repeat of a refund already recorded.
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
  // An after-sale case's refund (its number is the case id): the case settles, the order follows.
  if (isAfterSaleRefund(orderId, outRefundNo)) {
    if (!(await db.collection<OrderDoc>('orders').doc(orderId).get()).data) return 'unknown_order';
    return (await settleAfterSaleRefund(orderId, outRefundNo, now)) ? 'refunded' : 'duplicate';
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
    if (current.lateRefundPending && outRefundNo === automaticRefundNo(current)) {
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
