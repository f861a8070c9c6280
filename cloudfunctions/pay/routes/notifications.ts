import {
  type NotificationAnswer,
  PaymentNotification,
  RefundNotification,
  acknowledge,
  refuse,
} from '../../shared/platform/pay-notifications.js';
import { confirmPayment, confirmRefund } from '../../shared/platform/cloud-pay.js';
import { ShopError } from '../../shared/rules/errors.js';
import { settlePayment, settleRefund } from '../../shared/workflows/payment-settlement.js';

/**
 * The platform's side of WeChat Pay. A notification changes nothing on its own word: the `pay` function can be invoked
 * by anything that can call functions in the environment, so before a payment or a refund is applied WeChat Pay is asked
 * (`queryOrder`, `queryRefund`: one round trip), and what it confirms is applied. A notification it does not confirm
 * is logged with the order and refused (the real one, if any, is delivered again, and the jobs timer asks too).
 * Every notification may arrive late, twice or concurrently with its duplicate (or after the jobs timer or a cancel
 * already learned the news by asking): the order is settled by the shared payment settlement
 * (shared/workflows/payment-settlement.ts), which does nothing when the order already shows the news. Anything it
 * cannot vouch for (unknown order, another transaction) is refused: WeChat keeps retrying, and the failed deliveries
 * are what the ops team sees.
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

  const confirmation = await confirmPayment({ orderId: n.outTradeNo, transactionId: n.transactionId, totalFee: n.totalFee });
  if (confirmation.kind === 'unconfirmed') {
    console.warn(
      `payment notification for order ${n.outTradeNo} (${n.transactionId}, ${n.totalFee} fen) not confirmed: ${confirmation.reason}`,
    );
    return refuse(`not confirmed by WeChat Pay: ${confirmation.reason}`);
  }
  const { outcome, refundRefused } = await settlePayment(confirmation.value);
  if (outcome.kind === 'refused') return refuse(outcome.reason);
  if (refundRefused) return refuse(`automatic refund failed: ${refundRefused}`);
  return acknowledge();
}

export async function onRefund(event: Record<string, unknown>): Promise<NotificationAnswer> {
  const parsed = RefundNotification.safeParse(event);
  if (!parsed.success) {
    console.error('malformed refund notification', parsed.error.issues[0]);
    return refuse('malformed refund notification');
  }
  const { outTradeNo, outRefundNo, refundStatus, refundFee, transactionId } = parsed.data.reqInfo;
  if (refundStatus !== 'SUCCESS') {
    console.error(`refund ${outRefundNo} of order ${outTradeNo} ended ${refundStatus}`);
    return acknowledge('not refunded');
  }
  const confirmation = await confirmRefund({ orderId: outTradeNo, outRefundNo, refundFee, transactionId });
  if (confirmation.kind === 'unconfirmed') {
    console.warn(`refund notification ${outRefundNo} for order ${outTradeNo} not confirmed: ${confirmation.reason}`);
    return refuse(`not confirmed by WeChat Pay: ${confirmation.reason}`);
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
