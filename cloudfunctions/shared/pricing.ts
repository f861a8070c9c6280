import { ErrorCode } from '../../typings/common.js';
import { ShopError } from './errors.js';

/** The order in which order-level discounts apply; when they exceed the goods, the later ones are capped first. */
export const DISCOUNT_KINDS = ['promotion', 'member', 'coupon', 'points'] as const;
export type DiscountKind = (typeof DISCOUNT_KINDS)[number];

export interface PricingLineInput {
  skuId: string;
  unitPrice: number;
  quantity: number;
}

export interface OrderDiscount {
  kind: DiscountKind;
  amount: number;
}

export interface PricingInput {
  lines: PricingLineInput[];
  discounts?: OrderDiscount[];
  freight?: number;
}

export type DiscountParts = Record<DiscountKind, number>;

export interface PricedLine {
  skuId: string;
  quantity: number;
  unitPrice: number;
  subtotal: number;
  discounts: DiscountParts;
  payable: number;
}

/** A discount that asked for more than was left to pay; only `applied` was given. */
export interface DiscountCap {
  kind: DiscountKind;
  requested: number;
  applied: number;
}

export interface PricedOrder {
  lines: PricedLine[];
  subtotal: number;
  /** Applied amount of each kind, equal to the sum of that kind over the lines. */
  discounts: DiscountParts;
  discountTotal: number;
  caps: DiscountCap[];
  freight: number;
  payable: number;
}

function fen(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new ShopError(ErrorCode.VALIDATION, `${what}必须是不小于 0 的整数（分）`);
  return value;
}

/**
 * Splits `total` in proportion to `weights` with the largest-remainder method: every part is the floor of its exact
 * share, and the units left over go to the largest remainders, ties to the lower index. The parts sum to `total`
 * exactly, and no part exceeds its weight while `total` does not exceed the sum of the weights.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  fen(total, '分摊金额');
  weights.forEach((w) => fen(w, '分摊权重'));
  if (total === 0) return weights.map(() => 0);
  const sum = weights.reduce((a, b) => a + BigInt(b), 0n);
  if (sum === 0n) throw new ShopError(ErrorCode.VALIDATION, '权重全为 0，无法分摊');
  // BigInt keeps total × weight exact far beyond 2^53.
  const shares = weights.map((w, index) => {
    const exact = BigInt(total) * BigInt(w);
    return { index, part: exact / sum, remainder: exact % sum };
  });
  let left = BigInt(total) - shares.reduce((a, s) => a + s.part, 0n);
  const byRemainder = [...shares].sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const share of byRemainder) {
    if (left === 0n) break;
    share.part += 1n;
    left -= 1n;
  }
  return shares.map((s) => Number(s.part));
}

const noDiscounts = (): DiscountParts => ({ promotion: 0, member: 0, coupon: 0, points: 0 });

/**
 * Prices an order: line subtotals, order-level discounts shared across lines, freight and what is left to pay.
 * Each discount is shared in proportion to what every line still has to pay after the discounts before it; for the
 * first discount that is the line subtotal, for later ones it differs from the subtotals only by rounding, and it is
 * what guarantees that no line is discounted below 0.
 */
export function priceOrder(input: PricingInput): PricedOrder {
  if (input.lines.length === 0) throw new ShopError(ErrorCode.VALIDATION, '订单没有商品');
  const freight = fen(input.freight ?? 0, '运费');
  const lines: PricedLine[] = input.lines.map((line) => {
    const unitPrice = fen(line.unitPrice, '单价');
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) throw new ShopError(ErrorCode.VALIDATION, '购买数量必须是正整数');
    const subtotal = fen(unitPrice * line.quantity, '商品小计');
    return { skuId: line.skuId, quantity: line.quantity, unitPrice, subtotal, discounts: noDiscounts(), payable: subtotal };
  });
  const subtotal = fen(lines.reduce((a, l) => a + l.subtotal, 0), '商品总额');

  const requested = noDiscounts();
  for (const discount of input.discounts ?? []) {
    if (!DISCOUNT_KINDS.includes(discount.kind)) throw new ShopError(ErrorCode.VALIDATION, '未知的优惠类型');
    requested[discount.kind] = fen(requested[discount.kind] + fen(discount.amount, '优惠金额'), '优惠金额');
  }

  const applied = noDiscounts();
  const caps: DiscountCap[] = [];
  let remaining = subtotal;
  for (const kind of DISCOUNT_KINDS) {
    applied[kind] = Math.min(requested[kind], remaining);
    if (applied[kind] < requested[kind]) caps.push({ kind, requested: requested[kind], applied: applied[kind] });
    const parts = allocate(applied[kind], lines.map((l) => l.payable));
    lines.forEach((line, i) => {
      line.discounts[kind] = parts[i]!;
      line.payable -= parts[i]!;
    });
    remaining -= applied[kind];
  }

  const discountTotal = subtotal - remaining;
  return { lines, subtotal, discounts: applied, discountTotal, caps, freight, payable: remaining + freight };
}
