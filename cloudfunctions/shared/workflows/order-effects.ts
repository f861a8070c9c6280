import { type MemberSettings } from '../../../typings/member.js';
import { type OrderChange, type OrderDoc, type OrderEvent } from '../model/order.js';
import { releasesHoldings } from '../rules/order-transitions.js';
import { recordCommission, reverseCommission } from '../store/commission-ledger.js';
import { releaseCoupon, spendCoupon } from '../store/coupon-wallet.js';
import { type Database, type Transaction, _ } from '../store/db.js';
import { returnFlashSaleUnits } from '../store/flash-sale-units.js';
import { groupSeatEffect } from '../store/group-seats.js';
import { earnForOrder, returnForOrder } from '../store/points-ledger.js';
import { loadMemberSettings } from '../store/shop-settings.js';

/**
 * What an order holds or earns outside its own document (stock, coupons, points, promotion units, group-buy seats,
 * commission) moves here, inside the transaction that applies the order's lifecycle event. Every place that changes
 * an order's status (`transitionOrder`, the payment and refund settlement) calls `applyOrderEffects`, so an effect is
 * written once, with its event, or not at all.
 */

export type OrderEffect = (tx: Transaction, change: OrderChange) => Promise<void>;

/** Cancel, timeout and a completed refund give the SKUs' stock back; a flash sale's units go back to the flash sale. */
const returnStock: OrderEffect = async (tx, { event, before }) => {
  if (!releasesHoldings(event)) return;
  if (await returnFlashSaleUnits(tx, before)) return;
  for (const line of before.lines)
    await tx
      .collection('skus')
      .doc(line.skuId)
      .update({ data: { stock: _.inc(line.quantity) } });
};

/** Payment spends the order's coupon; cancel, timeout and a completed refund give it back (expired if past its validity). */
const moveCoupon: OrderEffect = async (tx, { event, before, now }) => {
  // Only orders priced with a coupon hold one: the others skip the query.
  if (!before.amounts.coupon) return;
  if (event === 'pay') await spendCoupon(tx, before._id, now);
  else if (releasesHoldings(event)) await releaseCoupon(tx, before._id, now);
};

/**
 * Points, growth and commission: completion earns points and growth on what was finally paid for the goods (a
 * group-buy member's ladder difference refund deducted) and records the inviter's commission; an unpaid order closed
 * gives back the points it spent; a completed refund also takes back what was earned and cancels or reverses the
 * commission (memberEffectsOfOrderEvent). Each once per order (ledger ids).
 */
const memberEffects: OrderEffect = async (tx, { event, before, now }) => {
  const ref = { orderId: before._id, openid: before.openid, createdAt: new Date(before.createdAt) };
  if (event === 'confirm_receipt' || event === 'auto_confirm' || event === 'refund_succeeded') {
    const paidFen = Math.max(0, before.amounts.payable - before.amounts.freight - (before.priceRefund?.refundFee ?? 0));
    await memberEffectsOfOrderEvent(tx, { ...ref, paidFen }, event, now);
  } else if (releasesHoldings(event) && (before.amounts.pointsUsed ?? 0) > 0) {
    // Closed before payment: nothing was earned, no commission recorded; only the points spent come back.
    await returnForOrder({ openid: ref.openid, orderId: ref.orderId, at: now }, tx);
  }
};

/** In order; each effect decides for itself which events concern it. */
const effects: OrderEffect[] = [returnStock, groupSeatEffect, moveCoupon, memberEffects];

export async function applyOrderEffects(tx: Transaction, change: OrderChange): Promise<void> {
  for (const effect of effects) await effect(tx, change);
}

/**
 * Sales figures (the catalog's "best-selling" sort) count paid units: `+1` after a payment is recorded, `-1` after a
 * refund completes. A display figure, so it is written after the order's transaction with atomic increments: inside
 * it, every payment for a popular product would conflict on that product's document.
 */
export async function recordSales(db: Database, order: Pick<OrderDoc, 'lines'>, sign: 1 | -1): Promise<void> {
  const bySpu = new Map<string, number>();
  for (const line of order.lines) bySpu.set(line.spuId, (bySpu.get(line.spuId) ?? 0) + line.quantity);
  try {
    await Promise.all([
      ...order.lines.map((line) =>
        db
          .collection('skus')
          .doc(line.skuId)
          .update({ data: { sales: _.inc(sign * line.quantity) } }),
      ),
      ...[...bySpu].map(([spuId, quantity]) =>
        db
          .collection('spus')
          .doc(spuId)
          .update({ data: { sales: _.inc(sign * quantity) } }),
      ),
    ]);
  } catch (err) {
    console.warn('sales figures not updated', err);
  }
}

export interface MemberOrderRef {
  orderId: string;
  openid: string;
  createdAt: Date;
  /** What the buyer paid for the goods, after every discount and partial refund, in fen (freight excluded). */
  paidFen: number;
}

/**
 * Everything members need when an order moves, inside the transaction that moves it (e.g. transitionOrder's
 * `alongside`): completed (`confirm_receipt`, `auto_confirm`) → points and growth earned, the inviter's commission
 * recorded; closed without a sale (`cancel`, `timeout`, `refund_succeeded`) → spent points returned, earned points
 * taken back, commission cancelled or reversed. Other events change nothing. Idempotent per order and event kind.
 */
export async function memberEffectsOfOrderEvent(
  tx: Transaction,
  order: MemberOrderRef,
  event: OrderEvent,
  now: Date,
  settings?: MemberSettings,
): Promise<void> {
  const ref = { openid: order.openid, orderId: order.orderId, at: now };
  switch (event) {
    case 'confirm_receipt':
    case 'auto_confirm': {
      const loaded = settings ?? (await loadMemberSettings());
      await earnForOrder({ ...ref, paidFen: order.paidFen, settings: loaded }, tx);
      await recordCommission({ ...ref, paidFen: order.paidFen, createdAt: order.createdAt }, { tx, settings: loaded });
      return;
    }
    case 'cancel':
    case 'timeout':
    case 'refund_succeeded':
      await returnForOrder(ref, tx);
      await reverseCommission(order.orderId, { at: now, tx });
      return;
    default:
      return;
  }
}
