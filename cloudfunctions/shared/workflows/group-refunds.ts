import { type OrderDoc } from '../model/order.js';
import { GROUP_BUY_GROUPS, GROUP_BUY_MEMBERS, GroupDoc, GroupMemberDoc } from '../model/promotion.js';
import {
  cloudPay,
  issueRefund,
  payRefusal,
  priceRefundNo,
  refundStatusOf,
  saysNotExist,
  subMchId,
} from '../platform/cloud-pay.js';
import { _, db } from '../store/db.js';

/** Group-buy difference refunds: a succeeded group pays back what each member paid above its close price. */

/** How long an issued difference refund waits for its notification before WeChat Pay is asked about it. */
export const PRICE_REFUND_QUERY_AFTER_MS = 60_000;

/**
 * Pays back every member of a succeeded group who paid more than the close price: exactly `(paid unit price − close
 * price) × quantity` (a member refunded meanwhile included: the difference was held back from that refund), a
 * partial refund through cloudPay under the order's own refund number (`<orderId>R2`, so issuing it again is the same
 * refund), recorded on the order as `priceRefund`; the order stays paid. Safe to run again and
 * again (after the payment that closed the group, and by the groupbuy timer until `refundsDone`): a refund already
 * confirmed is left alone, one issued a while ago is asked about, one WeChat Pay does not know is issued again.
 */
export async function settleGroupRefunds(groupId: string, now: Date): Promise<{ issued: number; done: boolean }> {
  const group = (await db.collection<GroupDoc>(GROUP_BUY_GROUPS).doc(groupId).get()).data;
  if (!group || group.status !== 'succeeded' || group.refundsDone || group.closePrice === undefined)
    return { issued: 0, done: true };
  // Refunded members too: a difference refund in flight when a member got the rest back is still owed to them.
  const members = (
    await db
      .collection<GroupMemberDoc>(GROUP_BUY_MEMBERS)
      .where({ groupId, status: _.in(['paid', 'refunded']) })
      .limit(100)
      .get()
  ).data;
  const orders = members.length
    ? (
        await db
          .collection<OrderDoc>('orders')
          .where({ _id: _.in(members.map((m) => m.orderId)) })
          .limit(100)
          .get()
      ).data
    : [];
  let issued = 0;
  let done = true;
  for (const order of orders) {
    const promotion = order.promotion;
    if (promotion?.kind !== 'group_buy' || !order.payment) continue;
    // Once recorded, the difference is held back from every later refund (refundableFee), so it never overpays;
    // not recorded yet, it is at most what after-sale refunds left of the payment.
    const difference = (promotion.unitPrice - group.closePrice) * promotion.quantity;
    const refundFee = order.priceRefund?.refundFee ?? Math.min(difference, order.payment.totalFee - (order.refunds?.fee ?? 0));
    if (refundFee <= 0 || order.priceRefund?.status === 'done') continue;
    const outRefundNo = priceRefundNo(order._id);
    if (order.priceRefund) {
      // Issued before: ask first, so a refund already paid is recorded rather than issued again.
      if (
        now.getTime() - new Date(order.priceRefund.issuedAt).getTime() < PRICE_REFUND_QUERY_AFTER_MS &&
        !order.priceRefund.error
      ) {
        done = false;
        continue;
      }
      const answer = await cloudPay().queryRefund({ outRefundNo, subMchId: subMchId() });
      if (!payRefusal(answer) && refundStatusOf(answer) === 'SUCCESS') {
        await markPriceRefundDone(order._id, now);
        continue;
      }
      if (!saysNotExist(answer) && !order.priceRefund.error) {
        done = false; // PROCESSING, or no useful answer: next firing
        continue;
      }
    } else {
      const priceRefund = { outRefundNo, refundFee, reason: 'group_tier', status: 'pending', issuedAt: now };
      await db
        .collection('orders')
        .where({ _id: order._id, priceRefund: _.exists(false) })
        .update({ data: { priceRefund } });
    }
    done = false;
    let refused: string | undefined;
    try {
      refused = await issueRefund({ orderId: order._id, outRefundNo, totalFee: order.payment.totalFee, refundFee });
    } catch (err) {
      console.error(`group ${groupId}: difference refund of ${order._id} not issued`, err);
      refused = '微信支付暂时不可用';
    }
    if (refused)
      await db
        .collection('orders')
        .where({ _id: order._id, 'priceRefund.status': 'pending' })
        .update({ data: { 'priceRefund.error': refused, 'priceRefund.issuedAt': now } });
    else {
      issued++;
      if (order.priceRefund?.error)
        await db
          .collection('orders')
          .where({ _id: order._id, 'priceRefund.status': 'pending' })
          .update({ data: { 'priceRefund.error': _.remove(), 'priceRefund.issuedAt': now } });
    }
  }
  if (done)
    await db
      .collection(GROUP_BUY_GROUPS)
      .where({ _id: groupId, status: 'succeeded' })
      .update({ data: { refundsDone: true } });
  return { issued, done };
}

/** The difference refund arrived (notification or query): recorded once. */
export async function markPriceRefundDone(orderId: string, now: Date): Promise<boolean> {
  const marked = await db
    .collection('orders')
    .where({ _id: orderId, 'priceRefund.status': 'pending' })
    .update({ data: { 'priceRefund.status': 'done', 'priceRefund.refundedAt': now, 'priceRefund.error': _.remove() } });
  return marked.stats.updated === 1;
}
