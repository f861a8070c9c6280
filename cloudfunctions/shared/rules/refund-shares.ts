import { ErrorCode } from '../../../typings/common.js';
import type { PricedLine } from '../../../typings/order.js';
import type { AfterSaleLine, OrderRefunds } from '../model/after-sale.js';
import type { RefundableStatus } from '../model/order.js';
import { ShopError } from './errors.js';

/**
 * How much an after-sale case pays back, and how much of what an order spent or earned (points, growth, commission)
 * follows it. Pure. Every share is cumulative: the amount for the units refunded so far is floor(total × refunded /
 * base), and a case moves the difference, so the cases of an order add up exactly to the total once everything is
 * refunded, whatever the order of the cases and however the fen round.
 */

export interface RequestedUnits {
  index: number;
  quantity: number;
}

export function noRefundsYet(lineCount: number): OrderRefunds {
  return { fee: 0, goodsFee: 0, units: Array<number>(lineCount).fill(0), cases: 0 };
}

/**
 * What moves back of `total` when `now` more of `base` is refunded after `before`: the whole rest once the refunds
 * reach the base.
 */
export function shareBack(total: number, base: number, before: number, now: number): number {
  if (total <= 0 || now <= 0) return 0;
  const from = Math.max(0, before);
  if (base <= 0) return from > 0 ? 0 : total;
  const earlier = Math.floor((total * Math.min(from, base)) / base);
  if (from + now >= base) return total - earlier;
  return Math.floor((total * (from + now)) / base) - earlier;
}

/** A refund's place among an order's refunds: `now` fen of goods refunded after `before`, of `base` paid for goods. */
export interface RefundedShare {
  base: number;
  before: number;
  now: number;
}

export interface RefundPlan {
  lines: AfterSaleLine[];
  refundFee: number;
  goodsFee: number;
  /** No unit of the order is left once this case is refunded. */
  whole: boolean;
}

/**
 * The case for `requested` units (absent: every unit not refunded yet). Each line pays back its cumulative share of
 * `payable` (so partial refunds give back exactly what the units cost after every discount); the freight goes back
 * only with the last units of an order never shipped; nothing beyond what is still refundable of the payment.
 */
export function planRefund(
  order: { lines: readonly PricedLine[]; freight: number; refunds: OrderRefunds; requestedFrom: RefundableStatus },
  requested: readonly RequestedUnits[] | undefined,
  refundable: number,
): RefundPlan {
  const left = order.lines.map((line, i) => line.quantity - (order.refunds.units[i] ?? 0));
  const wanted = requested ?? left.flatMap((quantity, index) => (quantity > 0 ? [{ index, quantity }] : []));
  if (wanted.length === 0) throw new ShopError(ErrorCode.INVALID_STATE, '订单的商品都已退款');
  const lines = wanted.map(({ index, quantity }): AfterSaleLine => {
    const line = order.lines[index];
    if (!line) throw new ShopError(ErrorCode.VALIDATION, `订单没有第 ${index + 1} 件商品`);
    if (quantity > left[index]!) {
      throw new ShopError(ErrorCode.VALIDATION, `「${line.title}」最多还能退 ${left[index]} 件`);
    }
    const before = order.refunds.units[index] ?? 0;
    const refundFee = shareBack(line.payable, line.quantity, before, quantity);
    return { index, skuId: line.skuId, title: line.title, image: line.image, specValues: line.specValues, quantity, refundFee };
  });
  const whole = left.every((quantity, i) => quantity === (wanted.find((w) => w.index === i)?.quantity ?? 0));
  const goods = lines.reduce((sum, l) => sum + l.refundFee, 0);
  const refundFee = Math.max(0, whole && order.requestedFrom === 'paid' ? refundable : Math.min(goods, refundable));
  return { lines, refundFee, goodsFee: Math.min(goods, refundFee), whole };
}

/** The order's refund totals once `plan`'s case is refunded. */
export function afterRefund(refunds: OrderRefunds, plan: Pick<RefundPlan, 'lines' | 'refundFee' | 'goodsFee'>): OrderRefunds {
  const units = [...refunds.units];
  for (const line of plan.lines) units[line.index] = (units[line.index] ?? 0) + line.quantity;
  return { ...refunds, fee: refunds.fee + plan.refundFee, goodsFee: refunds.goodsFee + plan.goodsFee, units };
}

/** Lines minus the units named `unsellable` (a return's receipt): what goes back to stock. */
export function restockable(lines: readonly AfterSaleLine[], unsellable: readonly RequestedUnits[]): AfterSaleLine[] {
  for (const u of unsellable) {
    const line = lines.find((l) => l.index === u.index);
    if (!line) throw new ShopError(ErrorCode.VALIDATION, `退货中没有第 ${u.index + 1} 件商品`);
    if (u.quantity > line.quantity)
      throw new ShopError(ErrorCode.VALIDATION, `第 ${u.index + 1} 件商品只退回了 ${line.quantity} 件`);
  }
  return lines.flatMap((line) => {
    const quantity = line.quantity - (unsellable.find((u) => u.index === line.index)?.quantity ?? 0);
    return quantity > 0 ? [{ ...line, quantity }] : [];
  });
}
