import { ErrorCode } from '../../../typings/common.js';
import { type OrderChange, type OrderDoc } from '../model/order.js';
import { GROUP_BUY_GROUPS, GROUP_BUY_MEMBERS, GroupDoc, GroupMemberDoc, memberKey } from '../model/promotion.js';
import { ShopError } from '../rules/errors.js';
import { tierPrice } from '../rules/group-tiers.js';
import { releasesHoldings } from '../rules/order-transitions.js';
import { type Transaction, _ } from './db.js';

/** Group-buy seats as orders move: payments, cancels and refunds move seats in the order's own transaction. */

/**
 * Order effect (workflows/order-effects.ts) of a group-buy order: a payment marks the seat paid and, when it is the
 * payment that makes the target in time, the group succeeds at its tier price (the difference refunds follow the
 * transaction, `settleGroupRefunds`); a cancel, timeout, failed group or finished refund gives the seat back while the
 * group is open.
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
    const closing = succeeds
      ? { status: 'succeeded', succeededAt: now, closePrice: tierPrice(group.tiers, paid), refundsDone: false }
      : {};
    await groupRef.update({ data: { paidCount: _.inc(1), ...closing } });
    return;
  }
  if (member.status !== 'held' && member.status !== 'paid') return;
  await memberRef.update({ data: { status: event === 'refund_succeeded' ? 'refunded' : 'released' } });
  if (group.status === 'open')
    await groupRef.update({ data: { seats: _.inc(-1), ...(member.status === 'paid' ? { paidCount: _.inc(-1) } : {}) } });
}

/** The admin's ship step, in its transaction: a group-buy order ships only once its group succeeded. */
export async function refuseUnfinishedGroup(tx: Transaction, order: OrderDoc): Promise<void> {
  const promotion = order.promotion;
  if (promotion?.kind !== 'group_buy') return;
  const group = (await tx.collection<GroupDoc>(GROUP_BUY_GROUPS).doc(promotion.groupId).get()).data;
  if (group?.status !== 'succeeded') throw new ShopError(ErrorCode.INVALID_STATE, '拼团尚未成功，暂不能发货');
}
