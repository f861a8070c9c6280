import { _, cloud, db } from '../../shared/db.js';
import { ShopError } from '../../shared/errors.js';
import { type OrderEvent, nextState, releasesHoldings, refundsAutomatically } from '../../shared/order-state.js';
import {
  type NotificationAnswer,
  PaymentNotification,
  RefundNotification,
  acknowledge,
  issueRefund,
  lateRefundNo,
  paidMessage,
  refuse,
} from '../../shared/payments.js';
import type { OrderDoc, PaymentRecord } from '../../shared/orders.js';
import { withRetries } from '../../shared/transactions.js';

/**
 * The platform's side of WeChat Pay. Every notification may arrive late, twice or concurrently with its duplicate, so
 * each handler re-reads the order inside one transaction and does nothing when the order already shows the news.
 * Anything the handler cannot vouch for (unknown order, wrong amount) is refused: WeChat keeps retrying, and the
 * failed deliveries are what the ops team sees.
 */

async function orderById(orderId: string): Promise<OrderDoc | undefined> {
  return (await db.collection<OrderDoc>('orders').where({ _id: orderId }).limit(1).get()).data[0];
}

type PaymentOutcome = { kind: 'applied'; event: OrderEvent; order: OrderDoc } | { kind: 'duplicate'; order: OrderDoc } | { kind: 'other_payment'; order: OrderDoc };

export async function onPayment(event: Record<string, unknown>): Promise<NotificationAnswer> {
  const parsed = PaymentNotification.safeParse(event);
  if (!parsed.success) {
    console.error('malformed payment notification', parsed.error.issues[0]);
    return refuse('malformed payment notification');
  }
  const n = parsed.data;
  if (n.returnCode === 'FAIL' || n.resultCode !== 'SUCCESS') return acknowledge('not paid');
  if (!n.transactionId) return refuse('payment notification without transactionId');

  const found = await orderById(n.outTradeNo);
  if (!found) {
    console.error(`payment ${n.transactionId} for unknown order ${n.outTradeNo}`);
    return refuse(`unknown order ${n.outTradeNo}`);
  }
  if (n.totalFee !== found.amounts.payable) {
    console.error(`payment ${n.transactionId} of ${n.totalFee} fen for order ${found._id} payable ${found.amounts.payable} fen`);
    return refuse(`amount ${n.totalFee} does not match the order's ${found.amounts.payable}`);
  }

  const orderId = found._id;
  const payment: PaymentRecord = { transactionId: n.transactionId, totalFee: n.totalFee, timeEnd: n.timeEnd ?? '' };
  const now = new Date();
  let outcome: PaymentOutcome;
  try {
    outcome = await withRetries(db, async (tx): Promise<PaymentOutcome> => {
      const current = (await tx.collection<OrderDoc>('orders').doc(orderId).get()).data;
      if (current.payment) return { kind: current.payment.transactionId === payment.transactionId ? 'duplicate' : 'other_payment', order: current };
      // Paid in time, or after the shopper or the timer closed the order: then it stays closed and the money goes back.
      const orderEvent: OrderEvent = current.status === 'cancelled' ? 'late_payment' : 'pay';
      const to = nextState(current.status, orderEvent, 'system');
      const entry = { event: orderEvent, from: current.status, to, actor: 'system', at: now };
      const late = refundsAutomatically(orderEvent);
      await tx.collection('orders').doc(orderId).update({
        data: { status: to, payment, history: _.push(entry), ...(late ? { lateRefundPending: true } : { paidAt: now }) },
      });
      return {
        kind: 'applied',
        event: orderEvent,
        order: { ...current, status: to, payment, history: [...current.history, entry], ...(late ? { lateRefundPending: true } : { paidAt: now }) },
      };
    });
  } catch (err) {
    if (!(err instanceof ShopError)) throw err;
    console.error(`payment ${payment.transactionId} for order ${orderId} not applied: ${err.message}`);
    return refuse(err.message);
  }

  if (outcome.kind === 'other_payment') {
    console.error(`order ${orderId} was paid by ${outcome.order.payment?.transactionId}, another payment ${payment.transactionId} arrived`);
    return refuse('order already paid by another transaction');
  }
  if (outcome.kind === 'applied' && outcome.event === 'pay') await sendPaidMessage(outcome.order);
  // A duplicate still pending its refund means the earlier refund call failed: issuing it again is idempotent.
  if (outcome.order.lateRefundPending) {
    const refused = await issueRefund({ orderId: outcome.order._id, outRefundNo: lateRefundNo(outcome.order._id), totalFee: payment.totalFee, refundFee: payment.totalFee });
    if (refused) return refuse(`late payment refund failed: ${refused}`);
  }
  return acknowledge();
}

async function sendPaidMessage(order: OrderDoc): Promise<void> {
  try {
    await cloud.openapi.subscribeMessage.send(paidMessage(order));
  } catch (err) {
    // The shopper may not have subscribed; the payment is recorded either way.
    console.warn(`paid message for order ${order._id} not sent`, err);
  }
}

export async function onRefund(event: Record<string, unknown>): Promise<NotificationAnswer> {
  const parsed = RefundNotification.safeParse(event);
  if (!parsed.success) {
    console.error('malformed refund notification', parsed.error.issues[0]);
    return refuse('malformed refund notification');
  }
  const { outTradeNo, outRefundNo, refundStatus } = parsed.data.reqInfo;
  if (refundStatus !== 'SUCCESS') {
    console.error(`refund ${outRefundNo} of order ${outTradeNo} ended ${refundStatus}`);
    return acknowledge('not refunded');
  }
  const found = await orderById(outTradeNo);
  if (!found) {
    console.error(`refund ${outRefundNo} for unknown order ${outTradeNo}`);
    return refuse(`unknown order ${outTradeNo}`);
  }

  const orderId = found._id;
  const now = new Date();
  try {
    await withRetries(db, async (tx) => {
      const current = (await tx.collection<OrderDoc>('orders').doc(orderId).get()).data;
      if (current.status === 'refund_approved') {
        const to = nextState(current.status, 'refund_succeeded', 'system');
        if (releasesHoldings('refund_succeeded')) {
          for (const line of current.lines) await tx.collection('skus').doc(line.skuId).update({ data: { stock: _.inc(line.quantity) } });
        }
        const entry = { event: 'refund_succeeded', from: current.status, to, actor: 'system', at: now };
        await tx.collection('orders').doc(orderId).update({ data: { status: to, refundedAt: now, history: _.push(entry) } });
      } else if (current.lateRefundPending && outRefundNo === lateRefundNo(orderId)) {
        await tx.collection('orders').doc(orderId).update({ data: { lateRefundPending: _.remove(), refundedAt: now } });
      }
      // Anything else is a repeat of a refund already recorded.
    });
  } catch (err) {
    if (!(err instanceof ShopError)) throw err;
    console.error(`refund ${outRefundNo} for order ${orderId} not applied: ${err.message}`);
    return refuse(err.message);
  }
  return acknowledge();
}
