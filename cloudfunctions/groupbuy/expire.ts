import type { GroupTimerSummary } from '../../typings/groupbuy.js';
import { type OrderDoc, type RefundError } from '../shared/model/order.js';
import { GROUP_BUY_GROUPS, GROUP_BUY_MEMBERS, type GroupDoc, type GroupMemberDoc } from '../shared/model/promotion.js';
import { approvedRefundNo, closePayOrder, issueRefund, refundableFee } from '../shared/platform/cloud-pay.js';
import { ShopError } from '../shared/rules/errors.js';
import { _, db } from '../shared/store/db.js';
import { closeOpenRequest } from '../shared/workflows/after-sales.js';
import { settleGroupRefunds } from '../shared/workflows/group-refunds.js';
import { transitionOrder } from '../shared/workflows/order-lifecycle.js';
import { settlePayment } from '../shared/workflows/payment-settlement.js';

/**
 * The groupbuy timer (every minute): groups whose time ran out before they reached their target fail, and every
 * member is settled: an unpaid seat's order is closed (its WeChat Pay trade first), a paid one is refunded in full
 * automatically (`group_refund` → refund_approved, refund `<orderId>R1`; the refund callback completes it as
 * `refunded` and returns the stock; the jobs timer reconciles it like any approved refund). Succeeded groups are
 * looked at until every difference refund is confirmed. Each step is safe to repeat: a group is settled only once
 * all its members are, and the next firing picks up what this one left.
 */
const BATCH = 50;

const groups = () => db.collection<GroupDoc>(GROUP_BUY_GROUPS);

export async function runGroupTimer(now: Date, deadline: number): Promise<GroupTimerSummary> {
  const summary: GroupTimerSummary = { failed: 0, settled: 0, refundsIssued: 0, differenceRefunds: 0 };
  const expired = (
    await groups()
      .where({ status: 'open', expiresAt: _.lte(now) })
      .orderBy('expiresAt', 'asc')
      .limit(BATCH)
      .get()
  ).data;
  for (const group of expired) {
    // Conditional: a payment that made the target in time (its transaction read the group open) wins.
    const failed = await groups()
      .where({ _id: group._id, status: 'open' })
      .update({ data: { status: 'failed', failedAt: now, membersSettled: false } });
    summary.failed += failed.stats.updated;
  }
  const failing = (
    await groups().where({ status: 'failed', membersSettled: false }).orderBy('expiresAt', 'asc').limit(BATCH).get()
  ).data;
  for (const group of failing) {
    if (Date.now() > deadline) break;
    const { settled, refunds } = await settleFailedGroup(group._id, now);
    summary.refundsIssued += refunds;
    if (settled) {
      await groups()
        .doc(group._id)
        .update({ data: { membersSettled: true } });
      summary.settled++;
    }
  }
  const succeeded = (
    await groups().where({ status: 'succeeded', refundsDone: false }).orderBy('expiresAt', 'asc').limit(BATCH).get()
  ).data;
  for (const group of succeeded) {
    if (Date.now() > deadline) break;
    summary.differenceRefunds += (await settleGroupRefunds(group._id, now)).issued;
  }
  return summary;
}

/** Closes or refunds every member order of a failed group; answers whether all are settled and how many refunds went out. */
async function settleFailedGroup(groupId: string, now: Date): Promise<{ settled: boolean; refunds: number }> {
  const seats = (await db.collection<GroupMemberDoc>(GROUP_BUY_MEMBERS).where({ groupId }).limit(100).get()).data;
  let settled = true;
  let refunds = 0;
  for (const seat of seats) {
    try {
      const outcome = await settleMemberOrder(seat.orderId, now);
      if (outcome === 'pending') settled = false;
      if (outcome === 'refund_issued') refunds++;
    } catch (err) {
      settled = false;
      if (!(err instanceof ShopError)) console.error(`[groupbuy] group ${groupId}: order ${seat.orderId} not settled`, err);
    }
  }
  return { settled, refunds };
}

type MemberOutcome = 'closed' | 'refund_issued' | 'refund_refused' | 'nothing' | 'pending';

async function settleMemberOrder(orderId: string, now: Date): Promise<MemberOutcome> {
  let order = (await db.collection<OrderDoc>('orders').doc(orderId).get()).data;
  if (!order) return 'nothing';
  if (order.status === 'pending_payment') {
    if (order.payStartedAt) {
      // The shopper may be paying: close the trade first, so a payment cannot land on a closed order unnoticed.
      const trade = await closePayOrder(orderId);
      if (trade.kind === 'paid') {
        await settlePayment(trade.payment, now);
        order = (await db.collection<OrderDoc>('orders').doc(orderId).get()).data!;
      } else if (trade.kind === 'unknown') {
        console.error(`[groupbuy] order ${orderId}: WeChat Pay trade not closed (${trade.reason}); next firing`);
        return 'pending';
      }
      // `unpaid` (not closable now): closed all the same; a payment still arriving is refunded in full (late_payment).
    }
    if (order.status === 'pending_payment') {
      await transitionOrder({ orderId, event: 'group_failed', actor: 'system', now, fields: () => ({ cancelledAt: now }) });
      return 'closed';
    }
  }
  // An after-sale case's money is on its way: refund the rest once it has arrived (next firing).
  if (order.status === 'refund_approved' && order.openRefund) return 'pending';
  if (order.status !== 'paid' && order.status !== 'refunding') return 'nothing';
  const approved = await transitionOrder({
    orderId,
    event: 'group_refund',
    actor: 'system',
    now,
    fields: () => ({ refundApprovedAt: now }),
    // A request still waiting for the merchant has nothing left to decide.
    alongside: async (tx, { before }) => {
      await closeOpenRequest(tx, before, now);
    },
  });
  const totalFee = approved.payment?.totalFee;
  if (!totalFee) return 'nothing';
  let refused: string | undefined;
  try {
    // What after-sale cases have not refunded yet.
    const refundFee = refundableFee(approved);
    refused = await issueRefund({ orderId, outRefundNo: approvedRefundNo(orderId), totalFee, refundFee });
  } catch (err) {
    console.error(`[groupbuy] refund of order ${orderId} not issued`, err);
    refused = '微信支付暂时不可用';
  }
  if (!refused) return 'refund_issued';
  // As the merchant's approval does: the jobs timer issues the same refund number again until it goes through.
  const refundError: RefundError = { outRefundNo: approvedRefundNo(orderId), status: refused, at: new Date() };
  await db.collection('orders').where({ _id: orderId, status: 'refund_approved' }).update({ data: { refundError } });
  return 'refund_refused';
}
