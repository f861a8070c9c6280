import { ErrorCode } from '../../typings/common.js';
import type { GroupTier } from '../../typings/groupbuy.js';
import { type Transaction, _, db } from './db.js';
import { ShopError } from './errors.js';
import type { OrderChange } from './order-effects.js';
import { releasesHoldings } from './order-state.js';
import type { OrderDoc } from './orders.js';
import { cloudPay, issueRefund, payRefusal, priceRefundNo, refundStatusOf, saysNotExist, subMchId } from './payments.js';

/**
 * Group-buy (拼团) with ladder prices (阶梯价). An activity names the SKUs, the tiers, the target size and the time limit;
 * a group is one attempt at reaching the target. Seats are taken by atomic conditional updates on the group document
 * (never more than the target), one member document per shopper and group (`_id` `${groupId}:${openid}`, so a shopper
 * joins once); payments, cancels and refunds move seats through the order effects, in the order's own transaction.
 */
export const GROUP_BUY_ACTIVITIES = 'group_buy_activities';
export const GROUP_BUY_GROUPS = 'group_buy_groups';
export const GROUP_BUY_MEMBERS = 'group_buy_members';

export interface GroupBuyActivityDoc {
  _id: string;
  spuId: string;
  skuIds: string[];
  /** Shown in lists; the SPU's title when empty. */
  title: string;
  tiers: GroupTier[];
  targetSize: number;
  timeLimitMinutes: number;
  /** Units one member may buy in their seat. */
  maxQuantity: number;
  startAt: Date;
  endAt: Date;
  status: 'active' | 'disabled';
  createdAt: Date;
  updatedAt: Date;
}

export type GroupStatus = 'open' | 'succeeded' | 'failed';

export interface GroupDoc {
  _id: string;
  activityId: string;
  spuId: string;
  title: string;
  image: string;
  leaderOpenid: string;
  /** Copied from the activity when the group opens: a running group keeps its terms. */
  skuIds: string[];
  tiers: GroupTier[];
  targetSize: number;
  maxQuantity: number;
  /** Seats held by members (paid or waiting for payment); only conditional increments move it, never past the target. */
  seats: number;
  paidCount: number;
  status: GroupStatus;
  createdAt: Date;
  expiresAt: Date;
  succeededAt?: Date;
  /** The tier price every member ends up paying once the group succeeded. */
  closePrice?: number;
  /** Succeeded: every member's difference refund is confirmed (the groupbuy timer looks until then). */
  refundsDone?: boolean;
  failedAt?: Date;
  /** Failed: every member's order is closed or its refund issued (the groupbuy timer looks until then). */
  membersSettled?: boolean;
}

export type MemberStatus = 'held' | 'paid' | 'released' | 'refunded';

export interface GroupMemberDoc {
  _id: string;
  groupId: string;
  openid: string;
  orderId: string;
  leader: boolean;
  status: MemberStatus;
  joinedAt: Date;
  paidAt?: Date;
}

export const memberKey = (groupId: string, openid: string) => `${groupId}:${openid}`;

export const GROUP_STATUS_LABELS: Record<GroupStatus, string> = { open: '拼团中', succeeded: '拼团成功', failed: '拼团失败' };

/** The price per unit when the group has `members` members: the last tier reached, the first tier below it. */
export function tierPrice(tiers: readonly GroupTier[], members: number): number {
  let price = tiers[0]!.price;
  for (const tier of tiers) if (members >= tier.minMembers) price = tier.price;
  return price;
}

/**
 * Order effect (order-effects.ts) of a group-buy order: a payment marks the seat paid and, when it is the payment
 * that makes the target in time, the group succeeds at its tier price (the difference refunds follow the transaction,
 * `settleGroupRefunds`); a cancel, timeout, failed group or finished refund gives the seat back while the group is open.
 */
export async function groupSeatEffect(tx: Transaction, { event, before, now }: OrderChange): Promise<void> {
  const promotion = before.promotion;
  if (promotion?.kind !== 'group_buy') return;
  if (event !== 'pay' && !releasesHoldings(event)) return;
  const memberRef = tx.collection<GroupMemberDoc>(GROUP_BUY_MEMBERS).doc(memberKey(promotion.groupId, before.openid));
  const groupRef = tx.collection<GroupDoc>(GROUP_BUY_GROUPS).doc(promotion.groupId);
  const member = (await memberRef.get()).data;
  const group = (await groupRef.get()).data;
  // A seat given up earlier and taken again belongs to the newer order.
  if (!member || !group || member.orderId !== before._id) return;
  if (event === 'pay') {
    if (member.status !== 'held') return;
    await memberRef.update({ data: { status: 'paid', paidAt: now } });
    const paid = group.paidCount + 1;
    const succeeds = group.status === 'open' && paid >= group.targetSize && now.getTime() < new Date(group.expiresAt).getTime();
    const closing = succeeds ? { status: 'succeeded', succeededAt: now, closePrice: tierPrice(group.tiers, paid), refundsDone: false } : {};
    await groupRef.update({ data: { paidCount: _.inc(1), ...closing } });
    return;
  }
  if (member.status !== 'held' && member.status !== 'paid') return;
  await memberRef.update({ data: { status: event === 'refund_succeeded' ? 'refunded' : 'released' } });
  if (group.status === 'open') await groupRef.update({ data: { seats: _.inc(-1), ...(member.status === 'paid' ? { paidCount: _.inc(-1) } : {}) } });
}

