import { type MemberSettings } from '../../../typings/member.js';
import { type PricedLine } from '../../../typings/order.js';
import { type OrderChange, type OrderDoc, type OrderEvent } from '../model/order.js';
import { approvedRefundNo } from '../platform/cloud-pay.js';
import { releasesHoldings } from '../rules/order-transitions.js';
import { recordCommission, reverseCommission, takeBackCommissionShare } from '../store/commission-ledger.js';
import { releaseCoupon, spendCoupon } from '../store/coupon-wallet.js';
import { type Database, type Transaction, _ } from '../store/db.js';
import { returnFlashSaleUnits } from '../store/flash-sale-units.js';
import { groupSeatEffect } from '../store/group-seats.js';
import { earnForOrder, returnForOrder, returnRefundShare } from '../store/points-ledger.js';
import { loadMemberSettings } from '../store/shop-settings.js';

/**
 * What an order holds or earns outside its own document (stock, coupons, points, promotion units, group-buy seats,
 * commission) moves here, inside the transaction that applies the order's lifecycle event. Every place that changes
 * an order's status (`transitionOrder`, the payment and refund settlement) calls `applyOrderEffects`, so an effect is
 * written once, with its event, or not at all.
 */

export type OrderEffect = (tx: Transaction, change: OrderChange) => Promise<void>;

/** Cancel, timeout and a completed refund give the SKUs' stock back; a flash sale's units go back to the flash sale. */
const returnStock: OrderEffect = async (tx, { event, before, afterSale }) => {
  // An after-sale case restocks only what never left the shop or came back (workflows/after-sales.ts).
  if (!releasesHoldings(event) || afterSale) return;
  // Units after-sale cases refunded earlier came back (or not) with their case.
  const left = before.lines.map((line, i) => line.quantity - (before.refunds?.units[i] ?? 0));
  if (await returnFlashSaleUnits(tx, before, sum(left))) return;
  for (const [i, line] of before.lines.entries())
    if (left[i]! > 0)
      await tx
        .collection('skus')
        .doc(line.skuId)
        .update({ data: { stock: _.inc(left[i]!) } });
};

const sum = (values: readonly number[]) => values.reduce((n, v) => n + v, 0);

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
 * gives back the points it spent; a whole refund outside after-sales (a failed group) gives back what was spent and
 * takes back what was earned and the commission (memberEffectsOfOrderEvent), each once per order; an after-sale case
 * moves its share of each, once per case (ledger ids).
 */
const memberEffects: OrderEffect = async (tx, { event, before, now, afterSale }) => {
  const ref = { orderId: before._id, openid: before.openid, createdAt: new Date(before.createdAt) };
  if (afterSale && (event === 'refund_succeeded' || event === 'partial_refund')) {
    await refundShareEffects(tx, before, { id: afterSale._id, goodsFee: afterSale.goodsFee, units: afterSale.lines }, now);
  } else if (event === 'refund_succeeded' && before.refunds?.units.some((n) => n > 0)) {
    // The rest of an order after-sale cases refunded in part (a group-buy that failed later): the remaining share.
    const units = before.lines.map((line, i) => ({ quantity: line.quantity - (before.refunds!.units[i] ?? 0) }));
    const goodsFee = paidForGoods(before);
    await refundShareEffects(tx, before, { id: approvedRefundNo(before._id), goodsFee, units }, now);
  } else if (event === 'confirm_receipt' || event === 'auto_confirm' || event === 'refund_succeeded') {
    await memberEffectsOfOrderEvent(tx, { ...ref, paidFen: paidForGoods(before) }, event, now);
  } else if (releasesHoldings(event) && (before.amounts.pointsUsed ?? 0) > 0) {
    // Closed before payment: nothing was earned, no commission recorded; only the points spent come back.
    await returnForOrder({ openid: ref.openid, orderId: ref.orderId, at: now }, tx);
  }
};

/** What the buyer paid for the goods (freight excluded), after the ladder difference and after-sale refunds. */
function paidForGoods(order: OrderDoc): number {
  return Math.max(0, goodsBase(order) - (order.refunds?.goodsFee ?? 0));
}

/** What the goods cost the buyer before any after-sale case: the base every refund's share is taken of. */
function goodsBase(order: OrderDoc): number {
  return Math.max(0, order.amounts.payable - order.amounts.freight - (order.priceRefund?.refundFee ?? 0));
}

/** A refund of part of an order: its id (the refund number), its goods' fen and its units. */
interface RefundedPart {
  id: string;
  goodsFee: number;
  units: ReadonlyArray<{ quantity: number }>;
}

/** A part's share of the points spent and earned and of the commission goes back, once per part. */
async function refundShareEffects(tx: Transaction, order: OrderDoc, part: RefundedPart, now: Date): Promise<void> {
  const base = goodsBase(order);
  const count = (lines: ReadonlyArray<{ quantity: number }>) => sum(lines.map((l) => l.quantity));
  // Shares go by fen paid; an order paid entirely with points and coupon has none, so its shares go by units.
  const share =
    base > 0
      ? { base, before: order.refunds?.goodsFee ?? 0, now: part.goodsFee }
      : { base: count(order.lines), before: sum(order.refunds?.units ?? []), now: count(part.units) };
  await returnRefundShare(tx, { openid: order.openid, orderId: order._id, refundId: part.id, at: now }, share);
  await takeBackCommissionShare(tx, order._id, part.id, share, now);
}

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
export async function recordSales(
  db: Database,
  order: { lines: ReadonlyArray<Pick<PricedLine, 'skuId' | 'spuId' | 'quantity'>> },
  sign: 1 | -1,
): Promise<void> {
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
