import {
  type NotificationAnswer,
  PaymentNotification,
  RefundNotification,
  acknowledge,
  refuse,
} from '../../shared/platform/pay-notifications.js';
import { ShopError } from '../../shared/rules/errors.js';
import { settlePayment, settleRefund } from '../../shared/workflows/payment-settlement.js';

/**
 * The platform's side of WeChat Pay. Every notification may arrive late, twice or concurrently with its duplicate (or
 * after the jobs timer or a cancel already learned the news by asking): the order is settled by the shared
 * payment settlement (shared/workflows/payment-settlement.ts), which does nothing when the order already shows the news. Anything it cannot vouch for
 * (unknown order, wrong amount) is refused: WeChat keeps retrying, and the failed deliveries are what the ops team sees.
 */

export async function onPayment(event: Record<string, unknown>): Promise<NotificationAnswer> {
  const parsed = PaymentNotification.safeParse(event);
  if (!parsed.success) {
    console.error('malformed payment notification', parsed.error.issues[0]);
    return refuse('malformed payment notification');
  }
  const n = parsed.data;
  if (n.returnCode === 'FAIL' || n.resultCode !== 'SUCCESS') return acknowledge('not paid');
  if (!n.transactionId) return refuse('payment notification without transactionId');

  const { outcome, refundRefused } = await settlePayment({
    orderId: n.outTradeNo,
    transactionId: n.transactionId,
    totalFee: n.totalFee,
    timeEnd: n.timeEnd ?? '',
  });
  if (outcome.kind === 'refused') return refuse(outcome.reason);
  if (refundRefused) return refuse(`late payment refund failed: ${refundRefused}`);
  return acknowledge();
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
  try {
    if ((await settleRefund({ orderId: outTradeNo, outRefundNo })) === 'unknown_order') {
      console.error(`refund ${outRefundNo} for unknown order ${outTradeNo}`);
      return refuse(`unknown order ${outTradeNo}`);
    }
  } catch (err) {
    if (!(err instanceof ShopError)) throw err;
    console.error(`refund ${outRefundNo} for order ${outTradeNo} not applied: ${err.message}`);
    return refuse(err.message);
  }
  return acknowledge();
}