/** The admin's ship step, in its transaction: a group-buy order ships only once its group succeeded. */
export async function refuseUnfinishedGroup(tx: Transaction, order: OrderDoc): Promise<void> {
  const promotion = order.promotion;
  if (promotion?.kind !== 'group_buy') return;
  const group = (await tx.collection<GroupDoc>(GROUP_BUY_GROUPS).doc(promotion.groupId).get()).data;
  if (group?.status !== 'succeeded') throw new ShopError(ErrorCode.INVALID_STATE, '拼团尚未成功，暂不能发货');
}

/** How long an issued difference refund waits for its notification before WeChat Pay is asked about it. */
export const PRICE_REFUND_QUERY_AFTER_MS = 60_000;

/**
 * Pays back every member of a succeeded group who paid more than the close price: exactly `(paid unit price − close
 * price) × quantity`, a partial refund through cloudPay under the order's own refund number (`<orderId>R2`, so issuing it
 * again is the same refund), recorded on the order as `priceRefund`; the order stays paid. Safe to run again and
 * again (after the payment that closed the group, and by the groupbuy timer until `refundsDone`): a refund already
 * confirmed is left alone, one issued a while ago is asked about, one WeChat Pay does not know is issued again.
 */
export async function settleGroupRefunds(groupId: string, now: Date): Promise<{ issued: number; done: boolean }> {
  const group = (await db.collection<GroupDoc>(GROUP_BUY_GROUPS).doc(groupId).get()).data;
  if (!group || group.status !== 'succeeded' || group.refundsDone || group.closePrice === undefined) return { issued: 0, done: true };
  const members = (await db.collection<GroupMemberDoc>(GROUP_BUY_MEMBERS).where({ groupId, status: 'paid' }).limit(100).get()).data;
  const orders = members.length ? (await db.collection<OrderDoc>('orders').where({ _id: _.in(members.map((m) => m.orderId)) }).limit(100).get()).data : [];
  let issued = 0;
  let done = true;
  for (const order of orders) {
    const promotion = order.promotion;
    if (promotion?.kind !== 'group_buy' || !order.payment) continue;
    const refundFee = (promotion.unitPrice - group.closePrice) * promotion.quantity;
    if (refundFee <= 0 || order.priceRefund?.status === 'done') continue;
    const outRefundNo = priceRefundNo(order._id);
    if (order.priceRefund) {
      // Issued before: ask first, so a refund already paid is recorded rather than issued again.
      if (now.getTime() - new Date(order.priceRefund.issuedAt).getTime() < PRICE_REFUND_QUERY_AFTER_MS && !order.priceRefund.error) {
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
      await db.collection('orders').where({ _id: order._id, priceRefund: _.exists(false) }).update({ data: { priceRefund } });
    }
    done = false;
    let refused: string | undefined;
    try {
      refused = await issueRefund({ orderId: order._id, outRefundNo, totalFee: order.payment.totalFee, refundFee });
    } catch (err) {
      console.error(`group ${groupId}: difference refund of ${order._id} not issued`, err);
      refused = '微信支付暂时不可用';
    }
    if (refused) await db.collection('orders').where({ _id: order._id, 'priceRefund.status': 'pending' }).update({ data: { 'priceRefund.error': refused, 'priceRefund.issuedAt': now } });
    else {
      issued++;
      if (order.priceRefund?.error) await db.collection('orders').where({ _id: order._id, 'priceRefund.status': 'pending' }).update({ data: { 'priceRefund.error': _.remove(), 'priceRefund.issuedAt': now } });
    }
  }
  if (done) await db.collection(GROUP_BUY_GROUPS).where({ _id: groupId, status: 'succeeded' }).update({ data: { refundsDone: true } });
  return { issued, done };
}

/** The difference refund arrived (notification or query): recorded once. */
export async function markPriceRefundDone(orderId: string, now: Date): Promise<boolean> {
  const marked = await db.collection('orders').where({ _id: orderId, 'priceRefund.status': 'pending' }).update({ data: { 'priceRefund.status': 'done', 'priceRefund.refundedAt': now, 'priceRefund.error': _.remove() } });
  return marked.stats.updated === 1;
}
